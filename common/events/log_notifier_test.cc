#include "common/events/log_notifier.h"

#include <pthread.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::events {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A log in memory. An entry's value is "topic,topic|payload"; its topics
// are the part before '|'.
class FakeLog {
 public:
  void Append(const std::string& value) {
    absl::MutexLock lock(&mu_);
    entries_.push_back({entries_.size() + 1, value});
  }
  uint64_t last() const {
    absl::MutexLock lock(&mu_);
    return entries_.size();
  }
  absl::Status Read(uint64_t after, size_t max, std::vector<LogEntry>* out) {
    absl::MutexLock lock(&mu_);
    ++reads_;
    if (!fail_.ok()) return fail_;
    for (uint64_t s = after + 1; s <= entries_.size() && max > 0; ++s, --max) {
      out->push_back(entries_[s - 1]);
    }
    return absl::OkStatus();
  }
  int reads() const {
    absl::MutexLock lock(&mu_);
    return reads_;
  }
  void Fail(absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_ = std::move(status);
  }

  static void Topics(const LogEntry& entry, std::vector<std::string>* topics) {
    const size_t bar = entry.value.find('|');
    if (bar == std::string::npos || bar == 0) return;
    for (absl::string_view t : absl::StrSplit(entry.value.substr(0, bar), ',')) {
      topics->emplace_back(t);
    }
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<LogEntry> entries_ ABSL_GUARDED_BY(mu_);
  int reads_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status fail_ ABSL_GUARDED_BY(mu_);
};

// What one wake saw.
struct Woken {
  absl::Notification done;
  std::shared_ptr<const LogBatch> batch;
  std::string thread;
};

// Wakes record into shared state: the notifier thread may still be inside
// Notify() when the test goes on, so nothing it touches may be a local.
Wake Record(const std::shared_ptr<Woken>& woken) {
  return [woken](std::shared_ptr<const LogBatch> batch) {
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof(name));
    woken->thread = name;
    woken->batch = std::move(batch);
    woken->done.Notify();
  };
}

std::vector<uint64_t> Sequences(const LogBatch& batch) {
  std::vector<uint64_t> out;
  for (const LogEntry& e : batch.entries) out.push_back(e.sequence);
  return out;
}

class LogNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override { Make(1024); }

  void Make(size_t max_batch) {
    notifier_.reset();
    notifier_ = std::make_unique<LogNotifier>(LogNotifierOptions{
        .read = [this](uint64_t after, size_t max,
                       std::vector<LogEntry>* out) { return log_.Read(after, max, out); },
        .topics = &FakeLog::Topics,
        .clock = &clock_,
        .max_batch = max_batch,
        .start = log_.last()});
  }

  // Appends and publishes, as a commit does.
  void Commit(std::vector<std::string> values) {
    for (const std::string& v : values) log_.Append(v);
    notifier_->Publish(log_.last());
  }

  FakeLog log_;
  FakeClock clock_;
  std::unique_ptr<LogNotifier> notifier_;
};

TEST_F(LogNotifierTest, PublishWakesAWaitOnTheNotifierThreadWithTheNewEntries) {
  auto woken = std::make_shared<Woken>();
  ASSERT_NE(notifier_->WaitBeyond(0, "", Record(woken)), 0u);
  Commit({"|a", "|b"});
  woken->done.WaitForNotification();
  ASSERT_NE(woken->batch, nullptr);
  EXPECT_EQ(woken->batch->after, 0u);
  EXPECT_EQ(woken->batch->last, 2u);
  EXPECT_THAT(Sequences(*woken->batch), ElementsAre(1, 2));
  EXPECT_EQ(woken->batch->entries[1].value, "|b");
  // Not the publishing (WAL-sync) thread: the notifier's own.
  EXPECT_EQ(woken->thread, "baton-notify");
}

TEST_F(LogNotifierTest, AWaitIsWokenOnlyBeyondItsPosition) {
  Commit({"|a"});
  notifier_->AwaitNotified(1);
  auto later = std::make_shared<Woken>();
  ASSERT_NE(notifier_->WaitBeyond(3, "", Record(later)), 0u);
  // Woken by the same batches: once it is, `later` was judged too.
  auto probe = std::make_shared<Woken>();
  ASSERT_NE(notifier_->WaitBeyond(1, "", Record(probe)), 0u);
  Commit({"|b", "|c"});
  probe->done.WaitForNotification();
  EXPECT_FALSE(later->done.HasBeenNotified());
  Commit({"|d"});
  later->done.WaitForNotification();
  EXPECT_THAT(Sequences(*later->batch), ElementsAre(4));
}

TEST_F(LogNotifierTest, WaitsOnATopicAreWokenOnlyByEntriesWithIt) {
  auto a = std::make_shared<Woken>();
  auto b = std::make_shared<Woken>();
  auto all = std::make_shared<Woken>();
  ASSERT_NE(notifier_->WaitBeyond(0, "a", Record(a)), 0u);
  ASSERT_NE(notifier_->WaitBeyond(0, "b", Record(b)), 0u);
  ASSERT_NE(notifier_->WaitBeyond(0, "", Record(all)), 0u);
  Commit({"|nobody", "c,a|for a and c"});
  a->done.WaitForNotification();
  all->done.WaitForNotification();
  notifier_->AwaitNotified(2);
  EXPECT_FALSE(b->done.HasBeenNotified());
  // The one batch, shared.
  EXPECT_EQ(a->batch, all->batch);
  EXPECT_TRUE(a->batch->HasTopic(1, "a"));
  EXPECT_FALSE(a->batch->HasTopic(0, "a"));

  Commit({"b|for b"});
  b->done.WaitForNotification();
  // b may skip entries 1 and 2 (none had its topic): the batch starts at 2.
  EXPECT_EQ(b->batch->after, 2u);
  EXPECT_THAT(Sequences(*b->batch), ElementsAre(3));
}

TEST_F(LogNotifierTest, ATopicWaitIsNotWokenByItsTopicAtOrBeforeItsPosition) {
  // Registered at 2 while the notifier is at 0: entries 1 and 2 are its
  // own reading, not news.
  auto woken = std::make_shared<Woken>();
  ASSERT_NE(notifier_->WaitBeyond(2, "a", Record(woken)), 0u);
  auto probe = std::make_shared<Woken>();
  ASSERT_NE(notifier_->WaitBeyond(0, "", Record(probe)), 0u);
  Commit({"a|1", "a|2"});
  probe->done.WaitForNotification();
  EXPECT_FALSE(woken->done.HasBeenNotified());
  Commit({"a|3"});
  woken->done.WaitForNotification();
  EXPECT_THAT(Sequences(*woken->batch), ElementsAre(3));
}

// The point of the notifier: thousands of idle watchers of other topics
// add nothing per commit — one read of the new entries, no wake.
TEST_F(LogNotifierTest, IdleWaitsOnOtherTopicsAreNeitherWokenNorReadFor) {
  constexpr int kIdle = 2000;
  std::atomic<int> idle_woken{0};
  for (int i = 0; i < kIdle; ++i) {
    ASSERT_NE(notifier_->WaitBeyond(0, "idle-" + std::to_string(i),
                                    [&](std::shared_ptr<const LogBatch>) { ++idle_woken; }),
              0u);
  }
  constexpr int kStreams = 50;
  auto streams = std::make_shared<absl::BlockingCounter>(kStreams);
  std::vector<std::shared_ptr<const LogBatch>> seen(kStreams);
  for (int i = 0; i < kStreams; ++i) {
    ASSERT_NE(notifier_->WaitBeyond(0, "",
                                    [&seen, streams, i](std::shared_ptr<const LogBatch> batch) {
                                      seen[i] = std::move(batch);
                                      streams->DecrementCount();
                                    }),
              0u);
  }
  Commit({"busy|1", "busy|2", "busy|3"});
  streams->Wait();
  notifier_->AwaitNotified(3);
  EXPECT_EQ(idle_woken.load(), 0);
  EXPECT_EQ(log_.reads(), 1);  // once for everyone
  for (const auto& batch : seen) EXPECT_EQ(batch, seen[0]);
  EXPECT_EQ(notifier_->batches_read(), 1u);
  for (int i = 0; i < kIdle; ++i) {
    // Still registered, so cancellable.
    ASSERT_TRUE(notifier_->CancelWait(i + 1)) << i;
  }
}

TEST_F(LogNotifierTest, NothingIsReadWhenNobodyWaits) {
  Commit({"|a", "|b"});
  notifier_->AwaitNotified(2);
  EXPECT_EQ(log_.reads(), 0);
  // A wait behind the notifier is refused: the caller reads for itself.
  EXPECT_EQ(notifier_->WaitBeyond(1, "", [](std::shared_ptr<const LogBatch>) {}), 0u);
  EXPECT_NE(notifier_->WaitBeyond(2, "", [](std::shared_ptr<const LogBatch>) {}), 0u);
}

TEST_F(LogNotifierTest, AWokenReaderCanWaitAgainFromInsideItsWake) {
  auto again = std::make_shared<absl::Notification>();
  auto first = std::make_shared<absl::Notification>();
  uint64_t second_id = 0;
  ASSERT_NE(notifier_->WaitBeyond(0, "",
                                  [&, again, first](std::shared_ptr<const LogBatch> batch) {
                                    second_id = notifier_->WaitBeyond(
                                        batch->last, "", [again](std::shared_ptr<const LogBatch>) {
                                          again->Notify();
                                        });
                                    first->Notify();
                                  }),
            0u);
  Commit({"|a"});
  first->WaitForNotification();
  // Registered, though the notifier had already moved to 1.
  EXPECT_NE(second_id, 0u);
  Commit({"|b"});
  again->WaitForNotification();
}

TEST_F(LogNotifierTest, AnEntryForEveryTopicWakesEveryTopicWait) {
  auto a = std::make_shared<Woken>();
  auto b = std::make_shared<Woken>();
  ASSERT_NE(notifier_->WaitBeyond(0, "a", Record(a)), 0u);
  ASSERT_NE(notifier_->WaitBeyond(0, "b", Record(b)), 0u);
  Commit({"*|undecodable"});
  a->done.WaitForNotification();
  b->done.WaitForNotification();
  EXPECT_TRUE(a->batch->HasTopic(0, "a"));
  EXPECT_TRUE(b->batch->HasTopic(0, "b"));
}

TEST_F(LogNotifierTest, BatchesAreBounded) {
  Make(4);
  std::vector<std::vector<uint64_t>> batches;
  auto all = std::make_shared<absl::Notification>();
  std::function<void(std::shared_ptr<const LogBatch>)> wake =
      [&, all](std::shared_ptr<const LogBatch> batch) {
        batches.push_back(Sequences(*batch));
        if (batch->last == 10) {
          all->Notify();
        } else {
          ASSERT_NE(notifier_->WaitBeyond(batch->last, "", wake), 0u);
        }
      };
  ASSERT_NE(notifier_->WaitBeyond(0, "", wake), 0u);
  Commit({"|1", "|2", "|3", "|4", "|5", "|6", "|7", "|8", "|9", "|10"});
  all->WaitForNotification();
  EXPECT_THAT(batches,
              ElementsAre(ElementsAre(1, 2, 3, 4), ElementsAre(5, 6, 7, 8), ElementsAre(9, 10)));
}

TEST_F(LogNotifierTest, AFailedReadHandsEveryWaitANullBatch) {
  log_.Fail(absl::DataLossError("disk"));
  auto a = std::make_shared<Woken>();
  auto all = std::make_shared<Woken>();
  ASSERT_NE(notifier_->WaitBeyond(0, "a", Record(a)), 0u);
  ASSERT_NE(notifier_->WaitBeyond(0, "", Record(all)), 0u);
  Commit({"|x"});
  a->done.WaitForNotification();
  all->done.WaitForNotification();
  EXPECT_EQ(a->batch, nullptr);
  EXPECT_EQ(all->batch, nullptr);
}

TEST_F(LogNotifierTest, CancelWaitRemovesIt) {
  auto woken = std::make_shared<Woken>();
  const uint64_t id = notifier_->WaitBeyond(0, "a", Record(woken));
  ASSERT_NE(id, 0u);
  EXPECT_TRUE(notifier_->CancelWait(id));
  EXPECT_FALSE(notifier_->CancelWait(id));
  EXPECT_FALSE(notifier_->CancelWait(987654));
  Commit({"a|x"});
  notifier_->AwaitNotified(1);
  notifier_->Close();
  EXPECT_FALSE(woken->done.HasBeenNotified());
}

TEST_F(LogNotifierTest, CloseWakesEveryWaitWithANullBatchAndRefusesLaterOnes) {
  auto a = std::make_shared<Woken>();
  auto all = std::make_shared<Woken>();
  ASSERT_NE(notifier_->WaitBeyond(0, "a", Record(a)), 0u);
  ASSERT_NE(notifier_->WaitBeyond(5, "", Record(all)), 0u);
  notifier_->Close();
  // On the closing thread, before Close returns.
  EXPECT_TRUE(a->done.HasBeenNotified());
  EXPECT_TRUE(all->done.HasBeenNotified());
  EXPECT_EQ(a->batch, nullptr);
  EXPECT_TRUE(notifier_->closed());
  EXPECT_EQ(notifier_->WaitBeyond(9, "", [](std::shared_ptr<const LogBatch>) {}), 0u);
  EXPECT_EQ(notifier_->CallAt(clock_.Now(), [] {}), 0u);
  notifier_->Close();  // again: harmless
}

TEST_F(LogNotifierTest, TimersRunWhenTheirClockSaysSo) {
  auto due_later = std::make_shared<absl::Notification>();
  std::vector<int> order;
  absl::Mutex mu;
  ASSERT_NE(notifier_->CallAt(clock_.Now() + absl::Seconds(10),
                              [&, due_later] {
                                {
                                  absl::MutexLock lock(&mu);
                                  order.push_back(10);
                                }
                                due_later->Notify();
                              }),
            0u);
  // A timer due now runs at once; once it has, the thread has judged the
  // other one (timers run in time order) and left it.
  auto due_now = std::make_shared<absl::Notification>();
  ASSERT_NE(notifier_->CallAt(clock_.Now(),
                              [&, due_now] {
                                {
                                  absl::MutexLock lock(&mu);
                                  order.push_back(0);
                                }
                                due_now->Notify();
                              }),
            0u);
  due_now->WaitForNotification();
  EXPECT_FALSE(due_later->HasBeenNotified());

  clock_.Advance(absl::Seconds(10));
  notifier_->CheckTimers();
  due_later->WaitForNotification();
  absl::MutexLock lock(&mu);
  EXPECT_THAT(order, ElementsAre(0, 10));
}

TEST_F(LogNotifierTest, CancelCallAndCloseRunningPendingTimers) {
  bool cancelled_ran = false;
  const uint64_t cancelled =
      notifier_->CallAt(clock_.Now() + absl::Hours(1), [&] { cancelled_ran = true; });
  ASSERT_NE(cancelled, 0u);
  EXPECT_TRUE(notifier_->CancelCall(cancelled));
  EXPECT_FALSE(notifier_->CancelCall(cancelled));

  bool pending_ran = false;
  ASSERT_NE(notifier_->CallAt(clock_.Now() + absl::Hours(1), [&] { pending_ran = true; }), 0u);
  notifier_->Close();
  EXPECT_TRUE(pending_ran);  // on the closing thread
  EXPECT_FALSE(cancelled_ran);
}

TEST_F(LogNotifierTest, ARealClockTimerFiresWithoutHelp) {
  notifier_.reset();
  notifier_ = std::make_unique<LogNotifier>(
      LogNotifierOptions{.read = [this](uint64_t after, size_t max, std::vector<LogEntry>* out) {
        return log_.Read(after, max, out);
      }});
  auto fired = std::make_shared<absl::Notification>();
  ASSERT_NE(notifier_->CallAt(absl::Now() + absl::Milliseconds(20), [fired] { fired->Notify(); }),
            0u);
  fired->WaitForNotification();
}

}  // namespace
}  // namespace baton::events
