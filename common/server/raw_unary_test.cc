#include "common/server/raw_unary.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "baton/handoff/v1/handoff_service.pb.h"
#include "common/server/test_service.h"
#include "common/testing/status_matchers.h"
#include "google/rpc/status.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/rpc/error_details.pb.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "gtest/gtest.h"

namespace baton::server {
namespace {

using ::baton::handoff::v1::CreateChainRequest;
using ::baton::testing::StatusIs;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kBadBytes[] = "\xff\xfe";
constexpr char kPlaceholder[] = "~%";  // as long as kBadBytes

CreateChainRequest ValidRequest() {
  CreateChainRequest request;
  request.set_request_id("req-1");
  request.set_chain_id("intake");
  auto* chain = request.mutable_chain();
  chain->set_display_name("前台接待 intake");
  auto* front = chain->add_stages();
  front->set_display_name("前台 front desk");
  front->set_owner_team("teams/front-desk");
  auto* nurse = chain->add_stages();
  nurse->set_display_name("护士 triage");
  nurse->set_owner_team("teams/triage");
  nurse->mutable_sla()->set_seconds(600);
  nurse->add_required_fields("patient_name");
  auto* doctor = chain->add_stages();
  doctor->set_display_name("医生 doctor");
  doctor->set_owner_team("teams/doctors");
  doctor->mutable_sla()->set_seconds(3600);
  doctor->add_required_fields("patient_name");
  doctor->add_required_fields("symptoms");
  doctor->set_requires_read_back(true);
  return request;
}

// Serializes `request`, in which exactly one string holds kPlaceholder, and
// swaps the placeholder's bytes for invalid UTF-8 of the same length (so
// every length prefix stays right).
std::string WithInvalidUtf8(const CreateChainRequest& request) {
  std::string bytes = request.SerializeAsString();
  const size_t at = bytes.find(kPlaceholder);
  EXPECT_NE(at, std::string::npos);
  EXPECT_EQ(at, bytes.rfind(kPlaceholder)) << "placeholder must occur once";
  if (at != std::string::npos) bytes.replace(at, sizeof(kPlaceholder) - 1, kBadBytes);
  return bytes;
}

// The fields named in the BadRequest attached to `status`.
std::vector<std::string> BadFields(const absl::Status& status) {
  std::vector<std::string> fields;
  auto payload = status.GetPayload("type.googleapis.com/google.rpc.BadRequest");
  if (!payload.has_value()) return fields;
  google::rpc::BadRequest detail;
  if (!detail.ParseFromString(std::string(*payload))) return fields;
  for (const auto& v : detail.field_violations()) fields.push_back(v.field());
  return fields;
}

TEST(ParseRequestTest, ParsesAValidRequest) {
  const CreateChainRequest request = ValidRequest();
  CreateChainRequest parsed;
  ASSERT_OK(ParseRequest(request.SerializeAsString(), &parsed));
  EXPECT_TRUE(MessageDifferencer::Equals(parsed, request)) << parsed.DebugString();
}

TEST(ParseRequestTest, EmptyBytesAreTheEmptyMessage) {
  CreateChainRequest parsed = ValidRequest();
  ASSERT_OK(ParseRequest("", &parsed));
  EXPECT_TRUE(MessageDifferencer::Equals(parsed, CreateChainRequest()));
}

TEST(ParseRequestTest, NamesTheNestedFieldWithInvalidUtf8) {
  CreateChainRequest request = ValidRequest();
  request.mutable_chain()->mutable_stages(1)->set_display_name(kPlaceholder);
  CreateChainRequest parsed;
  const absl::Status status = ParseRequest(WithInvalidUtf8(request), &parsed);
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("chain.stages[1].display_name"), HasSubstr("UTF-8"))));
  EXPECT_THAT(BadFields(status), ::testing::ElementsAre("chain.stages[1].display_name"));
}

TEST(ParseRequestTest, NamesOtherStagesAndRepeatedStrings) {
  {
    CreateChainRequest request = ValidRequest();
    request.mutable_chain()->mutable_stages(0)->set_display_name(kPlaceholder);
    CreateChainRequest parsed;
    EXPECT_THAT(BadFields(ParseRequest(WithInvalidUtf8(request), &parsed)),
                ::testing::ElementsAre("chain.stages[0].display_name"));
  }
  {
    CreateChainRequest request = ValidRequest();
    request.mutable_chain()->mutable_stages(2)->set_required_fields(1, kPlaceholder);
    CreateChainRequest parsed;
    EXPECT_THAT(BadFields(ParseRequest(WithInvalidUtf8(request), &parsed)),
                ::testing::ElementsAre("chain.stages[2].required_fields[1]"));
  }
  {
    CreateChainRequest request = ValidRequest();
    request.mutable_chain()->mutable_stages(2)->set_owner_team(kPlaceholder);
    CreateChainRequest parsed;
    EXPECT_THAT(BadFields(ParseRequest(WithInvalidUtf8(request), &parsed)),
                ::testing::ElementsAre("chain.stages[2].owner_team"));
  }
}

TEST(ParseRequestTest, NamesATopLevelField) {
  CreateChainRequest request = ValidRequest();
  request.set_chain_id(kPlaceholder);
  CreateChainRequest parsed;
  EXPECT_THAT(ParseRequest(WithInvalidUtf8(request), &parsed),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("chain_id")));
}

TEST(ParseRequestTest, GarbageIsInvalidArgumentNamingTheType) {
  CreateChainRequest parsed;
  for (const std::string& garbage : {std::string("\xff\xff\xff\xff\xff"),
                                     std::string("\x0a\x10"
                                                 "ab",
                                                 4),             // length past end
                                     std::string("\x07", 1)}) {  // wire type 7
    EXPECT_THAT(ParseRequest(garbage, &parsed),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("baton.handoff.v1.CreateChainRequest")));
  }
}

// A request with `entries` required fields on one stage, followed by one
// that is not valid UTF-8: finding it means walking all of them.
std::string ManyEntriesThenInvalidUtf8(int entries) {
  CreateChainRequest request;
  request.set_chain_id("hostile");
  auto* stage = request.mutable_chain()->add_stages();
  for (int i = 0; i < entries; ++i) stage->add_required_fields("f");
  stage->add_required_fields(kPlaceholder);
  return WithInvalidUtf8(request);
}

// The fastest of a few runs: the least disturbed by other work on the machine.
absl::Duration FastestParse(const std::string& bytes) {
  absl::Duration fastest = absl::InfiniteDuration();
  for (int run = 0; run < 3; ++run) {
    CreateChainRequest parsed;
    const absl::Time start = absl::Now();
    const absl::Status status = ParseRequest(bytes, &parsed);
    fastest = std::min(fastest, absl::Now() - start);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  }
  return fastest;
}

// Finding the bad field used to count the earlier fields for every field:
// quadratic, seconds of CPU for a few hundred kilobytes. Eight times the
// entries then took ~64 times as long; linear takes ~8 times. The bound
// leaves room for noise and still fails quadratic (as it did before the
// fix: the larger request took over ten seconds).
TEST(ParseRequestTest, FindingTheBadFieldIsLinearInTheRequestSize) {
  constexpr int kSmall = 20'000;
  constexpr int kLarge = 8 * kSmall;
  const std::string small = ManyEntriesThenInvalidUtf8(kSmall);
  const std::string large = ManyEntriesThenInvalidUtf8(kLarge);
  CreateChainRequest parsed;
  EXPECT_THAT(ParseRequest(large, &parsed),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("chain.stages[0].required_fields[160000]")));
  const absl::Duration small_time = FastestParse(small);
  const absl::Duration large_time = FastestParse(large);
  const double ratio = absl::FDivDuration(large_time, std::max(small_time, absl::Microseconds(1)));
  RecordProperty("small_us", static_cast<int>(absl::ToInt64Microseconds(small_time)));
  RecordProperty("large_us", static_cast<int>(absl::ToInt64Microseconds(large_time)));
  EXPECT_LT(ratio, 24.0) << "small " << small_time << ", large " << large_time;
}

// Over a real socket: a hostile request (100,000 entries, then one invalid
// string) costs a caller without a token nothing but a lookup — it is
// refused UNAUTHENTICATED, which it could not be if it were parsed first
// (it would be INVALID_ARGUMENT) — and costs an authenticated caller a
// small, bounded error. (With the identity checked after parsing, the
// first two calls get INVALID_ARGUMENT: this test fails.)
TEST(ServeRawUnaryTest, RefusesUnauthenticatedCallsBeforeParsing) {
  testing::TestHost host;
  ASSERT_OK(host.Start());
  const std::string hostile = ManyEntriesThenInvalidUtf8(100'000);

  const absl::Time start = absl::Now();
  const grpc::Status anonymous = host.Call(hostile, "");
  const absl::Duration anonymous_time = absl::Now() - start;
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED) << anonymous.error_message();
  EXPECT_THAT(anonymous.error_message(), HasSubstr("authorization"));
  RecordProperty("anonymous_us", static_cast<int>(absl::ToInt64Microseconds(anonymous_time)));
  // A few milliseconds here (a new connection included); parsed by the
  // quadratic search it took seconds. Generous, for loaded machines.
  EXPECT_LT(anonymous_time, absl::Seconds(2));

  const grpc::Status forged =
      host.Call(hostile, testing::TestToken("mallory", std::string(40, 'x')));
  EXPECT_EQ(forged.error_code(), grpc::StatusCode::UNAUTHENTICATED) << forged.error_message();
  EXPECT_THAT(forged.error_message(), HasSubstr("signature does not verify"));
  EXPECT_EQ(host.service().handled(), 0);

  const grpc::Status authenticated = host.Call(hostile, testing::TestToken());
  EXPECT_EQ(authenticated.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(authenticated.error_message(),
              HasSubstr("chain.stages[0].required_fields[100000]: not valid UTF-8"));
  EXPECT_LT(authenticated.error_details().size(), 1024u);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(authenticated.error_details()));
  EXPECT_EQ(host.service().handled(), 0);

  // And a good request still reaches the handler, with the caller's identity.
  CreateChainRequest good = ValidRequest();
  std::string response_bytes;
  ASSERT_TRUE(host.Call(good.SerializeAsString(), testing::TestToken("bob"), &response_bytes).ok());
  baton::handoff::v1::CreateChainResponse response;
  ASSERT_TRUE(response.ParseFromString(response_bytes));
  EXPECT_EQ(response.chain().name(), "chains/intake");
  EXPECT_EQ(response.chain().display_name(), "bob");
  EXPECT_EQ(host.service().handled(), 1);
}

TEST(ToBytesTest, JoinsEverySlice) {
  grpc::Slice slices[] = {grpc::Slice("前台"), grpc::Slice(""), grpc::Slice(std::string("\0x", 2))};
  const grpc::ByteBuffer buffer(slices, 3);
  EXPECT_EQ(ToBytes(buffer), std::string("前台\0x", 8));
  EXPECT_EQ(ToBytes(grpc::ByteBuffer()), "");
}

TEST(ToBytesTest, RoundTripsASerializedRequest) {
  const std::string bytes = ValidRequest().SerializeAsString();
  grpc::Slice slice(bytes);
  const grpc::ByteBuffer buffer(&slice, 1);
  CreateChainRequest parsed;
  ASSERT_OK(ParseRequest(ToBytes(buffer), &parsed));
  EXPECT_TRUE(MessageDifferencer::Equals(parsed, ValidRequest()));
}

}  // namespace
}  // namespace baton::server
