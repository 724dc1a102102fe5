#include "common/events/event_log.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "common/storage/commit_queue.h"
#include "common/storage/store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::events {
namespace {

using ::baton::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

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

TEST_F(EventLogTest, WaitBeyondReturnsZeroWhenAlreadyPast) {
  Append({"a", "b"});
  bool woken = false;
  EXPECT_EQ(log_->WaitBeyond(0, [&] { woken = true; }), 0u);
  EXPECT_EQ(log_->WaitBeyond(1, [&] { woken = true; }), 0u);
  Append({"c"});
  EXPECT_FALSE(woken);  // never registered, so never run
}

TEST_F(EventLogTest, CommitWakesARegisteredWait) {
  Append({"a"});
  absl::Notification woken;
  const uint64_t id = log_->WaitBeyond(1, [&] { woken.Notify(); });
  ASSERT_NE(id, 0u);
  EXPECT_FALSE(woken.HasBeenNotified());

  // Commit from another thread, as a gRPC handler would.
  std::thread writer([&] {
    ASSERT_OK(queue_->Run([&](storage::Transaction& tx) {
      tx.Append(log_->writer(), "b");
      return absl::OkStatus();
    }));
  });
  woken.WaitForNotification();
  writer.join();
  // Woken only once the event is readable.
  EXPECT_EQ(log_->last_sequence(), 2u);
  EXPECT_THAT(Read(1, 10), ElementsAre(EntryIs(2, "b")));
  EXPECT_FALSE(log_->CancelWait(id));  // one-shot: already gone
}

TEST_F(EventLogTest, WaitIsNotWokenBeforeTheLogPassesIt) {
  Append({"a"});
  absl::Notification woken;
  ASSERT_NE(log_->WaitBeyond(2, [&] { woken.Notify(); }), 0u);

  Append({"b"});  // last = 2: not beyond 2
  // on_commit runs on the committer before Run() returns, so a wake would
  // have happened by now.
  EXPECT_FALSE(woken.HasBeenNotified());

  // Commits that fail or do not touch the log wake nobody either.
  EXPECT_THAT(queue_->Run([&](storage::Transaction& tx) {
    tx.Append(log_->writer(), "discarded");
    return absl::AbortedError("no");
  }),
              ::baton::testing::StatusIs(absl::StatusCode::kAborted, "no"));
  ASSERT_OK(queue_->Run([&](storage::Transaction& tx) {
    tx.Put(log_->writer()->cf(), "unrelated", "x");
    tx.Delete(log_->writer()->cf(), "unrelated");
    return absl::OkStatus();
  }));
  EXPECT_FALSE(woken.HasBeenNotified());

  Append({"c"});
  woken.WaitForNotification();
  EXPECT_EQ(log_->last_sequence(), 3u);
}

TEST_F(EventLogTest, OneCommitWakesEveryWaitItPasses) {
  absl::Notification a, b, c;
  ASSERT_NE(log_->WaitBeyond(0, [&] { a.Notify(); }), 0u);
  ASSERT_NE(log_->WaitBeyond(0, [&] { b.Notify(); }), 0u);
  const uint64_t later = log_->WaitBeyond(5, [&] { c.Notify(); });
  ASSERT_NE(later, 0u);
  Append({"x", "y"});
  a.WaitForNotification();
  b.WaitForNotification();
  EXPECT_FALSE(c.HasBeenNotified());
  EXPECT_TRUE(log_->CancelWait(later));
}

TEST_F(EventLogTest, CancelWaitRemovesTheWait) {
  bool woken = false;
  const uint64_t id = log_->WaitBeyond(0, [&] { woken = true; });
  ASSERT_NE(id, 0u);
  EXPECT_TRUE(log_->CancelWait(id));
  EXPECT_FALSE(log_->CancelWait(id));
  Append({"a"});
  log_->Close();
  EXPECT_FALSE(woken);
  EXPECT_FALSE(log_->CancelWait(12345));
}

TEST_F(EventLogTest, WaitIdsAreDistinct) {
  const uint64_t first = log_->WaitBeyond(0, [] {});
  const uint64_t second = log_->WaitBeyond(0, [] {});
  EXPECT_NE(first, 0u);
  EXPECT_NE(second, 0u);
  EXPECT_NE(first, second);
  EXPECT_TRUE(log_->CancelWait(first));
  EXPECT_TRUE(log_->CancelWait(second));
}

TEST_F(EventLogTest, CloseWakesWaitersAndLaterWaitsReturnZero) {
  absl::Notification a, b;
  ASSERT_NE(log_->WaitBeyond(0, [&] { a.Notify(); }), 0u);
  ASSERT_NE(log_->WaitBeyond(7, [&] { b.Notify(); }), 0u);
  log_->Close();
  EXPECT_TRUE(a.HasBeenNotified());
  EXPECT_TRUE(b.HasBeenNotified());
  EXPECT_TRUE(log_->closed());

  bool woken = false;
  EXPECT_EQ(log_->WaitBeyond(0, [&] { woken = true; }), 0u);
  EXPECT_EQ(log_->WaitBeyond(100, [&] { woken = true; }), 0u);
  Append({"after close"});
  EXPECT_FALSE(woken);
  log_->Close();  // again: harmless
  EXPECT_TRUE(log_->closed());
}

// A tailing reader as LogTailReactor runs one: read what is there, and when
// caught up register a wait and block until woken. With writers committing
// concurrently it must see every event, in order, and never hang (a lost
// wake-up between its read and its wait would hang it).
TEST_F(EventLogTest, TailingReaderSeesEveryEventWithoutPolling) {
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 150;
  constexpr uint64_t kTotal = kWriters * kPerWriter;

  std::vector<EventLog::Entry> seen;
  std::thread reader([&] {
    uint64_t after = 0;
    while (after < kTotal) {
      std::vector<EventLog::Entry> batch;
      ASSERT_OK(log_->Read(after, 64, &batch));
      if (!batch.empty()) {
        after = batch.back().sequence;
        seen.insert(seen.end(), batch.begin(), batch.end());
        continue;
      }
      auto woken = std::make_shared<absl::Notification>();
      if (log_->WaitBeyond(after, [woken] { woken->Notify(); }) == 0) continue;
      woken->WaitForNotification();
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
