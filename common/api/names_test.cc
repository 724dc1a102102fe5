#include "common/api/names.h"

#include <string>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::api {
namespace {

using ::baton::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(NameTest, JoinsCollectionAndId) {
  EXPECT_EQ(Name(kTeams, "front-desk"), "teams/front-desk");
  EXPECT_EQ(Name(kDepartments, "ops"), "departments/ops");
  EXPECT_EQ(Name(kChains, "new-patient"), "chains/new-patient");
  EXPECT_EQ(Name(kWorkItems, "01abc"), "workItems/01abc");
  EXPECT_EQ(Name(kHandoffs, "h1"), "handoffs/h1");
}

TEST(ParseNameTest, AcceptsGoodNames) {
  auto id = ParseName("team", "teams/front-desk", kTeams);
  ASSERT_OK(id);
  EXPECT_EQ(*id, "front-desk");

  // Generated ids (lower-case base 32) may start with a digit.
  id = ParseName("work_item", "workItems/01hzx3k9q4r5t6v7w8y9z0abcd", kWorkItems);
  ASSERT_OK(id);
  EXPECT_EQ(*id, "01hzx3k9q4r5t6v7w8y9z0abcd");

  const std::string longest(63, 'a');
  id = ParseName("chain", Name(kChains, longest), kChains);
  ASSERT_OK(id);
  EXPECT_EQ(*id, longest);

  EXPECT_OK(ParseName("name", "handoffs/x", kHandoffs));
  EXPECT_OK(ParseName("name", "departments/d-1", kDepartments));
}

TEST(ParseNameTest, RejectsWrongCollection) {
  EXPECT_THAT(ParseName("team.department", "teams/ops", kDepartments),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("team.department"), HasSubstr("departments/{id}"))));
  EXPECT_THAT(ParseName("owner_team", "front-desk", kTeams),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("owner_team"), HasSubstr("teams/{id}"))));
  // The collection is case-sensitive and must be the whole prefix.
  EXPECT_THAT(ParseName("name", "workitems/abc", kWorkItems),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  EXPECT_THAT(ParseName("name", "xteams/abc", kTeams),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
}

TEST(ParseNameTest, RejectsEmptyNameAndEmptyId) {
  EXPECT_THAT(ParseName("chain", "", kChains),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("chain"), HasSubstr("required"))));
  EXPECT_THAT(ParseName("chain", "chains/", kChains),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("chain"), HasSubstr("chains/{id}"))));
}

TEST(ParseNameTest, RejectsBadCharacters) {
  EXPECT_THAT(ParseName("team", "teams/Front-Desk", kTeams),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("team")));
  EXPECT_THAT(ParseName("team", "teams/front_desk", kTeams),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("team")));
  EXPECT_THAT(ParseName("team", "teams/a/b", kTeams),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("team")));
  EXPECT_THAT(ParseName("team", "teams/前台", kTeams),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("team")));
  EXPECT_THAT(ParseName("team", "teams/a b", kTeams),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("team")));
}

TEST(ParseNameTest, RejectsTooLongId) {
  EXPECT_THAT(ParseName("work_item", Name(kWorkItems, std::string(64, 'a')), kWorkItems),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("work_item")));
}

TEST(StoredIdTest, DamagedStoredNameIsDataLossNotACrash) {
  auto id = StoredId("holder team", "teams/front-desk", kTeams);
  ASSERT_OK(id);
  EXPECT_EQ(*id, "front-desk");
  EXPECT_THAT(StoredId("holder team", "", kTeams),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("holder team")));
  EXPECT_THAT(StoredId("holder team", "chains/x", kTeams),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("teams/{id}")));
}

}  // namespace
}  // namespace baton::api
