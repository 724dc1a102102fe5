#include "common/auth/principal.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::auth {
namespace {

using ::testing::HasSubstr;

TEST(ParseRoleTest, ParsesEveryRoleAndRoundTripsWithRoleName) {
  for (Role role : {Role::kMember, Role::kHead, Role::kAdmin, Role::kService}) {
    absl::StatusOr<Role> parsed = ParseRole(RoleName(role));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, role);
  }
  EXPECT_EQ(*ParseRole("member"), Role::kMember);
  EXPECT_EQ(*ParseRole("head"), Role::kHead);
  EXPECT_EQ(*ParseRole("admin"), Role::kAdmin);
  EXPECT_EQ(*ParseRole("service"), Role::kService);
}

TEST(ParseRoleTest, UnknownIsInvalidArgumentNamingIt) {
  for (std::string_view bad : {"", "root", "Admin", " admin", "members"}) {
    absl::StatusOr<Role> parsed = ParseRole(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr("'" + std::string(bad) + "'"));
  }
}

TEST(PrincipalTest, HasRole) {
  Principal p{.subject = "alice", .roles = {Role::kMember, Role::kHead}};
  EXPECT_TRUE(p.HasRole(Role::kMember));
  EXPECT_TRUE(p.HasRole(Role::kHead));
  EXPECT_FALSE(p.HasRole(Role::kAdmin));
  EXPECT_FALSE(Principal{}.HasRole(Role::kMember));
}

TEST(PrincipalTest, DebugString) {
  Principal p{.subject = "alice",
              .team = "front-desk",
              .department = "ops",
              .roles = {Role::kMember, Role::kHead}};
  EXPECT_EQ(p.DebugString(),
            "Principal{subject=\"alice\", team=\"front-desk\", "
            "department=\"ops\", roles=[member, head]}");
}

}  // namespace
}  // namespace baton::auth
