// ConsumerStatusToProto: what GetConsumerStatus reports for a consumer.

#include "services/rating/consumer_status.h"

#include "common/time/proto_time.h"
#include "gtest/gtest.h"

namespace baton::rating {
namespace {

TEST(ConsumerStatusTest, MapsEveryField) {
  events::ConsumerStatus status;
  status.source = "baton.handoff.v1.HandoffService";
  status.state = events::ConsumerState::kCatchingUp;
  status.error = "UNAVAILABLE: gone";
  status.applied_sequence = 41;
  status.applied_time = absl::FromUnixSeconds(1'700'000'000);
  status.epoch = "e1";
  status.source_sequence = 50;
  status.lag_events = 9;
  status.lag = absl::Seconds(3);
  status.caught_up = true;
  v1::ConsumerStatus out;
  ConsumerStatusToProto(status, &out);
  EXPECT_EQ(out.source(), "baton.handoff.v1.HandoffService");
  EXPECT_EQ(out.state(), "CATCHING_UP");
  EXPECT_EQ(out.error(), "UNAVAILABLE: gone");
  EXPECT_EQ(out.applied_sequence(), 41u);
  EXPECT_EQ(FromProto(out.applied_time()), absl::FromUnixSeconds(1'700'000'000));
  EXPECT_EQ(out.epoch(), "e1");
  EXPECT_EQ(out.lag_events(), 9u);
  EXPECT_EQ(FromProto(out.lag()), absl::Seconds(3));
  EXPECT_TRUE(out.caught_up());
}

TEST(ConsumerStatusTest, NothingAppliedLeavesTheTimeUnset) {
  v1::ConsumerStatus out;
  ConsumerStatusToProto(events::ConsumerStatus(), &out);
  EXPECT_EQ(out.state(), "STOPPED");
  EXPECT_EQ(out.applied_sequence(), 0u);
  EXPECT_FALSE(out.has_applied_time());
  EXPECT_FALSE(out.caught_up());
}

TEST(ConsumerStatusTest, ReportsEveryStateByName) {
  const std::pair<events::ConsumerState, const char*> states[] = {
      {events::ConsumerState::kStopped, "STOPPED"},
      {events::ConsumerState::kConnecting, "CONNECTING"},
      {events::ConsumerState::kCatchingUp, "CATCHING_UP"},
      {events::ConsumerState::kLive, "LIVE"},
      {events::ConsumerState::kFailed, "FAILED"}};
  for (const auto& [state, name] : states) {
    events::ConsumerStatus status;
    status.state = state;
    v1::ConsumerStatus out;
    ConsumerStatusToProto(status, &out);
    EXPECT_EQ(out.state(), name);
  }
}

}  // namespace
}  // namespace baton::rating
