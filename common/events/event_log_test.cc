#include "common/events/event_log.h"

#include <pthread.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "common/status/errors.h"
#include "common/storage/commit_queue.h"
#include "common/storage/store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace baton::events {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;

constexpr char kLogCf[] = "test.events";

MATCHER_P2(EntryIs, sequence, value, "") {
  return arg.sequence == static_cast<uint64_t>(sequence) && arg.value == value;
}

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    auto store = storage::Store::Open({.path = dir_.Sub("db"), .column_families = {kLogCf}});
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    auto log = EventLog::Open(store_.get(), kLogCf);
    ASSERT_THAT(log, IsOk());
    log_ = std::move(*log);
    queue_ = std::make_unique<storage::CommitQueue>(store_.get(), &clock_);
  }

  void Close() {
    queue_.reset();
    log_.reset();
    store_.reset();
  }

  // Appends `values` in one mutation.
  void Append(std::vector<std::string> values) {
    ASSERT_OK(queue_->Run([&](storage::Transaction& tx) {
      for (std::string& v : values) tx.Append(log_->writer(), std::move(v));
      return absl::OkStatus();
    }));
  }

  std::vector<EventLog::Entry> Read(uint64_t after, size_t max) {
    std::vector<EventLog::Entry> out;
    EXPECT_OK(log_->Read(after, max, &out));
    return out;
  }

  ::baton::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<storage::CommitQueue> queue_;
};

TEST_F(EventLogTest, EmptyLogStartsAtZero) {
  EXPECT_EQ(log_->last_sequence(), 0u);
  EXPECT_THAT(Read(0, 10), IsEmpty());
  EXPECT_FALSE(log_->closed());
}

TEST_F(EventLogTest, OpenRestoresLastSequenceOfAnExistingLog) {
  Append({"a", "b"});
  Append({"c"});
  EXPECT_EQ(log_->last_sequence(), 3u);
  Close();
  Open();
  EXPECT_EQ(log_->last_sequence(), 3u);
  EXPECT_THAT(Read(0, 10), ElementsAre(EntryIs(1, "a"), EntryIs(2, "b"), EntryIs(3, "c")));
  // New events continue the sequence.
  Append({"d"});
  EXPECT_EQ(log_->last_sequence(), 4u);
  EXPECT_THAT(Read(3, 10), ElementsAre(EntryIs(4, "d")));
}

TEST_F(EventLogTest, OpenRejectsAMalformedKey) {
  ASSERT_OK(queue_->Run([&](storage::Transaction& tx) {
    tx.Put(log_->writer()->cf(), "short", "x");
    return absl::OkStatus();
  }));
  auto reopened = EventLog::Open(store_.get(), kLogCf);
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(EventLogTest, ReadHonoursAfterAndMax) {
  std::vector<std::string> values;
  for (int i = 1; i <= 10; ++i) values.push_back(absl::StrCat("e", i));
  Append(values);

  const auto all = Read(0, 100);
  ASSERT_EQ(all.size(), 10u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].sequence, i + 1);
    EXPECT_EQ(all[i].value, absl::StrCat("e", i + 1));
  }
  EXPECT_THAT(Read(3, 4),
              ElementsAre(EntryIs(4, "e4"), EntryIs(5, "e5"), EntryIs(6, "e6"), EntryIs(7, "e7")));
  EXPECT_THAT(Read(8, 100), ElementsAre(EntryIs(9, "e9"), EntryIs(10, "e10")));
  EXPECT_THAT(Read(9, 1), ElementsAre(EntryIs(10, "e10")));
  EXPECT_THAT(Read(10, 100), IsEmpty());
  EXPECT_THAT(Read(50, 100), IsEmpty());
  EXPECT_THAT(Read(0, 0), IsEmpty());
}

TEST_F(EventLogTest, ReadAppendsToOut) {
  Append({"a", "b"});
  std::vector<EventLog::Entry> out = {{99, "kept"}};
  ASSERT_OK(log_->Read(0, 10, &out));
  EXPECT_THAT(out, ElementsAre(EntryIs(99, "kept"), EntryIs(1, "a"), EntryIs(2, "b")));
}

TEST_F(EventLogTest, EpochIsMadeWithTheLogAndKeptAcrossReopening) {
  const std::string epoch = log_->epoch();
  EXPECT_THAT(epoch, MatchesRegex("[0-9a-f]{32}"));
  Append({"a"});
  Close();
  Open();
  EXPECT_EQ(log_->epoch(), epoch);
}

TEST_F(EventLogTest, EveryNewLogHasItsOwnEpoch) {
  ::baton::testing::TempDir other_dir;
  auto other_store =
      storage::Store::Open({.path = other_dir.Sub("db"), .column_families = {kLogCf}});
  ASSERT_OK(other_store);
  auto other = EventLog::Open(other_store->get(), kLogCf);
  ASSERT_OK(other);
  EXPECT_NE((*other)->epoch(), log_->epoch());
}

TEST_F(EventLogTest, RotateEpochGivesANewEpochThatLasts) {
  Append({"a"});
  const std::string before = log_->epoch();
  ASSERT_OK(log_->RotateEpoch());
  const std::string after = log_->epoch();
  EXPECT_NE(after, before);
  EXPECT_THAT(after, MatchesRegex("[0-9a-f]{32}"));
  Close();
  Open();
  EXPECT_EQ(log_->epoch(), after);
  EXPECT_EQ(log_->last_sequence(), 1u);  // the events are untouched
}

// The epoch lives in the log's column family: it must never be taken for an
// event, by Read or by Open's search for the last sequence number.
TEST_F(EventLogTest, TheEpochStaysOutOfTheEvents) {
  // Only the epoch is stored: the log is empty.
  Close();
  Open();
  EXPECT_EQ(log_->last_sequence(), 0u);
  EXPECT_THAT(Read(0, 10), IsEmpty());
  Append({"a", "b"});
  EXPECT_THAT(Read(0, 10), ElementsAre(EntryIs(1, "a"), EntryIs(2, "b")));
  Close();
  Open();
  EXPECT_EQ(log_->last_sequence(), 2u);
  EXPECT_THAT(Read(0, 10), ElementsAre(EntryIs(1, "a"), EntryIs(2, "b")));
}

TEST_F(EventLogTest, ALogFromBeforeEpochsGetsOneAndKeepsItsEvents) {
  Append({"a", "b"});
  ASSERT_TRUE(
      store_->db()
          ->Delete(rocksdb::WriteOptions(), log_->writer()->cf(), EventLog::MetadataKey("epoch"))
          .ok());
  const std::string removed = log_->epoch();
  Close();
  Open();
  EXPECT_THAT(log_->epoch(), MatchesRegex("[0-9a-f]{32}"));
  EXPECT_NE(log_->epoch(), removed);
  EXPECT_EQ(log_->last_sequence(), 2u);
}

TEST_F(EventLogTest, AMalformedStoredEpochIsDataLoss) {
  ASSERT_TRUE(store_->db()
                  ->Put(rocksdb::WriteOptions(), log_->writer()->cf(),
                        EventLog::MetadataKey("epoch"), "not an epoch")
                  .ok());
  auto reopened = EventLog::Open(store_.get(), kLogCf);
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss);
}

// google.rpc.ErrorInfo attached to a status.
google::rpc::ErrorInfo InfoOf(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  auto payload = status.GetPayload("type.googleapis.com/google.rpc.ErrorInfo");
  if (payload.has_value()) info.ParseFromString(std::string(*payload));
  return info;
}

TEST_F(EventLogTest, CheckResumeAcceptsAPositionInThisLog) {
  Append({"a", "b", "c"});
  EXPECT_OK(log_->CheckResume(0, ""));
  EXPECT_OK(log_->CheckResume(3, ""));
  EXPECT_OK(log_->CheckResume(2, log_->epoch()));
}

TEST_F(EventLogTest, CheckResumePastTheEndIsOutOfRangeWithTheLastSequence) {
  Append({"a", "b", "c"});
  absl::Status past = log_->CheckResume(4, log_->epoch());
  EXPECT_THAT(past, StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("last sequence 3")));
  EXPECT_EQ(ErrorReason(past), "AFTER_END_OF_LOG");
  EXPECT_EQ(InfoOf(past).metadata().at("last_sequence"), "3");
  EXPECT_EQ(InfoOf(past).metadata().at("epoch"), log_->epoch());
}

TEST_F(EventLogTest, CheckResumeWithAnotherEpochIsEpochMismatch) {
  Append({"a"});
  const std::string old = log_->epoch();
  ASSERT_OK(log_->RotateEpoch());
  // Checked before the range: a restored log's end says nothing.
  absl::Status mismatch = log_->CheckResume(7, old);
  EXPECT_THAT(mismatch, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("restored")));
  EXPECT_EQ(ErrorReason(mismatch), "EPOCH_MISMATCH");
  EXPECT_EQ(InfoOf(mismatch).metadata().at("epoch"), log_->epoch());
}

TEST_F(EventLogTest, CheckResumeRejectsAMalformedEpoch) {
  for (const char* bad :
       {"xyz", "0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdef0",
        "0123456789abcdef 123456789abcdef"}) {
    EXPECT_THAT(log_->CheckResume(0, bad),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("epoch")))
        << bad;
  }
}

// --- Waking readers, through a real commit queue.

TEST_F(EventLogTest, ACommitWakesAWaitingReaderOnTheNotifierThread) {
  Append({"a"});
  // Shared: the notifier thread may still be in Notify() when the test ends.
  auto woken = std::make_shared<absl::Notification>();
  std::shared_ptr<const LogBatch> batch;
  std::string thread;
  ASSERT_NE(log_->notifier()->WaitBeyond(1, "",
                                         [&, woken](std::shared_ptr<const LogBatch> b) {
                                           char name[16] = {};
                                           pthread_getname_np(pthread_self(), name, sizeof(name));
                                           thread = name;
                                           batch = std::move(b);
                                           woken->Notify();
                                         }),
            0u);
  Append({"b"});
  woken->WaitForNotification();
  EXPECT_EQ(thread, "baton-notify");
  ASSERT_NE(batch, nullptr);
  // The batch may start before the wait's position (the notifier may not
  // have handed out "a" yet); the reader skips what it has.
  EXPECT_LE(batch->after, 1u);
  EXPECT_EQ(batch->last, 2u);
  ASSERT_FALSE(batch->entries.empty());
  EXPECT_THAT(batch->entries.back(), EntryIs(2, "b"));
}

// Before the notifier, the WAL-sync thread ran every wake (and each woken
// stream read the log there): a commit waited for its readers. Shown to
// fail that way: with the wakes on the sync thread, Append() below did not
// return while the wake was held (the 10 s wait ran out).
TEST_F(EventLogTest, ACommitDoesNotWaitForItsReaders) {
  auto in_wake = std::make_shared<absl::Notification>();
  auto release = std::make_shared<absl::Notification>();
  ASSERT_NE(log_->notifier()->WaitBeyond(0, "",
                                         [in_wake, release](std::shared_ptr<const LogBatch>) {
                                           in_wake->Notify();
                                           release->WaitForNotification();
                                         }),
            0u);
  absl::Notification committed;
  std::thread writer([&] {
    Append({"a"});
    Append({"b"});  // and the next commit does not queue behind it either
    committed.Notify();
  });
  EXPECT_TRUE(committed.WaitForNotificationWithTimeout(absl::Seconds(10)));
  in_wake->WaitForNotification();
  release->Notify();
  writer.join();
  EXPECT_EQ(log_->last_sequence(), 2u);
}

TEST_F(EventLogTest, TopicsGivenAtOpenRouteWakes) {
  Close();
  auto store = storage::Store::Open({.path = dir_.Sub("db"), .column_families = {kLogCf}});
  ASSERT_OK(store);
  store_ = std::move(*store);
  // The topic of an entry is its first character.
  auto log = EventLog::Open(store_.get(), kLogCf,
                            {.topics = [](const LogEntry& e, std::vector<std::string>* topics) {
                              topics->push_back(e.value.substr(0, 1));
                            }});
  ASSERT_OK(log);
  log_ = std::move(*log);
  queue_ = std::make_unique<storage::CommitQueue>(store_.get(), &clock_);

  std::vector<std::string> topics;
  log_->TopicsOf({1, "x-ray"}, &topics);
  EXPECT_THAT(topics, ElementsAre("x"));

  auto x_woken = std::make_shared<absl::Notification>();
  bool y_woken = false;
  ASSERT_NE(log_->notifier()->WaitBeyond(0, "x", [x_woken](auto) { x_woken->Notify(); }), 0u);
  const uint64_t y = log_->notifier()->WaitBeyond(0, "y", [&](auto) { y_woken = true; });
  ASSERT_NE(y, 0u);
  Append({"a", "x1"});
  x_woken->WaitForNotification();
  log_->notifier()->AwaitNotified(2);
  EXPECT_FALSE(y_woken);
  EXPECT_TRUE(log_->notifier()->CancelWait(y));
}

TEST_F(EventLogTest, CloseWakesReadersAndLaterWaitsReturnZero) {
  absl::Notification woken;
  ASSERT_NE(log_->notifier()->WaitBeyond(0, "",
                                         [&](auto batch) {
                                           EXPECT_EQ(batch, nullptr);
                                           woken.Notify();
                                         }),
            0u);
  log_->Close();
  EXPECT_TRUE(woken.HasBeenNotified());
  EXPECT_TRUE(log_->closed());
  EXPECT_EQ(log_->notifier()->WaitBeyond(0, "", [](auto) {}), 0u);
  Append({"after close"});  // commits still work
  EXPECT_EQ(log_->last_sequence(), 1u);
}

// A tailing reader as LogTailReactor runs one: read while behind; when
// caught up, wait and take the entries the wake hands over. With writers
// committing concurrently it must see every event once, in order, and never
// hang (a lost wake-up between its read and its wait would hang it).
TEST_F(EventLogTest, TailingReaderSeesEveryEventWithoutPolling) {
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 150;
  constexpr uint64_t kTotal = kWriters * kPerWriter;

  std::vector<EventLog::Entry> seen;
  std::thread reader([&] {
    uint64_t after = 0;
    while (after < kTotal) {
      auto woken = std::make_shared<absl::Notification>();
      auto handed = std::make_shared<std::shared_ptr<const LogBatch>>();
      if (log_->notifier()->WaitBeyond(after, "", [woken, handed](auto batch) {
            *handed = std::move(batch);
            woken->Notify();
          }) != 0) {
        woken->WaitForNotification();
        ASSERT_NE(*handed, nullptr);
        ASSERT_LE((*handed)->after, after);
        for (const LogEntry& e : (*handed)->entries) {
          if (e.sequence <= after) continue;
          ASSERT_EQ(e.sequence, after + 1);
          seen.push_back(e);
          after = e.sequence;
        }
        continue;
      }
      std::vector<EventLog::Entry> batch;
      ASSERT_OK(log_->Read(after, 64, &batch));
      ASSERT_FALSE(batch.empty());  // the notifier is never ahead of the log
      after = batch.back().sequence;
      seen.insert(seen.end(), batch.begin(), batch.end());
    }
  });

  absl::BlockingCounter done(static_cast<int>(kTotal));
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        queue_->Submit(
            [&, w, i](storage::Transaction& tx) {
              tx.Append(log_->writer(), absl::StrCat(w, ":", i));
              return absl::OkStatus();
            },
            [&](absl::Status s) {
              EXPECT_OK(s);
              done.DecrementCount();
            });
      }
    });
  }
  for (auto& t : writers) t.join();
  done.Wait();
  reader.join();

  ASSERT_EQ(seen.size(), kTotal);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].sequence, i + 1);
  EXPECT_EQ(log_->last_sequence(), kTotal);
}

}  // namespace
}  // namespace baton::events
