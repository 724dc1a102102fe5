#include "common/status/grpc_status.h"

#include <map>
#include <string>

#include "absl/status/status.h"
#include "common/status/errors.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace baton {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Pair;

constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";
constexpr char kErrorInfoUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kPreconditionUrl[] = "type.googleapis.com/google.rpc.PreconditionFailure";

TEST(ToGrpcStatusTest, Ok) {
  const grpc::Status status = ToGrpcStatus(absl::OkStatus());
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::OK);
}

TEST(ToGrpcStatusTest, KeepsEveryCodeAndMessage) {
  for (int code = 1; code <= 16; ++code) {
    const absl::Status in(static_cast<absl::StatusCode>(code), "message " + std::to_string(code));
    const grpc::Status out = ToGrpcStatus(in);
    EXPECT_EQ(static_cast<int>(out.error_code()), code);
    EXPECT_EQ(out.error_message(), "message " + std::to_string(code));
    EXPECT_EQ(out.error_details(), "") << "no payloads, no details";
  }
}

TEST(ToGrpcStatusTest, SendsBadRequestAndErrorInfoAsDetails) {
  const absl::Status in =
      BadRequest().Add("chain.stages[1].owner_team", "is required").Add("chain.name", "x").Build();
  const grpc::Status out = ToGrpcStatus(in);
  EXPECT_EQ(out.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(out.error_message(), std::string(in.message()));

  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(out.error_details()));
  EXPECT_EQ(rich.code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(rich.message(), std::string(in.message()));
  ASSERT_EQ(rich.details_size(), 2);

  bool saw_bad_request = false, saw_info = false;
  for (const auto& any : rich.details()) {
    if (any.type_url() == kBadRequestUrl) {
      saw_bad_request = true;
      google::rpc::BadRequest detail;
      ASSERT_TRUE(any.UnpackTo(&detail));
      ASSERT_EQ(detail.field_violations_size(), 2);
      EXPECT_EQ(detail.field_violations(0).field(), "chain.stages[1].owner_team");
      EXPECT_EQ(detail.field_violations(0).description(), "is required");
      EXPECT_EQ(detail.field_violations(1).field(), "chain.name");
    } else if (any.type_url() == kErrorInfoUrl) {
      saw_info = true;
      google::rpc::ErrorInfo info;
      ASSERT_TRUE(any.UnpackTo(&info));
      EXPECT_EQ(info.reason(), "INVALID_FIELD");
      EXPECT_EQ(info.domain(), std::string(kErrorDomain));
    } else {
      ADD_FAILURE() << "unexpected detail " << any.type_url();
    }
  }
  EXPECT_TRUE(saw_bad_request);
  EXPECT_TRUE(saw_info);
}

TEST(ToGrpcStatusTest, SendsPreconditionFailure) {
  const absl::Status in =
      FailedPrecondition("ITEM_NOT_ACTIVE", "done already", {{"STATE", "items/a", "COMPLETED"}});
  const grpc::Status out = ToGrpcStatus(in);
  EXPECT_EQ(out.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(out.error_details()));
  EXPECT_EQ(rich.code(), static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(rich.message(), "done already");
  bool saw_precondition = false;
  for (const auto& any : rich.details()) {
    if (any.type_url() != kPreconditionUrl) continue;
    saw_precondition = true;
    google::rpc::PreconditionFailure detail;
    ASSERT_TRUE(any.UnpackTo(&detail));
    ASSERT_EQ(detail.violations_size(), 1);
    EXPECT_EQ(detail.violations(0).type(), "STATE");
    EXPECT_EQ(detail.violations(0).subject(), "items/a");
    EXPECT_EQ(detail.violations(0).description(), "COMPLETED");
  }
  EXPECT_TRUE(saw_precondition);
}

TEST(FromGrpcStatusTest, Ok) { EXPECT_THAT(FromGrpcStatus(grpc::Status::OK), IsOk()); }

TEST(FromGrpcStatusTest, PlainStatus) {
  EXPECT_THAT(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "try later")),
              StatusIs(absl::StatusCode::kUnavailable, "try later"));
}

TEST(FromGrpcStatusTest, UnparsableDetailsKeepCodeAndMessage) {
  const absl::Status out =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::INTERNAL, "boom", "\xff\xff\xff\xff"));
  EXPECT_THAT(out, StatusIs(absl::StatusCode::kInternal, "boom"));
  EXPECT_EQ(ErrorReason(out), "");
}

TEST(RoundTripTest, BadRequest) {
  const absl::Status in = BadRequest()
                              .Add("chain.stages[1].display_name", "not valid UTF-8")
                              .Add("chain.stages[2].sla", "is required")
                              .Build();
  const absl::Status out = FromGrpcStatus(ToGrpcStatus(in));
  EXPECT_EQ(out, in);  // code, message and every payload
  google::rpc::BadRequest detail;
  auto payload = out.GetPayload(kBadRequestUrl);
  ASSERT_TRUE(payload.has_value());
  ASSERT_TRUE(detail.ParseFromString(std::string(*payload)));
  ASSERT_EQ(detail.field_violations_size(), 2);
  EXPECT_EQ(detail.field_violations(0).field(), "chain.stages[1].display_name");
  EXPECT_EQ(detail.field_violations(1).description(), "is required");
  EXPECT_EQ(ErrorReason(out), "INVALID_FIELD");
}

TEST(RoundTripTest, ErrorInfo) {
  const absl::Status in = ErrorWithInfo(absl::StatusCode::kAborted, "VERSION_MISMATCH", "reread",
                                        {{"actual", "4"}, {"expected", "3"}});
  const absl::Status out = FromGrpcStatus(ToGrpcStatus(in));
  EXPECT_EQ(out, in);
  EXPECT_THAT(out, StatusIs(absl::StatusCode::kAborted, "reread"));
  google::rpc::ErrorInfo info;
  auto payload = out.GetPayload(kErrorInfoUrl);
  ASSERT_TRUE(payload.has_value());
  ASSERT_TRUE(info.ParseFromString(std::string(*payload)));
  EXPECT_EQ(info.reason(), "VERSION_MISMATCH");
  EXPECT_EQ(info.domain(), std::string(kErrorDomain));
  std::map<std::string, std::string> metadata(info.metadata().begin(), info.metadata().end());
  EXPECT_THAT(metadata, ElementsAre(Pair("actual", "4"), Pair("expected", "3")));
}

TEST(RoundTripTest, PreconditionFailure) {
  const absl::Status in = FailedPrecondition(
      "MISSING_FIELDS", "stage 2 needs fields",
      {{"MISSING_FIELD", "phone", "required"}, {"MISSING_FIELD", "名字", "必填"}});
  const absl::Status out = FromGrpcStatus(ToGrpcStatus(in));
  EXPECT_EQ(out, in);
  google::rpc::PreconditionFailure detail;
  auto payload = out.GetPayload(kPreconditionUrl);
  ASSERT_TRUE(payload.has_value());
  ASSERT_TRUE(detail.ParseFromString(std::string(*payload)));
  ASSERT_EQ(detail.violations_size(), 2);
  EXPECT_EQ(detail.violations(1).subject(), "名字");
  EXPECT_EQ(detail.violations(1).description(), "必填");
  EXPECT_EQ(ErrorReason(out), "MISSING_FIELDS");
}

TEST(RoundTripTest, PlainErrorsOfEveryCode) {
  for (int code = 1; code <= 16; ++code) {
    const absl::Status in(static_cast<absl::StatusCode>(code), "前台接待 " + std::to_string(code));
    EXPECT_EQ(FromGrpcStatus(ToGrpcStatus(in)), in);
  }
}

}  // namespace
}  // namespace baton
