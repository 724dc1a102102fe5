#include "tests/integration/test_server.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/auth/authenticator.h"
#include "common/auth/jwt_signer.h"
#include "common/auth/jwt_verifier.h"
#include "services/handoff/keys.h"

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

TestServer::TestServer() { Start(); }

TestServer::~TestServer() { Stop(); }

void TestServer::Start() {
  auth::JwtVerifierOptions options;
  options.key = kTestKey;
  identity_ = std::make_unique<server::CallIdentity>(std::make_unique<auth::Authenticator>(
      OrDie(auth::JwtVerifier::Create(options, Clock::Real()), "verifier")));
  store_ = OrDie(storage::Store::Open(
                     {.path = dir_.Sub("db"), .column_families = handoff::keys::ColumnFamilies()}),
                 "store");
  queue_ = std::make_unique<storage::CommitQueue>(store_.get(), Clock::Real());
  handoff_store_ = OrDie(handoff::HandoffStore::Open(store_.get(), queue_.get(), Clock::Real()),
                         "handoff store");
  service_ = std::make_unique<handoff::HandoffServiceImpl>(handoff_store_.get(), identity_.get());
  host_ = std::make_unique<server::ServerHost>(
      server::ServerHostOptions{.address = "127.0.0.1:0", .drain_timeout = absl::Seconds(5)},
      identity_.get());
  host_->AddService(service_.get(), handoff::HandoffServiceImpl::kServiceName);
  events::EventLog* log = handoff_store_->event_log();
  host_->OnShutdown([log] { log->Close(); });
  if (absl::Status s = host_->Start(); !s.ok()) {
    std::cerr << "server: " << s << "\n";
    std::abort();
  }
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", host_->port()),
                                 grpc::InsecureChannelCredentials());
  stub_ = handoff::v1::HandoffService::NewStub(channel_);
}

void TestServer::Stop() {
  if (host_ == nullptr) return;
  host_->Shutdown();
  stub_.reset();
  channel_.reset();
  host_.reset();
  queue_.reset();  // runs what is queued
  service_.reset();
  handoff_store_.reset();
  store_.reset();
  identity_.reset();
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
