#include "common/events/event_consumer.h"

#include <memory>
#include <set>
#include <string>

#include "absl/synchronization/mutex.h"
#include "common/events/consumer_testing.h"
#include "common/events/local_event_source.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::events {
namespace {

using ::baton::testing::IsOk;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kCheckpointCf[] = "consumer.checkpoints";
constexpr char kCountsCf[] = "consumer.counts";
constexpr char kSource[] = "baton.test.v1.TestService";

// Opens every stream from the start of the log with no epoch, whatever the
// consumer asks: a source that redelivers what was applied, and that
// cannot refuse a position of another epoch (the consumer must notice).
class ReplayingSource final : public EventSource {
 public:
  explicit ReplayingSource(EventSource* inner) : inner_(inner) {}
  const std::string& name() const override { return inner_->name(); }
  absl::StatusOr<std::unique_ptr<EventStream>> Open(uint64_t, const std::string&) override {
    return inner_->Open(0, "");
  }

 private:
  EventSource* const inner_;
};

// A source that can go away (its streams then end, and opening fails,
// with UNAVAILABLE) and come back.
class FlakySource final : public EventSource {
 public:
  explicit FlakySource(EventSource* inner) : inner_(inner) {}
  const std::string& name() const override { return inner_->name(); }

  absl::StatusOr<std::unique_ptr<EventStream>> Open(uint64_t after,
                                                    const std::string& epoch) override {
    absl::MutexLock lock(&mu_);
    ++opens_;
    if (down_) return absl::UnavailableError("source down");
    auto inner = inner_->Open(after, epoch);
    if (!inner.ok()) return inner.status();
    return std::unique_ptr<EventStream>(new Stream(this, std::move(*inner)));
  }

  void SetDown(bool down) {
    absl::MutexLock lock(&mu_);
    down_ = down;
    if (down) {
      for (Stream* stream : open_) stream->inner->Cancel();
    }
  }
  int opens() const {
    absl::MutexLock lock(&mu_);
    return opens_;
  }

 private:
  struct Stream final : EventStream {
    Stream(FlakySource* source, std::unique_ptr<EventStream> inner)
        : source(source), inner(std::move(inner)) {
      source->open_.insert(this);
    }
    ~Stream() override {
      absl::MutexLock lock(&source->mu_);
      source->open_.erase(this);
    }
    absl::Status Read(size_t max, absl::Time deadline, std::vector<ConsumedEvent>* out) override {
      absl::Status status = inner->Read(max, deadline, out);
      absl::MutexLock lock(&source->mu_);
      if (source->down_) return absl::UnavailableError("source went away");
      return status;
    }
    void Cancel() override { inner->Cancel(); }
    SourceEnd End() const override { return inner->End(); }

    FlakySource* const source;
    const std::unique_ptr<EventStream> inner;
  };

  EventSource* const inner_;
  mutable absl::Mutex mu_;
  bool down_ ABSL_GUARDED_BY(mu_) = false;
  int opens_ ABSL_GUARDED_BY(mu_) = 0;
  std::set<Stream*> open_ ABSL_GUARDED_BY(mu_);
};

class EventConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto source = testing::SourceLog::Open(dir_.Sub("source"), &clock_);
    ASSERT_THAT(source, IsOk());
    source_ = std::move(*source);
    local_ = std::make_unique<LocalEventSource>(kSource, &source_->log());
    OpenConsumerStore();
  }
  void TearDown() override { CloseConsumerStore(); }

  // The consumer's own store (as the rating service's would be).
  void OpenConsumerStore() {
    auto store = storage::Store::Open(
        {.path = dir_.Sub("consumer"), .column_families = {kCheckpointCf, kCountsCf}});
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    queue_ = std::make_unique<storage::CommitQueue>(store_.get(), &clock_);
    sink_ = std::make_unique<testing::CountingSink>(store_->cf(kCountsCf));
  }
  void CloseConsumerStore() {
    consumer_.reset();
    sink_.reset();
    queue_.reset();
    store_.reset();
  }

  EventConsumer& StartConsumer(EventSource* source, size_t max_batch = 256,
                               absl::Duration backoff = absl::Milliseconds(1),
                               std::function<void()> on_committed = nullptr) {
    consumer_.reset();
    consumer_ = std::make_unique<EventConsumer>(EventConsumerOptions{
        .source = source,
        .sink = sink_.get(),
        .queue = queue_.get(),
        .checkpoint = {.cf = store_->cf(kCheckpointCf), .key = "test"},
        .max_batch = max_batch,
        .backoff_initial = backoff,
        .backoff_max = backoff * 8,
        .clock = &clock_,
        .on_committed = std::move(on_committed),
    });
    consumer_->Start();
    return *consumer_;
  }

  // Waits (bounded) for the consumer's status to satisfy `done`.
  bool Await(const std::function<bool(const ConsumerStatus&)>& done) {
    return consumer_->AwaitStatus(done, absl::Now() + absl::Seconds(30));
  }
  bool AwaitLiveAt(uint64_t sequence) {
    return Await([sequence](const ConsumerStatus& s) {
      return s.applied_sequence == sequence && s.state == ConsumerState::kLive;
    });
  }
  bool AwaitFailed() {
    return Await([](const ConsumerStatus& s) { return s.state == ConsumerState::kFailed; });
  }

  template <typename Wrapper>
  Wrapper& Wrap() {
    wrappers_.push_back(std::make_unique<Wrapper>(local_.get()));
    return static_cast<Wrapper&>(*wrappers_.back());
  }

  std::map<uint64_t, int> Counts() {
    return testing::CountingSink::Counts(*store_, store_->cf(kCountsCf));
  }

  ::baton::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<testing::SourceLog> source_;
  std::unique_ptr<LocalEventSource> local_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::CommitQueue> queue_;
  std::unique_ptr<testing::CountingSink> sink_;
  // Sources wrapping local_; they outlive the consumer.
  std::vector<std::unique_ptr<EventSource>> wrappers_;
  std::unique_ptr<EventConsumer> consumer_;
};

TEST_F(EventConsumerTest, AppliesEachEventOnceAndGoesLive) {
  ASSERT_OK(source_->Append(10));
  EventConsumer& consumer = StartConsumer(local_.get(), /*max_batch=*/3);
  ASSERT_TRUE(AwaitLiveAt(10));
  EXPECT_EQ(Counts(), testing::OncePerEvent(10));
  const ConsumerStatus status = consumer.Status();
  EXPECT_EQ(status.source, kSource);
  EXPECT_EQ(status.epoch, source_->log().epoch());
  EXPECT_EQ(status.source_sequence, 10u);
  EXPECT_EQ(status.lag_events, 0u);
  EXPECT_EQ(status.lag, absl::ZeroDuration());
  EXPECT_EQ(status.applied_time, clock_.Now());
  EXPECT_TRUE(status.caught_up);

  // Live: new events arrive through the log's notifier.
  ASSERT_OK(source_->Append(5));
  ASSERT_TRUE(AwaitLiveAt(15));
  EXPECT_EQ(Counts(), testing::OncePerEvent(15));
}

// on_committed runs once per applied batch, when the batch is durable: the
// durable state it could read then already holds the batch's checkpoint.
// Fails when the hook runs before the commit is answered (it would see the
// previous checkpoint) or per event.
TEST_F(EventConsumerTest, OnCommittedRunsAfterEachBatchIsDurable) {
  ASSERT_OK(source_->Append(10));
  absl::Mutex mu;
  std::vector<uint64_t> durable_at_hook;
  StartConsumer(local_.get(), /*max_batch=*/4, absl::Milliseconds(1), [&] {
    common::v1::EventPosition position;
    absl::StatusOr<bool> found = store_->GetProto(store_->cf(kCheckpointCf), "test", &position);
    absl::MutexLock lock(&mu);
    durable_at_hook.push_back(found.ok() && *found ? position.sequence() : 0);
  });
  ASSERT_TRUE(AwaitLiveAt(10));
  absl::MutexLock lock(&mu);
  EXPECT_EQ(durable_at_hook, (std::vector<uint64_t>{4, 8, 10}));
}

// The consumer dies mid-stream — events read and not committed, a batch
// failed — and its store is closed and reopened; a new consumer resumes
// from the checkpoint. Fails when the checkpoint is written outside the
// batch's transaction or resumption ignores it (counts of 0 or 2).
TEST_F(EventConsumerTest, ExactlyOnceAcrossACrashOfTheConsumer) {
  constexpr uint64_t kEvents = 200;
  for (int i = 0; i < 4; ++i) ASSERT_OK(source_->Append(kEvents / 4));
  sink_->FailAt(120, absl::UnavailableError("disk hiccup"));
  StartConsumer(local_.get(), /*max_batch=*/7, /*backoff=*/absl::Hours(1));
  ASSERT_TRUE(Await([](const ConsumerStatus& s) { return s.reconnects >= 1; }));
  const uint64_t applied = consumer_->Status().applied_sequence;
  EXPECT_LT(applied, 120u);
  EXPECT_GE(applied, 113u);
  EXPECT_EQ(Counts(), testing::OncePerEvent(applied));

  CloseConsumerStore();  // Stop cuts the hour's backoff short
  OpenConsumerStore();
  StartConsumer(local_.get(), /*max_batch=*/7);
  ASSERT_TRUE(AwaitLiveAt(kEvents));
  EXPECT_EQ(Counts(), testing::OncePerEvent(kEvents));
}

// A source that sends again what was applied (a reconnect after a commit
// the consumer never heard of): skipped inside the transaction. Fails
// without the skip in ApplyEvents (counts of 2 for 1…10).
TEST_F(EventConsumerTest, RedeliveredEventsAreSkipped) {
  ASSERT_OK(source_->Append(10));
  StartConsumer(local_.get());
  ASSERT_TRUE(AwaitLiveAt(10));
  ASSERT_OK(source_->Append(5));
  StartConsumer(&Wrap<ReplayingSource>(), /*max_batch=*/4);
  ASSERT_TRUE(AwaitLiveAt(15));
  EXPECT_EQ(Counts(), testing::OncePerEvent(15));
}

TEST_F(EventConsumerTest, AnEpochChangeStopsTheConsumerFailed) {
  ASSERT_OK(source_->Append(5));
  StartConsumer(local_.get());
  ASSERT_TRUE(AwaitLiveAt(5));
  consumer_.reset();
  ASSERT_OK(source_->log().RotateEpoch());  // as a restore from a backup does
  ASSERT_OK(source_->Append(2));

  StartConsumer(local_.get());
  ASSERT_TRUE(AwaitFailed());
  const ConsumerStatus status = consumer_->Status();
  EXPECT_THAT(status.error,
              AllOf(HasSubstr("source was wiped or restored: rebuild needed"), HasSubstr("epoch")));
  EXPECT_EQ(status.reconnects, 0u);  // never retried silently
  EXPECT_EQ(status.applied_sequence, 5u);
  EXPECT_EQ(Counts(), testing::OncePerEvent(5));
}

// The same when the source does not check the epoch itself: the events'
// epoch is checked against the checkpoint's in the transaction.
TEST_F(EventConsumerTest, AnEpochTheSourceReportsIsCheckedAgainstTheCheckpoint) {
  ASSERT_OK(source_->Append(5));
  StartConsumer(local_.get());
  ASSERT_TRUE(AwaitLiveAt(5));
  consumer_.reset();
  ASSERT_OK(source_->log().RotateEpoch());

  StartConsumer(&Wrap<ReplayingSource>());
  ASSERT_TRUE(AwaitFailed());
  EXPECT_THAT(consumer_->Status().error,
              AllOf(HasSubstr("rebuild needed"), HasSubstr(source_->log().epoch())));
  EXPECT_EQ(Counts(), testing::OncePerEvent(5));
}

TEST_F(EventConsumerTest, ASourceBehindTheCheckpointStopsTheConsumerFailed) {
  ASSERT_OK(source_->Append(3));
  common::v1::EventPosition ahead;
  ahead.set_epoch(source_->log().epoch());
  ahead.set_sequence(50);
  ASSERT_OK(queue_->Run([&](storage::Transaction& tx) {
    tx.PutProto(store_->cf(kCheckpointCf), "test", ahead);
    return absl::OkStatus();
  }));
  StartConsumer(local_.get());
  ASSERT_TRUE(AwaitFailed());
  EXPECT_THAT(consumer_->Status().error, HasSubstr("behind the checkpoint"));
  EXPECT_TRUE(Counts().empty());
}

TEST_F(EventConsumerTest, AMalformedEventStopsTheConsumerNamingItsSequence) {
  ASSERT_OK(source_->Append(3));
  ASSERT_OK(source_->AppendRaw("\xff\xff\xff"));
  ASSERT_OK(source_->Append(2));
  StartConsumer(local_.get());
  ASSERT_TRUE(AwaitFailed());
  const ConsumerStatus status = consumer_->Status();
  EXPECT_THAT(status.error, AllOf(HasSubstr("DATA_LOSS"), HasSubstr("event 4")));
  EXPECT_EQ(status.applied_sequence, 3u);  // never skipped
  EXPECT_EQ(Counts(), testing::OncePerEvent(3));
}

TEST_F(EventConsumerTest, ASinkErrorStopsTheConsumerNamingTheEvent) {
  ASSERT_OK(source_->Append(3));
  sink_->FailAt(2, absl::InvalidArgumentError("unknown payload"));
  StartConsumer(local_.get(), /*max_batch=*/1);
  ASSERT_TRUE(AwaitFailed());
  EXPECT_THAT(consumer_->Status().error,
              AllOf(HasSubstr("applying event 2"), HasSubstr("unknown payload")));
  EXPECT_EQ(Counts(), testing::OncePerEvent(1));
}

TEST_F(EventConsumerTest, ReconnectsWithBackoffWhenTheSourceComesBack) {
  ASSERT_OK(source_->Append(5));
  FlakySource& flaky = Wrap<FlakySource>();
  StartConsumer(&flaky);
  ASSERT_TRUE(AwaitLiveAt(5));

  flaky.SetDown(true);
  ASSERT_TRUE(Await([](const ConsumerStatus& s) {
    return s.state == ConsumerState::kConnecting && s.reconnects >= 3;
  }));
  EXPECT_THAT(consumer_->Status().error, HasSubstr("UNAVAILABLE"));
  ASSERT_OK(source_->Append(5));
  flaky.SetDown(false);
  ASSERT_TRUE(AwaitLiveAt(10));
  EXPECT_EQ(Counts(), testing::OncePerEvent(10));
  EXPECT_GE(flaky.opens(), 4);
}

TEST_F(EventConsumerTest, ReportsLagInEventsAndTime) {
  ASSERT_OK(source_->Append(5));
  clock_.Advance(absl::Minutes(1));
  ASSERT_OK(source_->Append(5));
  sink_->FailAt(6, absl::UnavailableError("disk hiccup"));
  StartConsumer(local_.get(), /*max_batch=*/5, /*backoff=*/absl::Hours(1));
  ASSERT_TRUE(Await([](const ConsumerStatus& s) { return s.reconnects >= 1; }));
  const ConsumerStatus status = consumer_->Status();
  EXPECT_EQ(status.applied_sequence, 5u);
  EXPECT_EQ(status.source_sequence, 10u);
  EXPECT_EQ(status.lag_events, 5u);
  EXPECT_EQ(status.lag, absl::Minutes(1));
  EXPECT_FALSE(status.caught_up);
}

TEST_F(EventConsumerTest, StopThenStartResumes) {
  ASSERT_OK(source_->Append(2));
  EventConsumer& consumer = StartConsumer(local_.get());
  ASSERT_TRUE(AwaitLiveAt(2));
  consumer.Stop();
  EXPECT_EQ(consumer.Status().state, ConsumerState::kStopped);
  ASSERT_OK(source_->Append(2));
  consumer.Start();
  ASSERT_TRUE(AwaitLiveAt(4));
  EXPECT_EQ(Counts(), testing::OncePerEvent(4));
}

}  // namespace
}  // namespace baton::events
