#include "common/status/errors.h"

#include <string>

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
  EXPECT_EQ(info.reason(), "INVALID_ARGUMENT");
  EXPECT_EQ(info.domain(), std::string(kErrorDomain));
  EXPECT_THAT(info.metadata(), UnorderedElementsAre(Pair("field", "chain.display_name")));
  EXPECT_EQ(ErrorReason(status), "INVALID_ARGUMENT");
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
  EXPECT_EQ(info.reason(), "NOT_FOUND");
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
