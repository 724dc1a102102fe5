#ifndef BATON_TESTS_E2E_TWO_PROCESS_FIXTURE_H_
#define BATON_TESTS_E2E_TWO_PROCESS_FIXTURE_H_

// The fixture of the multi-process tests: baton-handoff and baton-feedback
// as two real processes, each with its own RocksDB, sharing one HS256 key,
// with a small organisation made through the API (department ops; chain
// "relay": outreach → front-desk), and what the tests need to make events.
// The binaries' paths come from BATON_HANDOFF_PATH and BATON_FEEDBACK_PATH.

#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "baton/feedback/v1/feedback_service.grpc.pb.h"
#include "baton/handoff/v1/handoff_service.grpc.pb.h"
#include "common/auth/jwt_signer.h"
#include "common/testing/temp_dir.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/e2e/server_process.h"

namespace baton::testing {

namespace fv1 = ::baton::feedback::v1;
namespace hv1 = ::baton::handoff::v1;
using auth::Role;

inline constexpr char kKey[] = "two-process-secret-0123456789abcdef0123";

inline std::string Token(const std::string& subject, const std::string& team,
                         std::vector<Role> roles) {
  return *auth::SignToken(auth::JwtVerifierOptions::Algorithm::kHs256, kKey,
                          {.subject = subject,
                           .team = team,
                           .department = team.empty() ? "" : "ops",
                           .roles = std::move(roles),
                           .issued_at = absl::Now()});
}

inline std::unique_ptr<grpc::ClientContext> Context(const std::string& token,
                                                    absl::Duration timeout = absl::Seconds(10)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

#define ASSERT_GRPC_OK(call)                              \
  do {                                                    \
    const grpc::Status status_ = (call);                  \
    ASSERT_TRUE(status_.ok()) << status_.error_message(); \
  } while (0)

class TwoProcessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // As crash_test.cc: idle channels read promptly, so a server's graceful
    // close does not wait for a backup poller (the children inherit it).
    setenv("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS", "50", 1);
  }

  void SetUp() override {
    std::ofstream(dir_.Sub("key")) << kKey;
    for (const char* db : {"handoff", "feedback"})
      std::filesystem::create_directories(dir_.Sub(db));
    handoff_ = Start(BATON_HANDOFF_PATH, "handoff", {});
    ASSERT_NE(handoff_, nullptr);
    feedback_ = StartFeedbackOn("feedback", upstream_flags_);
    ASSERT_NE(feedback_, nullptr);
    handoff_stub_ = hv1::HandoffService::NewStub(ChannelTo(handoff_->port()));
    feedback_stub_ = fv1::FeedbackService::NewStub(ChannelTo(feedback_->port()));
    ASSERT_NO_FATAL_FAILURE(CreateOrg());
  }

  std::unique_ptr<ServerProcess> Start(const std::string& binary, const std::string& db,
                                       std::vector<std::string> extra) {
    std::vector<std::string> args = {"--listen=127.0.0.1:0", "--data_dir=" + dir_.Sub(db),
                                     "--jwt_key_file=" + dir_.Sub("key"), "--log_level=warn",
                                     "--lame_duck_seconds=0"};
    args.insert(args.end(), server_flags_.begin(), server_flags_.end());
    args.insert(args.end(), extra.begin(), extra.end());
    auto server = std::make_unique<ServerProcess>(binary, std::move(args));
    if (!server->Start()) {
      ADD_FAILURE() << binary << " did not start";
      return nullptr;
    }
    return server;
  }

  // A baton-feedback on data dir `db` (under the test's directory) asking
  // the handoff process, with `upstream` flags for that channel (the
  // fixture's are upstream_flags_); nullptr (and a failure) when it does not
  // start.
  std::unique_ptr<ServerProcess> StartFeedbackOn(const std::string& db,
                                                 const std::vector<std::string>& upstream) {
    std::filesystem::create_directories(dir_.Sub(db));
    std::vector<std::string> flags = {
        absl::StrCat("--handoff_address=127.0.0.1:", handoff_->port()), "--handoff_timeout=1s"};
    flags.insert(flags.end(), upstream.begin(), upstream.end());
    return Start(BATON_FEEDBACK_PATH, db, std::move(flags));
  }

  std::shared_ptr<grpc::Channel> ChannelTo(int port) const {
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), credentials_);
  }

  // Department ops; chain "relay": outreach → front-desk (1 h).
  void CreateOrg() {
    hv1::CreateDepartmentRequest department;
    department.set_department_id("ops");
    department.mutable_department()->set_display_name("运营部");
    hv1::CreateDepartmentResponse department_response;
    ASSERT_GRPC_OK(
        handoff_stub_->CreateDepartment(Context(admin_).get(), department, &department_response));
    for (const char* id : {"outreach", "front-desk"}) {
      hv1::CreateTeamRequest team;
      team.set_team_id(id);
      team.mutable_team()->set_department("departments/ops");
      team.mutable_team()->set_display_name(absl::StrCat("团队 ", id));
      hv1::CreateTeamResponse response;
      ASSERT_GRPC_OK(handoff_stub_->CreateTeam(Context(admin_).get(), team, &response));
    }
    hv1::CreateChainRequest chain;
    chain.set_chain_id("relay");
    chain.mutable_chain()->set_display_name("接力");
    hv1::Stage* first = chain.mutable_chain()->add_stages();
    first->set_display_name("外联");
    first->set_owner_team("teams/outreach");
    hv1::Stage* second = chain.mutable_chain()->add_stages();
    second->set_display_name("前台");
    second->set_owner_team("teams/front-desk");
    second->mutable_sla()->set_seconds(3600);
    hv1::CreateChainResponse response;
    ASSERT_GRPC_OK(handoff_stub_->CreateChain(Context(admin_).get(), chain, &response));
  }

  // A work item offered by outreach and accepted by front desk; `complete`
  // then finishes it at front desk, the chain's last stage.
  void AcceptedItem(const std::string& reference, bool complete, hv1::WorkItem* item,
                    hv1::Handoff* handoff) {
    hv1::CreateWorkItemRequest create;
    create.set_chain("chains/relay");
    create.set_external_reference(reference);
    hv1::CreateWorkItemResponse created;
    ASSERT_GRPC_OK(handoff_stub_->CreateWorkItem(Context(outreach_).get(), create, &created));
    hv1::OfferHandoffRequest offer;
    offer.set_work_item(created.work_item().name());
    hv1::OfferHandoffResponse offered;
    ASSERT_GRPC_OK(handoff_stub_->OfferHandoff(Context(outreach_).get(), offer, &offered));
    hv1::AcceptHandoffRequest accept;
    accept.set_name(offered.handoff().name());
    hv1::AcceptHandoffResponse accepted;
    ASSERT_GRPC_OK(handoff_stub_->AcceptHandoff(Context(front_desk_).get(), accept, &accepted));
    *handoff = accepted.handoff();
    *item = created.work_item();
    if (!complete) return;
    hv1::CompleteWorkItemRequest finish;
    finish.set_name(item->name());
    hv1::CompleteWorkItemResponse finished;
    ASSERT_GRPC_OK(handoff_stub_->CompleteWorkItem(Context(front_desk_).get(), finish, &finished));
    *item = finished.work_item();
  }

  // Front desk's rating of `handoff`: 4, 5, 3, 4, overall 4, "资料齐全".
  static fv1::RateHandoffRequest RateRequest(const std::string& handoff) {
    fv1::RateHandoffRequest rate;
    rate.set_handoff(handoff);
    fv1::Scores* scores = rate.mutable_scores();
    scores->set_completeness(4);
    scores->set_accuracy(5);
    scores->set_timeliness(3);
    scores->set_communication(4);
    scores->set_overall(4);
    rate.set_comment("资料齐全");
    return rate;
  }

  grpc::Status RecordVerdict(const std::string& item, fv1::RecordVerdictResponse* response) {
    fv1::RecordVerdictRequest request;
    request.set_work_item(item);
    request.set_score(5);
    request.set_comment("非常满意 very satisfied");
    return feedback_stub_->RecordVerdict(Context(service_).get(), request, response);
  }

  // Feedback's whole event log: StreamEvents from 0, read for `window`
  // (the stream tails live and marks no end; the few events here all come
  // at once, well within it).
  std::vector<fv1::Event> FeedbackLog(absl::Duration window = absl::Seconds(2)) {
    fv1::StreamEventsRequest request;
    auto context = Context(service_, window);
    auto reader = feedback_stub_->StreamEvents(context.get(), request);
    std::vector<fv1::Event> events;
    fv1::StreamEventsResponse message;
    while (reader->Read(&message)) events.push_back(message.event());
    const grpc::Status end = reader->Finish();
    EXPECT_EQ(end.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << end.error_message();
    return events;
  }

  TempDir dir_;
  // Plaintext unless a test sets these in its constructor (before SetUp):
  // flags for every server process (e.g. --tls_cert_file), flags for the
  // channels baton-feedback and baton-rating open to their peers
  // (--upstream_tls_*), and the credentials of the test's own channels.
  std::vector<std::string> server_flags_;
  std::vector<std::string> upstream_flags_;
  std::shared_ptr<grpc::ChannelCredentials> credentials_ = grpc::InsecureChannelCredentials();
  const std::string admin_ = Token("root", "", {Role::kAdmin});
  const std::string service_ = Token("crm", "", {Role::kService});
  const std::string outreach_ = Token("li", "outreach", {Role::kMember});
  const std::string front_desk_ = Token("wang", "front-desk", {Role::kMember});
  std::unique_ptr<ServerProcess> handoff_;
  std::unique_ptr<ServerProcess> feedback_;
  std::unique_ptr<hv1::HandoffService::Stub> handoff_stub_;
  std::unique_ptr<fv1::FeedbackService::Stub> feedback_stub_;
};

}  // namespace baton::testing

#endif  // BATON_TESTS_E2E_TWO_PROCESS_FIXTURE_H_
