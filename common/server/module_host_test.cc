// ModuleHost's health per service: a module that is not ReadyAtStart()
// keeps its services NOT_SERVING (while still answering calls) until it
// says it is ready, without holding back its siblings; the storage's health
// and shutdown still override it.

#include "common/server/module_host.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/auth/jwt_verifier.h"
#include "common/server/test_service.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace baton::server {
namespace {

using Health = grpc::health::v1::HealthCheckResponse;
constexpr char kLate[] = "baton.handoff.v1.HandoffService";
constexpr char kEarly[] = "test.EarlyService";

// Hosts one service under `health_name`; `echo` serves CreateChain.
class FakeModule final : public ServiceModule {
 public:
  FakeModule(std::string name, std::string health_name, bool ready_at_start, bool echo)
      : name_(std::move(name)),
        health_name_(std::move(health_name)),
        ready_at_start_(ready_at_start),
        echo_(echo) {}

  absl::string_view name() const override { return name_; }
  std::vector<std::string> ColumnFamilies() const override { return {}; }
  absl::Status Open(const ModuleContext& context) override {
    set_ready = context.set_ready;
    if (echo_) {
      service_ = std::make_unique<testing::EchoChainService>(context.identity);
    } else {
      service_ = std::make_unique<grpc::Service>();
    }
    return absl::OkStatus();
  }
  std::vector<HostedService> Services() override { return {{service_.get(), health_name_}}; }
  bool ReadyAtStart() const override { return ready_at_start_; }

  std::function<void(bool)> set_ready;

 private:
  const std::string name_;
  const std::string health_name_;
  const bool ready_at_start_;
  const bool echo_;
  std::unique_ptr<grpc::Service> service_;
};

class ModuleHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto late = std::make_unique<FakeModule>("late", kLate, /*ready_at_start=*/false, true);
    late_ = late.get();
    std::vector<std::unique_ptr<ServiceModule>> modules;
    modules.push_back(std::move(late));
    modules.push_back(std::make_unique<FakeModule>("early", kEarly, true, false));
    ModuleHostOptions options;
    options.store.path = dir_.Sub("db");
    options.server.address = "127.0.0.1:0";
    options.server.refuse_period = absl::ZeroDuration();
    auto verifier = auth::JwtVerifier::Create({.key = testing::kTestKey}, Clock::Real());
    ASSERT_OK(verifier.status());
    auto host = ModuleHost::Open(std::move(options),
                                 std::make_unique<auth::Authenticator>(*std::move(verifier)),
                                 std::move(modules));
    ASSERT_OK(host.status());
    host_ = *std::move(host);
    ASSERT_OK(host_->Start());
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", host_->port()),
                                   grpc::InsecureChannelCredentials());
  }

  // The health the server reports now for `service`.
  Health::ServingStatus HealthOf(const std::string& service) {
    auto stub = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    Health response;
    const grpc::Status status = stub->Check(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.status();
  }

  baton::testing::TempDir dir_;
  FakeModule* late_ = nullptr;  // owned by host_
  std::unique_ptr<ModuleHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
};

// Fails with the readiness hook removed (every service SERVING at Start).
TEST_F(ModuleHostTest, AModuleNotReadyAtStartIsNotServingUntilItSaysSo) {
  EXPECT_EQ(HealthOf(kLate), Health::NOT_SERVING);
  EXPECT_EQ(HealthOf(kEarly), Health::SERVING);
  EXPECT_EQ(HealthOf(""), Health::SERVING);
  // Health is advice to balancers: the calls are still answered.
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + testing::TestToken());
  handoff::v1::CreateChainRequest request;
  request.set_chain_id("c");
  auto stub = handoff::v1::HandoffService::NewStub(channel_);
  handoff::v1::CreateChainResponse response;
  EXPECT_TRUE(stub->CreateChain(&context, request, &response).ok());

  late_->set_ready(true);
  EXPECT_EQ(HealthOf(kLate), Health::SERVING);
  late_->set_ready(false);
  EXPECT_EQ(HealthOf(kLate), Health::NOT_SERVING);
  EXPECT_EQ(HealthOf(kEarly), Health::SERVING);
}

TEST_F(ModuleHostTest, StorageHealthOverridesReadinessBothWays) {
  host_->OnStorageHealth(false);
  EXPECT_EQ(HealthOf(kEarly), Health::NOT_SERVING);
  late_->set_ready(true);
  EXPECT_EQ(HealthOf(kLate), Health::NOT_SERVING);  // the disk still refuses writes
  host_->OnStorageHealth(true);
  EXPECT_EQ(HealthOf(kLate), Health::SERVING);
  EXPECT_EQ(HealthOf(kEarly), Health::SERVING);

  late_->set_ready(false);
  host_->OnStorageHealth(false);
  host_->OnStorageHealth(true);
  // A recovered disk does not make a module that is not ready SERVING.
  EXPECT_EQ(HealthOf(kLate), Health::NOT_SERVING);
  EXPECT_EQ(HealthOf(""), Health::SERVING);
}

}  // namespace
}  // namespace baton::server
