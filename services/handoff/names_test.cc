#include "services/handoff/names.h"

#include <string>

#include "absl/strings/escaping.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::handoff {
namespace {

using ::baton::testing::IsOk;
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

TEST(PageTokenTest, RoundTrips) {
  for (const std::string& last : {std::string("abc"), std::string(""),
                                  std::string("\x00\x01\xff key", 7), std::string("队列/中文")}) {
    const std::string token = EncodePageToken(last);
    EXPECT_NE(token, last);
    auto decoded = DecodePageToken(token);
    ASSERT_OK(decoded);
    EXPECT_EQ(*decoded, last);
  }
}

TEST(PageTokenTest, TokenIsWebSafe) {
  const std::string token = EncodePageToken(std::string("\xff\xfe\xfd\xfc\xfb\xfa", 6));
  EXPECT_EQ(token.find_first_of("+/"), std::string::npos) << token;
}

TEST(PageTokenTest, RejectsGarbage) {
  EXPECT_THAT(DecodePageToken("not a token!"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  EXPECT_THAT(DecodePageToken("%%%"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  // Valid base64, but not one of ours.
  EXPECT_THAT(DecodePageToken(absl::WebSafeBase64Escape("v2:abc")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  EXPECT_THAT(DecodePageToken(absl::WebSafeBase64Escape("abc")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

TEST(PageSizeTest, DefaultsAndClamps) {
  EXPECT_EQ(PageSize(0).value(), 50);
  EXPECT_EQ(PageSize(1).value(), 1);
  EXPECT_EQ(PageSize(50).value(), 50);
  EXPECT_EQ(PageSize(500).value(), 500);
  EXPECT_EQ(PageSize(501).value(), 500);
  EXPECT_EQ(PageSize(1'000'000).value(), 500);
}

TEST(PageSizeTest, RejectsNegative) {
  EXPECT_THAT(PageSize(-1), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  EXPECT_THAT(PageSize(-500), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
}

}  // namespace
}  // namespace baton::handoff
