#include "common/events/local_event_source.h"

#include <memory>
#include <thread>
#include <vector>

#include "baton/common/v1/events.pb.h"
#include "common/events/consumer_testing.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::events {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::HasSubstr;

class LocalEventSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto source = testing::SourceLog::Open(dir_.Sub("source"), &clock_);
    ASSERT_THAT(source, IsOk());
    source_ = std::move(*source);
    local_ = std::make_unique<LocalEventSource>("test", &source_->log());
  }

  std::unique_ptr<EventStream> Open(uint64_t after) {
    auto stream = local_->Open(after, "");
    EXPECT_THAT(stream, IsOk());
    return stream.ok() ? std::move(*stream) : nullptr;
  }

  static absl::Time Later() { return absl::Now() + absl::Seconds(30); }

  ::baton::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<testing::SourceLog> source_;
  std::unique_ptr<LocalEventSource> local_;
};

TEST_F(LocalEventSourceTest, ReadsAfterAPositionWithTheSequenceInTheBytes) {
  ASSERT_OK(source_->Append(3));
  std::unique_ptr<EventStream> stream = Open(1);
  std::vector<ConsumedEvent> events;
  ASSERT_OK(stream->Read(10, Later(), &events));
  ASSERT_EQ(events.size(), 2u);
  for (uint64_t i = 0; i < 2; ++i) {
    EXPECT_EQ(events[i].sequence, i + 2);
    EXPECT_EQ(events[i].epoch, source_->log().epoch());
    EXPECT_EQ(events[i].time, clock_.Now());
    common::v1::EventHeader header;
    ASSERT_TRUE(header.ParseFromString(events[i].bytes));
    EXPECT_EQ(header.sequence(), i + 2);
  }
  EXPECT_EQ(stream->End().sequence, 3u);
  EXPECT_TRUE(stream->End().exact);
}

TEST_F(LocalEventSourceTest, ReadsAtMostMax) {
  ASSERT_OK(source_->Append(5));
  std::unique_ptr<EventStream> stream = Open(0);
  std::vector<ConsumedEvent> events;
  ASSERT_OK(stream->Read(2, Later(), &events));
  EXPECT_EQ(events.size(), 2u);
}

TEST_F(LocalEventSourceTest, WaitsForTheNextEventUntilItsDeadline) {
  std::unique_ptr<EventStream> stream = Open(0);
  std::vector<ConsumedEvent> events;
  // Nothing to read: the deadline ends the wait with no event.
  ASSERT_OK(stream->Read(10, absl::Now() + absl::Milliseconds(20), &events));
  EXPECT_TRUE(events.empty());

  std::thread reader([&] { EXPECT_OK(stream->Read(10, Later(), &events)); });
  ASSERT_OK(source_->Append(1));  // wakes the reader through the notifier
  reader.join();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].sequence, 1u);
}

TEST_F(LocalEventSourceTest, CancelEndsAWaitingRead) {
  std::unique_ptr<EventStream> stream = Open(0);
  absl::Status read;
  std::thread reader([&] {
    std::vector<ConsumedEvent> events;
    read = stream->Read(10, Later(), &events);
  });
  stream->Cancel();
  reader.join();
  EXPECT_THAT(read, StatusIs(absl::StatusCode::kCancelled, HasSubstr("cancelled")));
}

TEST_F(LocalEventSourceTest, RefusesAPositionPastTheEndOrOfAnotherEpoch) {
  ASSERT_OK(source_->Append(3));
  EXPECT_THAT(local_->Open(4, ""), StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("past")));
  EXPECT_THAT(local_->Open(1, std::string(32, 'a')),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("epoch")));
  EXPECT_OK(local_->Open(3, source_->log().epoch()).status());
}

TEST_F(LocalEventSourceTest, StopsAtAnUnreadableEntryAfterTheOnesBeforeIt) {
  ASSERT_OK(source_->Append(1));
  ASSERT_OK(source_->AppendRaw("\xff\xff\xff"));
  ASSERT_OK(source_->Append(1));
  std::unique_ptr<EventStream> stream = Open(0);
  std::vector<ConsumedEvent> events;
  ASSERT_OK(stream->Read(10, Later(), &events));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_THAT(stream->Read(10, Later(), &events),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("event 2")));
  EXPECT_EQ(events.size(), 1u);
}

TEST_F(LocalEventSourceTest, EndsUnavailableWhenTheLogCloses) {
  std::unique_ptr<EventStream> stream = Open(0);
  absl::Status read;
  std::thread reader([&] {
    std::vector<ConsumedEvent> events;
    read = stream->Read(10, Later(), &events);
  });
  source_->log().Close();
  reader.join();
  EXPECT_THAT(read, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("closed")));
}

}  // namespace
}  // namespace baton::events
