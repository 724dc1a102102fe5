#include "common/auth/caller.h"

#include <string>
#include <utility>
#include <vector>

#include "common/status/errors.h"
#include "common/testing/principals.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::auth {
namespace {

using ::baton::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

using ::baton::testing::Admin;
using ::baton::testing::Head;
using ::baton::testing::Member;
using ::baton::testing::MustMakeCaller;
using ::baton::testing::Service;

// --- MakeCaller -------------------------------------------------------------

TEST(MakeCallerTest, MemberActsForOwnTeam) {
  Caller caller = MustMakeCaller(Member("alice", "front-desk", "ops"));
  EXPECT_EQ(caller.team, "front-desk");
  EXPECT_EQ(caller.principal.subject, "alice");
  EXPECT_EQ(caller.principal.department, "ops");
  EXPECT_FALSE(caller.is_admin());
  EXPECT_FALSE(caller.is_service());
  EXPECT_EQ(caller.deadline, absl::InfiniteFuture());
}

TEST(MakeCallerTest, MemberMayNameOwnTeam) {
  Caller caller = MustMakeCaller(Member("alice", "front-desk", "ops"), "front-desk");
  EXPECT_EQ(caller.team, "front-desk");
}

TEST(MakeCallerTest, MemberNamingAnotherTeamIsDenied) {
  auto caller = MakeCaller(Member("alice", "front-desk", "ops"), "consultation");
  EXPECT_THAT(caller,
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(HasSubstr(std::string(kActAsTeamHeader)), HasSubstr("consultation"))));
  EXPECT_EQ(ErrorReason(caller.status()), "ACT_AS_FORBIDDEN");
}

TEST(MakeCallerTest, HeadAndAdminMayNotActForAnotherTeam) {
  EXPECT_THAT(MakeCaller(Head("hana", "front-desk", "ops"), "consultation"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("service")));
  EXPECT_THAT(MakeCaller(Admin(), "consultation"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("service")));
}

TEST(MakeCallerTest, ServiceActsForTheTeamItNames) {
  Caller caller = MustMakeCaller(Service(), "consultation");
  EXPECT_EQ(caller.team, "consultation");
  EXPECT_TRUE(caller.is_service());

  // Even when the token names a team, the header wins for a service.
  caller = MustMakeCaller(Service("front-desk"), "consultation");
  EXPECT_EQ(caller.team, "consultation");
}

TEST(MakeCallerTest, ServiceWithoutHeaderActsForNoTeam) {
  Caller caller = MustMakeCaller(Service());
  EXPECT_EQ(caller.team, "");
}

// --- RequireAdmin -------------------------------------------------------------

TEST(RequireAdminTest, AdminOnly) {
  EXPECT_OK(RequireAdmin(MustMakeCaller(Admin()), "CreateTeam"));
  EXPECT_THAT(RequireAdmin(MustMakeCaller(Member("alice", "front-desk", "ops")), "CreateTeam"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("CreateTeam"), HasSubstr("admin"), HasSubstr("alice"))));
  EXPECT_THAT(RequireAdmin(MustMakeCaller(Head("hana", "front-desk", "ops")), "CreateChain"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("CreateChain")));
  EXPECT_THAT(RequireAdmin(MustMakeCaller(Service(), "front-desk"), "CreateDepartment"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("CreateDepartment")));
}

// --- RequireTeam --------------------------------------------------------------

TEST(RequireTeamTest, TheTeamItself) {
  EXPECT_OK(RequireTeam(MustMakeCaller(Member("bob", "consultation", "clinic")), "consultation",
                        "AcceptHandoff", "the customer", "NOT_CUSTOMER"));
}

TEST(RequireTeamTest, ServiceActingForTheTeam) {
  EXPECT_OK(RequireTeam(MustMakeCaller(Service(), "consultation"), "consultation", "AcceptHandoff",
                        "the customer", "NOT_CUSTOMER"));
}

TEST(RequireTeamTest, AnotherTeamIsDenied) {
  EXPECT_THAT(RequireTeam(MustMakeCaller(Member("alice", "front-desk", "ops")), "consultation",
                          "AcceptHandoff", "the customer", "NOT_CUSTOMER"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("AcceptHandoff"), HasSubstr("the customer"),
                             HasSubstr("teams/consultation"), HasSubstr("teams/front-desk"))));
  // A service acting for a different team is denied too.
  EXPECT_THAT(RequireTeam(MustMakeCaller(Service(), "front-desk"), "consultation", "AcceptHandoff",
                          "the customer", "NOT_CUSTOMER"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("teams/front-desk")));
}

TEST(RequireTeamTest, AdminAndHeadAreNotTheTeam) {
  EXPECT_THAT(RequireTeam(MustMakeCaller(Admin()), "consultation", "OfferHandoff", "the supplier",
                          "NOT_SUPPLIER"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("no team")));
  EXPECT_THAT(RequireTeam(MustMakeCaller(Head("hana", "front-desk", "clinic")), "consultation",
                          "OfferHandoff", "the supplier", "NOT_SUPPLIER"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("OfferHandoff")));
}

TEST(RequireTeamTest, ServiceWithoutTeamIsToldToNameIt) {
  EXPECT_THAT(RequireTeam(MustMakeCaller(Service()), "consultation", "CreateWorkItem",
                          "the first stage's", "NOT_FIRST_STAGE"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("x-baton-act-as-team"), HasSubstr("CreateWorkItem"),
                             HasSubstr("teams/consultation"))));
}

// --- RequireServiceOrAdmin --------------------------------------------------------

TEST(RequireServiceOrAdminTest, ServiceOrAdminOnly) {
  EXPECT_OK(RequireServiceOrAdmin(MustMakeCaller(Service()), "StreamEvents"));
  EXPECT_OK(RequireServiceOrAdmin(MustMakeCaller(Admin()), "StreamEvents"));
  EXPECT_THAT(
      RequireServiceOrAdmin(MustMakeCaller(Member("alice", "front-desk", "ops")), "StreamEvents"),
      StatusIs(absl::StatusCode::kPermissionDenied,
               AllOf(HasSubstr("StreamEvents"), HasSubstr("service or admin"))));
  EXPECT_THAT(
      RequireServiceOrAdmin(MustMakeCaller(Head("hana", "front-desk", "ops")), "StreamEvents"),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("StreamEvents")));
}

TEST(RequireTeamTest, ReasonSaysWhichRuleRefused) {
  EXPECT_EQ(
      ErrorReason(RequireTeam(MustMakeCaller(Member("alice", "front-desk", "ops")), "consultation",
                              "AcceptHandoff", "the customer", "NOT_CUSTOMER")),
      "NOT_CUSTOMER");
  EXPECT_EQ(ErrorReason(RequireTeam(MustMakeCaller(Service()), "consultation", "AcceptHandoff",
                                    "the customer", "NOT_CUSTOMER")),
            "ACT_AS_REQUIRED");
  EXPECT_EQ(ErrorReason(RequireAdmin(MustMakeCaller(Service()), "CreateTeam")), "ADMIN_REQUIRED");
}

TEST(CallerTest, HeadsOnlyTheDepartmentItsTokenNames) {
  EXPECT_TRUE(MustMakeCaller(Head("hana", "", "clinic")).heads("clinic"));
  EXPECT_FALSE(MustMakeCaller(Head("hana", "", "clinic")).heads("ops"));
  EXPECT_FALSE(MustMakeCaller(Head("hana", "", "")).heads(""));
  // The department claim without the head role is a member, not a head.
  EXPECT_FALSE(MustMakeCaller(Member("bob", "consultation", "clinic")).heads("clinic"));
}

}  // namespace
}  // namespace baton::auth
