// A disk that refuses writes, seen from a client: the write fails cleanly
// with UNAVAILABLE and nothing acknowledged, grpc.health.v1 turns
// NOT_SERVING, and once the disk takes writes again the server recovers
// and serves, without a restart and without losing what it had.

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/integration/health_watch.h"
#include "rocksdb/env.h"
#include "tests/integration/org_fixture.h"
#include "common/testing/fault_injecting_fs.h"

namespace baton::testing {
namespace {

using Health = grpc::health::v1::HealthCheckResponse;
using Fault = FaultInjectingFileSystem::Fault;

constexpr char kService[] = "baton.handoff.v1.HandoffService";

grpc::Status CreateDepartment(TestServer& server, const std::string& token, const std::string& id) {
  hv1::CreateDepartmentRequest request;
  request.set_department_id(id);
  request.mutable_department()->set_display_name("部门 " + id);
  hv1::CreateDepartmentResponse response;
  return server.stub().CreateDepartment(Context(token).get(), request, &response);
}

TEST(StorageHealthTest, AFullDiskFailsWritesCleanlyGoesNotServingAndRecovers) {
  auto fs = std::make_shared<FaultInjectingFileSystem>();
  TestServer server({.env = std::shared_ptr<rocksdb::Env>(rocksdb::NewCompositeEnv(fs)),
                     .queue = {.recovery_backoff = absl::Milliseconds(5),
                               .recovery_backoff_max = absl::Milliseconds(50)}});
  const std::string admin = Token("root", "", "", {auth::Role::kAdmin});
  ASSERT_TRUE(WaitForHealth(server.channel(), kService, Health::SERVING));
  ASSERT_TRUE(CreateDepartment(server, admin, "before").ok());

  fs->Inject(Fault::kNoSpace);
  grpc::Status refused = CreateDepartment(server, admin, "during");
  EXPECT_CODE(refused, grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(WaitForHealth(server.channel(), kService, Health::NOT_SERVING));

  fs->Inject(Fault::kNone);  // room on the disk again
  ASSERT_TRUE(WaitForHealth(server.channel(), kService, Health::SERVING));
  ASSERT_TRUE(CreateDepartment(server, admin, "after").ok());

  // What was acknowledged is there; what was refused is not.
  for (const auto& [id, present] :
       {std::pair("before", true), {"during", false}, {"after", true}}) {
    hv1::GetDepartmentRequest get;
    get.set_name(std::string("departments/") + id);
    hv1::GetDepartmentResponse got;
    EXPECT_EQ(server.stub().GetDepartment(Context(admin).get(), get, &got).ok(), present) << id;
  }
}

}  // namespace
}  // namespace baton::testing
