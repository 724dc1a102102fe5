// Every access rule of the handoff service with real tokens (missing,
// forged, expired, wrong team), and bad input over the wire: the right
// status code naming the field, and nothing written.

#include "absl/synchronization/notification.h"
#include "common/auth/jwt_signer.h"
#include "common/server/raw_unary.h"
#include "grpcpp/generic/generic_stub.h"
#include "tests/integration/org_fixture.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using auth::Role;

class AccessTest : public OrgTest {
 protected:
  uint64_t Events() { return server_.store().event_log()->last_sequence(); }

  grpc::Status Offer(const std::string& token, const std::string& item,
                     const std::string& act_as = "") {
    hv1::OfferHandoffRequest request;
    request.set_work_item(item);
    hv1::OfferHandoffResponse response;
    return server_.stub().OfferHandoff(Context(token, act_as).get(), request, &response);
  }
  grpc::Status Accept(const std::string& token, const std::string& handoff) {
    hv1::AcceptHandoffRequest request;
    request.set_name(handoff);
    hv1::AcceptHandoffResponse response;
    return server_.stub().AcceptHandoff(Context(token).get(), request, &response);
  }
  grpc::Status Return(const std::string& token, const std::string& handoff) {
    hv1::ReturnHandoffRequest request;
    request.set_name(handoff);
    request.add_reasons(hv1::RETURN_REASON_MISSING_INFORMATION);
    hv1::ReturnHandoffResponse response;
    return server_.stub().ReturnHandoff(Context(token).get(), request, &response);
  }
  grpc::Status CreateDepartment(const std::string& token, const std::string& display_name) {
    hv1::CreateDepartmentRequest request;
    request.mutable_department()->set_display_name(display_name);
    hv1::CreateDepartmentResponse response;
    return server_.stub().CreateDepartment(Context(token).get(), request, &response);
  }
};

TEST_F(AccessTest, MissingForgedAndExpiredTokensAreUnauthenticated) {
  const uint64_t before = Events();
  grpc::Status missing = CreateDepartment("", "x");
  EXPECT_CODE(missing, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(missing.error_message(), HasSubstr("authorization"));

  const std::string forged =
      Token("root", "", "", {Role::kAdmin}, "some-other-key-0123456789abcdef");
  EXPECT_CODE(CreateDepartment(forged, "x"), grpc::StatusCode::UNAUTHENTICATED);

  auth::TokenClaims claims;
  claims.subject = "root";
  claims.roles = {Role::kAdmin};
  claims.issued_at = absl::Now() - absl::Hours(3);
  claims.ttl = absl::Hours(1);
  const std::string expired =
      *auth::SignToken(auth::JwtVerifierOptions::Algorithm::kHs256, kTestKey, claims);
  grpc::Status old = CreateDepartment(expired, "x");
  EXPECT_CODE(old, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(old.error_message(), HasSubstr("expired"));

  hv1::GetTeamRequest get;
  get.set_name("teams/front-desk");
  hv1::GetTeamResponse team;
  EXPECT_CODE(server_.stub().GetTeam(Context("").get(), get, &team),
              grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Events(), before);
}

TEST_F(AccessTest, OrgAndChainsAreForAdmins) {
  const uint64_t before = Events();
  grpc::Status denied = CreateDepartment(head_, "新部门");
  EXPECT_CODE(denied, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(denied.error_message(), HasSubstr("admin"));
  hv1::CreateTeamRequest team;
  team.mutable_team()->set_department("departments/clinic");
  team.mutable_team()->set_display_name("x");
  hv1::CreateTeamResponse team_response;
  EXPECT_CODE(server_.stub().CreateTeam(Context(front_desk_).get(), team, &team_response),
              grpc::StatusCode::PERMISSION_DENIED);
  hv1::CreateChainRequest chain;
  chain.mutable_chain()->set_display_name("x");
  for (const char* owner : {"teams/front-desk", "teams/consultation"}) {
    auto* stage = chain.mutable_chain()->add_stages();
    stage->set_display_name("s");
    stage->set_owner_team(owner);
    stage->mutable_sla()->set_seconds(60);
  }
  hv1::CreateChainResponse chain_response;
  EXPECT_CODE(server_.stub().CreateChain(Context(service_).get(), chain, &chain_response),
              grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Events(), before);
}

TEST_F(AccessTest, WorkItemsAreCreatedByTheFirstStageOrAServiceActingForIt) {
  hv1::CreateWorkItemRequest request;
  request.set_chain("chains/visit");
  request.set_external_reference("acl-1");
  hv1::CreateWorkItemResponse response;
  EXPECT_CODE(server_.stub().CreateWorkItem(Context(consult_).get(), request, &response),
              grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status unnamed = server_.stub().CreateWorkItem(Context(service_).get(), request, &response);
  EXPECT_CODE(unnamed, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(unnamed.error_message(), HasSubstr("x-baton-act-as-team"));
  // A member may not act for another team.
  EXPECT_CODE(
      server_.stub().CreateWorkItem(Context(consult_, "front-desk").get(), request, &response),
      grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status ok =
      server_.stub().CreateWorkItem(Context(service_, "front-desk").get(), request, &response);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(response.work_item().holder_team(), "teams/front-desk");
}

TEST_F(AccessTest, OnlyTheSupplierOffersAndOnlyTheCustomerDecides) {
  hv1::WorkItem item = CreateItem("acl-2");
  const uint64_t before = Events();
  EXPECT_CODE(Offer(consult_, item.name()), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_CODE(Offer(head_, item.name()), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Events(), before);
  ASSERT_TRUE(Offer(service_, item.name(), "front-desk").ok());

  hv1::ListHandoffsRequest inbox;
  inbox.set_team("teams/consultation");
  inbox.set_box(hv1::BOX_INBOX);
  hv1::ListHandoffsResponse listed;
  ASSERT_TRUE(server_.stub().ListHandoffs(Context(consult_).get(), inbox, &listed).ok());
  ASSERT_EQ(listed.handoffs_size(), 1);
  const std::string handoff = listed.handoffs(0).name();

  const uint64_t offered = Events();
  EXPECT_CODE(Accept(front_desk_, handoff), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_CODE(Accept(treatment_, handoff), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_CODE(Return(front_desk_, handoff), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_CODE(Return(admin_, handoff), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Events(), offered);

  ASSERT_TRUE(Accept(consult_, handoff).ok());
  grpc::Status twice = Accept(consult_, handoff);
  EXPECT_CODE(twice, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(twice.error_message(), HasSubstr("already accepted"));
  EXPECT_CODE(Return(consult_, handoff), grpc::StatusCode::FAILED_PRECONDITION);

  // Complete and drop belong to the holder.
  hv1::CompleteWorkItemRequest complete;
  complete.set_name(item.name());
  hv1::CompleteWorkItemResponse completed;
  EXPECT_CODE(server_.stub().CompleteWorkItem(Context(front_desk_).get(), complete, &completed),
              grpc::StatusCode::PERMISSION_DENIED);
  hv1::DropWorkItemRequest drop;
  drop.set_name(item.name());
  drop.set_reason(hv1::DROP_REASON_CUSTOMER_WITHDREW);
  hv1::DropWorkItemResponse dropped;
  EXPECT_CODE(server_.stub().DropWorkItem(Context(front_desk_).get(), drop, &dropped),
              grpc::StatusCode::PERMISSION_DENIED);
  // The holder may not complete before the last stage, but may drop.
  EXPECT_CODE(server_.stub().CompleteWorkItem(Context(consult_).get(), complete, &completed),
              grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(server_.stub().DropWorkItem(Context(consult_).get(), drop, &dropped).ok());
  EXPECT_EQ(dropped.work_item().state(), hv1::WORK_ITEM_STATE_DROPPED);
  EXPECT_CODE(Offer(consult_, item.name()), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(AccessTest, WatchingAnotherTeamsInboxIsDenied) {
  hv1::WatchInboxRequest request;
  request.set_team("teams/consultation");
  auto context = Context(treatment_);
  auto reader = server_.stub().WatchInbox(context.get(), request);
  hv1::WatchInboxResponse update;
  EXPECT_FALSE(reader->Read(&update));
  EXPECT_CODE(reader->Finish(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AccessTest, BadNamesAreInvalidArgumentNamingTheField) {
  const uint64_t before = Events();
  grpc::Status empty = CreateDepartment(admin_, "");
  EXPECT_CODE(empty, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(empty.error_message(), HasSubstr("department.display_name"));

  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "诊";
  EXPECT_TRUE(CreateDepartment(admin_, hundred).ok());
  grpc::Status oversized = CreateDepartment(admin_, hundred + "诊");
  EXPECT_CODE(oversized, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(oversized.error_message(), HasSubstr("101 characters"));
  EXPECT_CODE(CreateDepartment(admin_, "line\nbreak"), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Events(), before + 1);
}

TEST_F(AccessTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  hv1::CreateDepartmentRequest request;
  request.mutable_department()->set_display_name("ab");
  std::string bytes = request.SerializeAsString();
  const size_t at = bytes.find("ab");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = '\xff';
  bytes[at + 1] = '\xfe';

  grpc::GenericStub stub(server_.channel());
  grpc::Slice slice(bytes);
  grpc::ByteBuffer in(&slice, 1), out;
  auto context = Context(admin_);
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(context.get(), "/baton.handoff.v1.HandoffService/CreateDepartment",
                 grpc::StubOptions(), &in, &out, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("department.display_name"));
  EXPECT_THAT(status.error_message(), HasSubstr("UTF-8"));
}

TEST_F(AccessTest, UnknownIdsAreNotFoundAndMalformedOnesInvalid) {
  const uint64_t before = Events();
  EXPECT_CODE(Offer(front_desk_, "workItems/nope"), grpc::StatusCode::NOT_FOUND);
  EXPECT_CODE(Accept(consult_, "handoffs/nope"), grpc::StatusCode::NOT_FOUND);
  grpc::Status malformed = Accept(consult_, "teams/front-desk");
  EXPECT_CODE(malformed, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(malformed.error_message(), HasSubstr("name"));

  hv1::CreateTeamRequest team;
  team.mutable_team()->set_department("departments/nope");
  team.mutable_team()->set_display_name("x");
  hv1::CreateTeamResponse response;
  grpc::Status missing = server_.stub().CreateTeam(Context(admin_).get(), team, &response);
  EXPECT_CODE(missing, grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(missing.error_message(), HasSubstr("departments/nope"));
  EXPECT_EQ(Events(), before);
}

}  // namespace
}  // namespace baton::testing
