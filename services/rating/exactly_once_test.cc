// The appliers behind real EventConsumers: each event counts once however
// often it is delivered, and the rollups read the same after compaction.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/events/consumer_testing.h"
#include "common/events/event_consumer.h"
#include "common/events/local_event_source.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/rating/apply_testing.h"

namespace baton::rating {
namespace {

using ::baton::testing::IsOk;
using namespace ::baton::rating::testing;  // NOLINT: the fixture's builders

using Rollups = std::map<std::string, std::vector<int64_t>>;

// One source log (as another service's) and a consumer of it into `sink`.
struct Feed {
  std::unique_ptr<events::testing::SourceLog> log;
  std::unique_ptr<events::LocalEventSource> source;
  events::CheckpointKey checkpoint;
  uint64_t size = 0;
};

class ExactlyOnceTest : public ApplyFixture {
 protected:
  template <typename Event>
  Feed MakeFeed(const std::string& name, const std::vector<Event>& events) {
    Feed feed;
    auto log = events::testing::SourceLog::Open(dir_.Sub(name), Clock::Real());
    EXPECT_THAT(log, IsOk());
    feed.log = std::move(*log);
    for (Event event : events) {
      *event.mutable_time() = ToProto(At(23));
      EXPECT_THAT(feed.log->AppendRaw(event.SerializeAsString()), IsOk());
    }
    feed.size = events.size();
    feed.source = std::make_unique<events::LocalEventSource>(name, &feed.log->log());
    feed.checkpoint = {.cf = store_->cf(kCheckpointsCf), .key = CheckpointRecordKey(name)};
    return feed;
  }

  // Runs a consumer of `feed` into `sink` until it has applied everything.
  void Consume(Feed& feed, events::EventSink& sink) {
    events::EventConsumer consumer({.source = feed.source.get(),
                                    .sink = &sink,
                                    .queue = queue_.get(),
                                    .checkpoint = feed.checkpoint,
                                    .max_batch = 4});
    consumer.Start();
    const uint64_t n = feed.size;
    EXPECT_TRUE(consumer.AwaitStatus(
        [n](const events::ConsumerStatus& s) {
          return s.applied_sequence == n || s.state == events::ConsumerState::kFailed;
        },
        absl::Now() + absl::Seconds(30)))
        << consumer.Status().error;
    EXPECT_EQ(consumer.Status().applied_sequence, n) << consumer.Status().error;
    consumer.Stop();
  }

  // Every event of `feed` as delivered, one batch.
  std::vector<events::ConsumedEvent> Batch(Feed& feed) {
    std::vector<events::ConsumedEvent> batch;
    auto stream = feed.source->Open(0, "");
    EXPECT_THAT(stream, IsOk());
    while (stream.ok() && batch.size() < feed.size) {
      EXPECT_THAT((*stream)->Read(feed.size, absl::Now() + absl::Seconds(5), &batch), IsOk());
    }
    return batch;
  }

  absl::Status ApplyBatch(const events::CheckpointKey& where, const std::string& name,
                          const std::vector<events::ConsumedEvent>& batch,
                          events::EventSink& sink) {
    return queue_->Run([&](storage::Transaction& tx) {
      common::v1::EventPosition position;
      return events::ApplyEvents(tx, where, name, batch, sink, &position);
    });
  }

  // Every rollup value, merged.
  Rollups Dump() {
    Rollups rollups;
    std::unique_ptr<rocksdb::Iterator> it(
        store_->db()->NewIterator(rocksdb::ReadOptions(), store_->cf(kRollupsCf)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto counters =
          storage::DecodeCounters(absl::string_view(it->value().data(), it->value().size()));
      EXPECT_THAT(counters, IsOk());
      if (counters.ok()) rollups[it->key().ToString()] = *counters;
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return rollups;
  }
};

std::vector<fv1::Event> FeedbackEvents() {
  std::vector<fv1::Event> events(3);
  *events[0].mutable_rating_given() = Rating("h1", "outreach", "front-desk", {4, 5, 4, 3, 4});
  *events[1].mutable_rating_revised() = Rating("h1", "outreach", "front-desk", {2, 2, 4, 3, 4});
  *events[2].mutable_rating_given() = Rating("h3", "outreach", "front-desk", {5, 5, 5, 5, 5});
  return events;
}

TEST_F(ExactlyOnceTest, RedeliveryAndCompactionLeaveTheRollupsAsTheyWere) {
  std::vector<hv1::Event> handoff_events = OrgEvents();
  for (const hv1::Event& event : MorningEvents()) handoff_events.push_back(event);
  Feed handoffs = MakeFeed("handoff", handoff_events);
  Feed feedback = MakeFeed("feedback", FeedbackEvents());

  // The feedback log first: its ratings wait for the handoff log.
  Consume(feedback, *feedback_);
  Consume(handoffs, *handoffs_);
  // h1 rated 2: q 62.5; h2 70; h3 rated 5 at attempt 2, 1 h late:
  // 0.5·100 + 0.3·50 + 0.2·50 = 75.
  EXPECT_EQ(Count(SupplierTeam("outreach"), slot::kScoreSum), 207500);
  EXPECT_EQ(Count(SupplierTeam("outreach"), slot::kOffers), 3);
  EXPECT_EQ(Count(SupplierTeam("outreach"), slot::kRatings), 2);
  const Rollups once = Dump();
  ASSERT_FALSE(once.empty());

  // The same batches again under the consumers' checkpoints: all skipped.
  ASSERT_THAT(ApplyBatch(handoffs.checkpoint, "handoff", Batch(handoffs), *handoffs_), IsOk());
  ASSERT_THAT(ApplyBatch(feedback.checkpoint, "feedback", Batch(feedback), *feedback_), IsOk());
  EXPECT_EQ(Dump(), once);
  // New consumers resume after the checkpoints: nothing more.
  Consume(handoffs, *handoffs_);
  Consume(feedback, *feedback_);
  EXPECT_EQ(Dump(), once);

  // Compaction merges the operands into base values: the same numbers.
  ASSERT_TRUE(
      store_->db()
          ->CompactRange(rocksdb::CompactRangeOptions(), store_->cf(kRollupsCf), nullptr, nullptr)
          .ok());
  EXPECT_EQ(Dump(), once);

  // The control: under another checkpoint the same batch is applied again
  // and counts twice, so the comparisons above would have seen it.
  const events::CheckpointKey elsewhere{.cf = store_->cf(kCheckpointsCf), .key = "control"};
  ASSERT_THAT(ApplyBatch(elsewhere, "handoff", Batch(handoffs), *handoffs_), IsOk());
  EXPECT_EQ(Count(SupplierTeam("outreach"), slot::kOffers), 6);
  EXPECT_NE(Dump(), once);
}

}  // namespace
}  // namespace baton::rating
