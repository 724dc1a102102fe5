#include "services/handoff/access.h"

#include <string>
#include <utility>
#include <vector>

#include "common/status/errors.h"
#include "common/testing/principals.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::handoff {
namespace {

using ::baton::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using auth::Principal;
using auth::Role;

using ::baton::testing::Admin;
using ::baton::testing::Head;
using ::baton::testing::Member;
using ::baton::testing::MustMakeCaller;
using ::baton::testing::Service;

// --- RequireTeamViewer ----------------------------------------------------------

TEST(RequireTeamViewerTest, TheTeam) {
  EXPECT_OK(RequireTeamViewer(MustMakeCaller(Member("bob", "consultation", "clinic")),
                              "consultation", "clinic"));
}

TEST(RequireTeamViewerTest, HeadOfTheSameDepartment) {
  EXPECT_OK(RequireTeamViewer(MustMakeCaller(Head("hana", "treatment", "clinic")), "consultation",
                              "clinic"));
}

TEST(RequireTeamViewerTest, HeadOfAnotherDepartmentIsDenied) {
  EXPECT_THAT(RequireTeamViewer(MustMakeCaller(Head("otto", "front-desk", "ops")), "consultation",
                                "clinic"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("teams/consultation"), HasSubstr("departments/clinic"))));
}

TEST(RequireTeamViewerTest, MemberOfAnotherTeamIsDenied) {
  // Same department, but not its head.
  EXPECT_THAT(RequireTeamViewer(MustMakeCaller(Member("carl", "treatment", "clinic")),
                                "consultation", "clinic"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("teams/consultation")));
  EXPECT_THAT(RequireTeamViewer(MustMakeCaller(Member("alice", "front-desk", "ops")),
                                "consultation", "clinic"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("teams/consultation")));
}

TEST(RequireTeamViewerTest, ServiceAndAdmin) {
  EXPECT_OK(RequireTeamViewer(MustMakeCaller(Service()), "consultation", "clinic"));
  EXPECT_OK(RequireTeamViewer(MustMakeCaller(Service(), "front-desk"), "consultation", "clinic"));
  EXPECT_OK(RequireTeamViewer(MustMakeCaller(Admin()), "consultation", "clinic"));
}

}  // namespace
}  // namespace baton::handoff
