#include "common/status/errors.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

#include "absl/status/status.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace baton {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";
constexpr char kErrorInfoUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kPreconditionUrl[] = "type.googleapis.com/google.rpc.PreconditionFailure";

// Parses the payload at `type_url` into `out`; false when absent or unparsable.
template <typename Message>
bool GetDetail(const absl::Status& status, const char* type_url, Message* out) {
  auto payload = status.GetPayload(type_url);
  if (!payload.has_value()) return false;
  return out->ParseFromString(std::string(*payload));
}

TEST(BadRequestTest, EmptyBuildsOk) {
  BadRequest request;
  EXPECT_TRUE(request.empty());
  EXPECT_THAT(request.Build(), IsOk());
}

TEST(BadRequestTest, OneViolation) {
  BadRequest request;
  request.Add("chain.display_name", "is required");
  EXPECT_FALSE(request.empty());
  const absl::Status status = request.Build();
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kInvalidArgument, "chain.display_name: is required"));

  google::rpc::BadRequest detail;
  ASSERT_TRUE(GetDetail(status, kBadRequestUrl, &detail));
  ASSERT_EQ(detail.field_violations_size(), 1);
  EXPECT_EQ(detail.field_violations(0).field(), "chain.display_name");
  EXPECT_EQ(detail.field_violations(0).description(), "is required");

  google::rpc::ErrorInfo info;
  ASSERT_TRUE(GetDetail(status, kErrorInfoUrl, &info));
  EXPECT_EQ(info.reason(), "INVALID_FIELD");
  EXPECT_EQ(info.domain(), std::string(kErrorDomain));
  EXPECT_THAT(info.metadata(), UnorderedElementsAre(Pair("field", "chain.display_name")));
  EXPECT_EQ(ErrorReason(status), "INVALID_FIELD");
}

TEST(BadRequestTest, ManyViolationsListedInOrderAndMessageNamesFirst) {
  const absl::Status status = BadRequest()
                                  .Add("chain.stages[0].owner_team", "must name a team")
                                  .Add("chain.stages[1].sla", "is required")
                                  .Add("chain.display_name", "is too long")
                                  .Build();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               "chain.stages[0].owner_team: must name a team (and 2 more)"));

  google::rpc::BadRequest detail;
  ASSERT_TRUE(GetDetail(status, kBadRequestUrl, &detail));
  ASSERT_EQ(detail.field_violations_size(), 3);
  EXPECT_EQ(detail.field_violations(0).field(), "chain.stages[0].owner_team");
  EXPECT_EQ(detail.field_violations(1).field(), "chain.stages[1].sla");
  EXPECT_EQ(detail.field_violations(1).description(), "is required");
  EXPECT_EQ(detail.field_violations(2).field(), "chain.display_name");

  google::rpc::ErrorInfo info;
  ASSERT_TRUE(GetDetail(status, kErrorInfoUrl, &info));
  EXPECT_THAT(info.metadata(), UnorderedElementsAre(Pair("field", "chain.stages[0].owner_team")));
}

// Without the cap, a request with a million wrong entries built a million
// violations (hundreds of MB sent as one trailer); this test fails then.
TEST(BadRequestTest, ListsTheFirstViolationsAndCountsTheRest) {
  BadRequest request;
  constexpr size_t kAdded = 1'000'000;
  for (size_t i = 0; i < kAdded; ++i) {
    request.Add(absl::StrCat("entries[", i, "]"), "is not a team name");
  }
  EXPECT_EQ(request.count(), kAdded);
  const absl::Status status = request.Build();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               "entries[0]: is not a team name (and 999999 more)"));
  google::rpc::BadRequest detail;
  ASSERT_TRUE(GetDetail(status, kBadRequestUrl, &detail));
  ASSERT_EQ(detail.field_violations_size(), static_cast<int>(kMaxListedViolations) + 1);
  EXPECT_EQ(detail.field_violations(9).field(), "entries[9]");
  EXPECT_EQ(detail.field_violations(10).field(), "");
  EXPECT_EQ(detail.field_violations(10).description(), "and 999990 more violations not listed");
  size_t detail_bytes = 0;
  status.ForEachPayload(
      [&](absl::string_view, const absl::Cord& value) { detail_bytes += value.size(); });
  EXPECT_LT(detail_bytes, 2048u);
}

TEST(BadRequestTest, ExactlyTheLimitListsEverything) {
  BadRequest request;
  for (size_t i = 0; i < kMaxListedViolations; ++i) request.Add(absl::StrCat("f", i), "bad");
  google::rpc::BadRequest detail;
  ASSERT_TRUE(GetDetail(request.Build(), kBadRequestUrl, &detail));
  ASSERT_EQ(detail.field_violations_size(), static_cast<int>(kMaxListedViolations));
  EXPECT_EQ(detail.field_violations(9).field(), "f9");
}

TEST(BadRequestTest, LongTextsAreCutOnACharacterBoundary) {
  std::string long_field(2000, 'x');
  std::string long_description;
  for (int i = 0; i < 1000; ++i) long_description += "前";  // 3 bytes each
  const absl::Status status = BadRequest().Add(long_field, long_description).Build();
  google::rpc::BadRequest detail;
  ASSERT_TRUE(GetDetail(status, kBadRequestUrl, &detail));
  ASSERT_EQ(detail.field_violations_size(), 1);
  const std::string& field = detail.field_violations(0).field();
  const std::string& description = detail.field_violations(0).description();
  EXPECT_LE(field.size(), kMaxDetailBytes);
  EXPECT_LE(description.size(), kMaxDetailBytes);
  EXPECT_THAT(description, ::testing::EndsWith("前…"));
  EXPECT_EQ(description.size() % 3, 0u) << "a character was split";
  EXPECT_LE(status.message().size(), 2 * kMaxDetailBytes + 2);
}

TEST(TruncateUtf8Test, KeepsShortTextAndCutsLongTextWholeCharacters) {
  EXPECT_EQ(TruncateUtf8("abc", 3), "abc");
  EXPECT_EQ(TruncateUtf8("abcdef", 5), "ab…");
  EXPECT_EQ(TruncateUtf8("前台接待", 9), "前台…");
  EXPECT_EQ(TruncateUtf8("前台接待", 12), "前台接待");
  EXPECT_EQ(TruncateUtf8("前台接待", 8), "前…");  // not half of 台
  EXPECT_EQ(TruncateUtf8("前台接待", 5), "…");
  EXPECT_EQ(TruncateUtf8("abcdef", 2), "");
}

TEST(InvalidFieldTest, IsBadRequestWithOneField) {
  const absl::Status status = InvalidField("team_id", "must start with a letter");
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kInvalidArgument, "team_id: must start with a letter"));
  google::rpc::BadRequest detail;
  ASSERT_TRUE(GetDetail(status, kBadRequestUrl, &detail));
  ASSERT_EQ(detail.field_violations_size(), 1);
  EXPECT_EQ(detail.field_violations(0).field(), "team_id");
  EXPECT_EQ(detail.field_violations(0).description(), "must start with a letter");
  EXPECT_EQ(status, BadRequest().Add("team_id", "must start with a letter").Build());
}

TEST(FailedPreconditionTest, CarriesReasonAndViolations) {
  const absl::Status status =
      FailedPrecondition("ITEM_NOT_ACTIVE", "the work item is completed",
                         {{"STATE", "items/abc", "is COMPLETED"},
                          {"MISSING_FIELD", "customer_name", "is required by stage 2"}});
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kFailedPrecondition, "the work item is completed"));
  EXPECT_EQ(ErrorReason(status), "ITEM_NOT_ACTIVE");

  google::rpc::PreconditionFailure detail;
  ASSERT_TRUE(GetDetail(status, kPreconditionUrl, &detail));
  ASSERT_EQ(detail.violations_size(), 2);
  EXPECT_EQ(detail.violations(0).type(), "STATE");
  EXPECT_EQ(detail.violations(0).subject(), "items/abc");
  EXPECT_EQ(detail.violations(0).description(), "is COMPLETED");
  EXPECT_EQ(detail.violations(1).type(), "MISSING_FIELD");
  EXPECT_EQ(detail.violations(1).subject(), "customer_name");
  EXPECT_EQ(detail.violations(1).description(), "is required by stage 2");

  google::rpc::ErrorInfo info;
  ASSERT_TRUE(GetDetail(status, kErrorInfoUrl, &info));
  EXPECT_EQ(info.domain(), std::string(kErrorDomain));
}

TEST(FailedPreconditionTest, ListsTheFirstViolationsAndCountsTheRest) {
  std::vector<Violation> violations;
  for (int i = 0; i < 25; ++i) {
    violations.push_back({"MISSING_FIELD", absl::StrCat("field_", i), std::string(5000, 'd')});
  }
  const absl::Status status =
      FailedPrecondition("MISSING_REQUIRED_FIELDS", std::string(5000, 'm'), violations);
  EXPECT_LE(status.message().size(), kMaxDetailBytes);
  google::rpc::PreconditionFailure detail;
  ASSERT_TRUE(GetDetail(status, kPreconditionUrl, &detail));
  ASSERT_EQ(detail.violations_size(), static_cast<int>(kMaxListedViolations) + 1);
  EXPECT_EQ(detail.violations(9).subject(), "field_9");
  EXPECT_LE(detail.violations(9).description().size(), kMaxDetailBytes);
  EXPECT_EQ(detail.violations(10).type(), "MORE");
  EXPECT_EQ(detail.violations(10).description(), "and 15 more violations not listed");
}

TEST(FailedPreconditionTest, WithoutViolationsHasOnlyErrorInfo) {
  const absl::Status status = FailedPrecondition("CHAIN_IN_USE", "the chain has items");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition, "the chain has items"));
  EXPECT_EQ(ErrorReason(status), "CHAIN_IN_USE");
  EXPECT_FALSE(status.GetPayload(kPreconditionUrl).has_value());
}

TEST(NotFoundTest, NamesTheResource) {
  const absl::Status status = NotFound("teams/x");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound, "teams/x not found"));
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(GetDetail(status, kErrorInfoUrl, &info));
  EXPECT_EQ(info.reason(), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(info.domain(), std::string(kErrorDomain));
  EXPECT_THAT(info.metadata(), UnorderedElementsAre(Pair("resource", "teams/x")));
}

TEST(ErrorWithInfoTest, CarriesCodeReasonAndMetadata) {
  const absl::Status status =
      ErrorWithInfo(absl::StatusCode::kAborted, "VERSION_MISMATCH", "item changed; reread it",
                    {{"expected", "3"}, {"actual", "4"}});
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kAborted, "item changed; reread it"));
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(GetDetail(status, kErrorInfoUrl, &info));
  EXPECT_EQ(info.reason(), "VERSION_MISMATCH");
  EXPECT_EQ(info.domain(), std::string(kErrorDomain));
  EXPECT_THAT(info.metadata(), UnorderedElementsAre(Pair("expected", "3"), Pair("actual", "4")));
}

TEST(ErrorReasonTest, EmptyWithoutErrorInfo) {
  EXPECT_EQ(ErrorReason(absl::OkStatus()), "");
  EXPECT_EQ(ErrorReason(absl::InternalError("boom")), "");
}

TEST(ErrorReasonTest, EmptyWhenErrorInfoDoesNotParse) {
  absl::Status status = absl::InternalError("boom");
  status.SetPayload(kErrorInfoUrl, absl::Cord("\xff\xff\xff"));
  EXPECT_EQ(ErrorReason(status), "");
}

}  // namespace
}  // namespace baton
