#include "services/handoff/access.h"

#include <string>
#include <utility>
#include <vector>

#include "common/status/errors.h"
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

Principal Member(std::string subject, std::string team, std::string department) {
  return Principal{.subject = std::move(subject),
                   .team = std::move(team),
                   .department = std::move(department),
                   .roles = {Role::kMember}};
}

Principal Head(std::string subject, std::string team, std::string department) {
  return Principal{.subject = std::move(subject),
                   .team = std::move(team),
                   .department = std::move(department),
                   .roles = {Role::kMember, Role::kHead}};
}

Principal Admin() { return Principal{.subject = "root", .roles = {Role::kAdmin}}; }

Principal Service(std::string team = "") {
  return Principal{.subject = "crm-sync", .team = std::move(team), .roles = {Role::kService}};
}

Caller MustMakeCaller(Principal principal, absl::string_view act_as = "") {
  auto caller = MakeCaller(std::move(principal), act_as);
  EXPECT_OK(caller);
  return caller.ok() ? *std::move(caller) : Caller{};
}

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
