#include "tests/integration/test_server.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/auth/authenticator.h"
#include "common/auth/jwt_signer.h"
#include "common/auth/jwt_verifier.h"
#include "services/feedback/local_handoff_facts.h"
#include "services/rating/local_sources.h"

namespace baton::testing {
namespace {

template <typename T>
T OrDie(absl::StatusOr<T> value, const char* what) {
  if (!value.ok()) {
    std::cerr << what << ": " << value.status() << "\n";
    std::abort();
  }
  return *std::move(value);
}

}  // namespace

TestServer::TestServer(TestServerOptions options) : options_(std::move(options)) { Start(); }

TestServer::~TestServer() { Stop(); }

void TestServer::Start() {
  auth::JwtVerifierOptions options;
  options.key = kTestKey;
  auto authenticator = std::make_unique<auth::Authenticator>(
      OrDie(auth::JwtVerifier::Create(options, Clock::Real()), "verifier"));
  auto handoff = std::make_unique<handoff::HandoffModule>(
      handoff::HandoffModuleOptions{.overdue_timer = options_.timers});
  handoff_ = handoff.get();
  auto feedback = std::make_unique<feedback::FeedbackModule>(
      feedback::FeedbackModuleOptions{.feedback = options_.feedback,
                                      .facts = feedback::LocalFacts(handoff_),
                                      .escalation_timer = options_.timers});
  feedback_ = feedback.get();
  auto rating = std::make_unique<rating::RatingModule>(
      rating::RatingModuleOptions{.handoff_source = rating::LocalHandoffSource(handoff_),
                                  .feedback_source = rating::LocalFeedbackSource(feedback_)});
  rating_ = rating.get();
  std::vector<std::unique_ptr<server::ServiceModule>> modules;
  modules.push_back(std::move(handoff));
  modules.push_back(std::move(feedback));
  modules.push_back(std::move(rating));
  server::ModuleHostOptions host_options;
  host_options.store.path = dir_.Sub("db");
  host_options.store.env = options_.env;
  host_options.queue = options_.queue;
  host_options.clock = options_.clock;
  host_options.server.address = "127.0.0.1:0";
  host_options.server.drain_timeout = absl::Seconds(5);
  host_ = OrDie(server::ModuleHost::Open(std::move(host_options), std::move(authenticator),
                                         std::move(modules)),
                "module host");
  if (absl::Status s = host_->Start(); !s.ok()) {
    std::cerr << "server: " << s << "\n";
    std::abort();
  }
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", host_->port()),
                                 grpc::InsecureChannelCredentials());
  stub_ = handoff::v1::HandoffService::NewStub(channel_);
  feedback_stub_ = feedback::v1::FeedbackService::NewStub(channel_);
  rating_stub_ = rating::v1::RatingService::NewStub(channel_);
}

void TestServer::Stop() {
  if (host_ == nullptr) return;
  host_->Shutdown();
  stub_.reset();
  feedback_stub_.reset();
  rating_stub_.reset();
  channel_.reset();
  host_.reset();
  handoff_ = nullptr;
  feedback_ = nullptr;
  rating_ = nullptr;
}

std::string Token(const std::string& subject, const std::string& team,
                  const std::string& department, std::vector<auth::Role> roles,
                  const std::string& key) {
  auth::TokenClaims claims;
  claims.subject = subject;
  claims.team = team;
  claims.department = department;
  claims.roles = std::move(roles);
  claims.issued_at = absl::Now();
  return OrDie(auth::SignToken(auth::JwtVerifierOptions::Algorithm::kHs256, key, claims), "token");
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token,
                                             const std::string& act_as_team) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  if (!act_as_team.empty()) context->AddMetadata("x-baton-act-as-team", act_as_team);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return context;
}

}  // namespace baton::testing
