// Acknowledged writes survive `kill -9` of batond; SIGTERM drains and exits 0.

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "baton/handoff/v1/handoff_service.grpc.pb.h"
#include "common/auth/jwt_signer.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "grpcpp/grpcpp.h"
#include "tests/e2e/server_process.h"

namespace baton::testing {
namespace {

namespace hv1 = ::baton::handoff::v1;
using auth::Role;

constexpr char kKey[] = "e2e-secret-0123456789abcdef0123456789";

std::string Token(const std::string& subject, const std::string& team, std::vector<Role> roles) {
  auth::TokenClaims claims;
  claims.subject = subject;
  claims.team = team;
  claims.department = "ops";
  claims.roles = std::move(roles);
  claims.issued_at = absl::Now();
  return *auth::SignToken(auth::JwtVerifierOptions::Algorithm::kHs256, kKey, claims);
}

class CrashTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // A sync gRPC client reads its idle connections only from a backup
    // poller (every 5 s by default), which would make the server's graceful
    // close wait for it. Real clients read continuously; so should this one.
    setenv("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS", "50", 1);
  }

  void SetUp() override {
    std::ofstream(dir_.Sub("key")) << kKey;
    std::filesystem::create_directories(dir_.Sub("db"));
  }

  std::unique_ptr<ServerProcess> StartServer() {
    auto server = std::make_unique<ServerProcess>(
        BATOND_PATH,
        std::vector<std::string>{"--listen=127.0.0.1:0", "--data_dir=" + dir_.Sub("db"),
                                 "--jwt_key_file=" + dir_.Sub("key"), "--log_level=warn"});
    EXPECT_TRUE(server->Start());
    stub_ = hv1::HandoffService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server->port()), grpc::InsecureChannelCredentials()));
    return server;
  }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer " + token);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return context;
  }

  void CreateOrg() {
    const std::string admin = Token("root", "", {Role::kAdmin});
    hv1::CreateDepartmentRequest department;
    department.set_department_id("ops");
    department.mutable_department()->set_display_name("运营");
    hv1::CreateDepartmentResponse department_response;
    ASSERT_TRUE(
        stub_->CreateDepartment(Context(admin).get(), department, &department_response).ok());
    for (const char* id : {"intake", "review"}) {
      hv1::CreateTeamRequest team;
      team.set_team_id(id);
      team.mutable_team()->set_department("departments/ops");
      team.mutable_team()->set_display_name(id);
      hv1::CreateTeamResponse response;
      ASSERT_TRUE(stub_->CreateTeam(Context(admin).get(), team, &response).ok());
    }
    hv1::CreateChainRequest chain;
    chain.set_chain_id("flow");
    chain.mutable_chain()->set_display_name("流程");
    for (const char* team : {"teams/intake", "teams/review"}) {
      auto* stage = chain.mutable_chain()->add_stages();
      stage->set_display_name(team);
      stage->set_owner_team(team);
      stage->mutable_sla()->set_seconds(3600);
    }
    hv1::CreateChainResponse chain_response;
    ASSERT_TRUE(stub_->CreateChain(Context(admin).get(), chain, &chain_response).ok());
  }

  TempDir dir_;
  std::unique_ptr<hv1::HandoffService::Stub> stub_;
};

TEST_F(CrashTest, AcknowledgedOffersSurviveKill9) {
  auto server = StartServer();
  CreateOrg();
  const std::string intake = Token("a", "intake", {Role::kMember});

  // Eight writers create and offer items; every acknowledged offer is noted.
  constexpr int kWriters = 8;
  constexpr int kPerWriter = 40;
  absl::Mutex mu;
  std::vector<std::string> acknowledged;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        hv1::CreateWorkItemRequest create;
        create.set_chain("chains/flow");
        create.set_external_reference(absl::StrCat("ref-", w, "-", i));
        hv1::CreateWorkItemResponse created;
        if (!stub_->CreateWorkItem(Context(intake).get(), create, &created).ok()) continue;
        hv1::OfferHandoffRequest offer;
        offer.set_work_item(created.work_item().name());
        hv1::OfferHandoffResponse offered;
        if (stub_->OfferHandoff(Context(intake).get(), offer, &offered).ok()) {
          absl::MutexLock lock(&mu);
          acknowledged.push_back(offered.handoff().name());
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  // Kill right after the last acknowledgement: no clean shutdown, no flush.
  const int status = server->Signal(SIGKILL);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  ASSERT_EQ(acknowledged.size(), static_cast<size_t>(kWriters * kPerWriter));

  server = StartServer();
  const std::string review = Token("b", "review", {Role::kMember});
  for (const std::string& name : acknowledged) {
    hv1::GetHandoffRequest get;
    get.set_name(name);
    hv1::GetHandoffResponse got;
    grpc::Status s = stub_->GetHandoff(Context(review).get(), get, &got);
    ASSERT_TRUE(s.ok()) << name << ": " << s.error_message();
    EXPECT_EQ(got.handoff().state(), hv1::HANDOFF_STATE_OFFERED);
  }
  hv1::ListHandoffsRequest inbox;
  inbox.set_team("teams/review");
  inbox.set_box(hv1::BOX_INBOX);
  inbox.set_page_size(500);
  hv1::ListHandoffsResponse listed;
  ASSERT_TRUE(stub_->ListHandoffs(Context(review).get(), inbox, &listed).ok());
  EXPECT_EQ(listed.handoffs_size(), kWriters * kPerWriter);
  EXPECT_EQ(WEXITSTATUS(server->Signal(SIGTERM)), 0);
}

TEST_F(CrashTest, SigtermDrainsAndExitsZero) {
  auto server = StartServer();
  CreateOrg();
  // A live stream is open when the signal comes: it ends, the process exits 0.
  auto context = Context(Token("svc", "", {Role::kService}));
  hv1::StreamEventsRequest request;
  auto reader = stub_->StreamEvents(context.get(), request);
  hv1::StreamEventsResponse event;
  ASSERT_TRUE(reader->Read(&event));
  // Keep reading, as a real client does, while the server drains.
  grpc::Status ended;
  std::thread client([&] {
    while (reader->Read(&event)) {
    }
    ended = reader->Finish();
  });
  const int status = server->Signal(SIGTERM);
  client.join();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAVAILABLE) << ended.error_message();
}

}  // namespace
}  // namespace baton::testing
