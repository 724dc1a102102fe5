// Acknowledged writes survive `kill -9` of batond; SIGTERM goes NOT_SERVING,
// serves a lame-duck period, drains and exits 0, failing no call with
// CANCELLED; baton-handoff hosts the same service through the same module.

#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <fstream>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "baton/handoff/v1/handoff_service.grpc.pb.h"
#include "common/auth/jwt_signer.h"
#include "common/testing/temp_dir.h"
#include "grpc/health/v1/health.grpc.pb.h"
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

  std::unique_ptr<ServerProcess> StartServer(std::vector<std::string> extra = {},
                                             const std::string& binary = BATOND_PATH) {
    std::vector<std::string> args = {"--listen=127.0.0.1:0", "--data_dir=" + dir_.Sub("db"),
                                     "--jwt_key_file=" + dir_.Sub("key"), "--log_level=warn",
                                     "--lame_duck_seconds=0"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto server = std::make_unique<ServerProcess>(binary, std::move(args));
    EXPECT_TRUE(server->Start());
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = hv1::HandoffService::NewStub(channel_);
    return server;
  }

  // The server's health as grpc.health.v1 reports it for `service`.
  grpc::health::v1::HealthCheckResponse::ServingStatus Health(const std::string& service) {
    auto health = grpc::health::v1::Health::NewStub(channel_);
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    if (!health->Check(&context, request, &response).ok()) {
      return grpc::health::v1::HealthCheckResponse::UNKNOWN;
    }
    return response.status();
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
  std::shared_ptr<grpc::Channel> channel_;
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

// Clients expect a server that is told to stop to say so on health first,
// go on serving for the lame-duck period while balancers move away, then
// refuse new calls with UNAVAILABLE (retryable elsewhere) and finish the
// ones it took — never CANCELLED, which a client cannot tell from its own
// cancellation and must not retry blindly. Before the refusal phase
// (ServerHostOptions::refuse_period), this saw 1–8 CANCELLED calls a run:
// gRPC 1.51 cancels calls it has not yet handed to a handler at Shutdown.
TEST_F(CrashTest, SigtermUnderLoadGoesNotServingFirstAndCancelsNoCall) {
  auto server = StartServer({"--lame_duck_seconds=1", "--drain_seconds=10"});
  CreateOrg();
  const std::string intake = Token("a", "intake", {Role::kMember});
  ASSERT_EQ(Health("baton.handoff.v1.HandoffService"),
            grpc::health::v1::HealthCheckResponse::SERVING);

  std::atomic<bool> not_serving_seen{false};
  absl::Mutex mu;
  std::map<grpc::StatusCode, int> codes;
  int ok_after_not_serving = 0;
  std::string cancelled_message;
  constexpr int kWriters = 8;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      // Bounded: until the server is gone (two refusals in a row) or 3000 calls.
      int refused_in_a_row = 0;
      for (int i = 0; i < 3000 && refused_in_a_row < 2; ++i) {
        hv1::CreateWorkItemRequest create;
        create.set_chain("chains/flow");
        create.set_external_reference(absl::StrCat("load-", w, "-", i));
        hv1::CreateWorkItemResponse created;
        const bool after = not_serving_seen.load();
        grpc::Status s = stub_->CreateWorkItem(Context(intake).get(), create, &created);
        refused_in_a_row = s.ok() ? 0 : refused_in_a_row + 1;
        absl::MutexLock lock(&mu);
        if (s.error_code() == grpc::StatusCode::CANCELLED && cancelled_message.empty()) {
          cancelled_message = s.error_message();
        }
        ++codes[s.error_code()];
        if (s.ok() && after) ++ok_after_not_serving;
      }
    });
  }
  // Let the load run, then ask the server to stop, without waiting for it.
  {
    absl::MutexLock lock(&mu);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      return codes[grpc::StatusCode::OK] >= 200;
    };
    mu.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(30));
  }
  ASSERT_EQ(kill(server->pid(), SIGTERM), 0);
  // Health turns NOT_SERVING while the port still answers (the lame duck).
  for (int i = 0; i < 200 && !not_serving_seen; ++i) {
    if (Health("baton.handoff.v1.HandoffService") ==
        grpc::health::v1::HealthCheckResponse::NOT_SERVING) {
      not_serving_seen = true;
    }
  }
  EXPECT_TRUE(not_serving_seen.load());
  for (auto& t : writers) t.join();
  const int status = server->Signal(0);  // waits for the exit
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);

  absl::MutexLock lock(&mu);
  EXPECT_EQ(codes[grpc::StatusCode::CANCELLED], 0) << cancelled_message;
  EXPECT_GT(codes[grpc::StatusCode::OK], 200);
  EXPECT_GT(ok_after_not_serving, 0) << "the lame-duck period served no call";
  for (const auto& [code, count] : codes) {
    if (count == 0) continue;
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::UNAVAILABLE)
        << "code " << code << " x" << count;
  }
}

// The per-service binary hosts the handoff module exactly as batond does.
TEST_F(CrashTest, BatonHandoffBinaryServesTheHandoffService) {
  auto server = StartServer({}, BATON_HANDOFF_PATH);
  EXPECT_EQ(Health("baton.handoff.v1.HandoffService"),
            grpc::health::v1::HealthCheckResponse::SERVING);
  CreateOrg();
  const std::string intake = Token("a", "intake", {Role::kMember});
  hv1::CreateWorkItemRequest create;
  create.set_chain("chains/flow");
  create.set_external_reference("one");
  hv1::CreateWorkItemResponse created;
  ASSERT_TRUE(stub_->CreateWorkItem(Context(intake).get(), create, &created).ok());
  const int status = server->Signal(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace baton::testing
