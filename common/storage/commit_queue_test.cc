#include "common/storage/commit_queue.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "baton/common/v1/common.pb.h"
#include "common/status/errors.h"
#include "common/storage/commit_queue_testing.h"
#include "common/storage/key_codec.h"
#include "common/storage/store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/merge_operator.h"

namespace baton::storage {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::Pair;

using ::baton::storage::testing::Entries;
using ::baton::storage::testing::Gate;
using ::baton::storage::testing::Outcome;
using ::baton::storage::testing::ReadLog;

std::unique_ptr<Store> OpenStore(const std::string& path) {
  auto store = Store::Open({.path = path, .column_families = {"data", "log"}});
  EXPECT_THAT(store, IsOk());
  return store.ok() ? std::move(*store) : nullptr;
}

class CommitQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenStore(dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    data_ = store_->cf("data");
    log_ = std::make_unique<AppendLog>(store_->cf("log"), 0);
  }

  std::optional<std::string> Stored(absl::string_view key) {
    auto value = store_->Get(data_, key);
    EXPECT_THAT(value, IsOk());
    return value.ok() ? *value : std::nullopt;
  }

  // Submits `count` mutations putting "k<i>" = "v"; each success counts down
  // `done`.
  void SubmitPuts(CommitQueue& queue, int count, absl::BlockingCounter* done) {
    for (int i = 0; i < count; ++i) {
      queue.Submit(
          [this, i](Transaction& tx) {
            tx.Put(data_, absl::StrCat("k", i), "v");
            return absl::OkStatus();
          },
          [done](absl::Status s) {
            EXPECT_OK(s);
            done->DecrementCount();
          });
    }
  }

  ::baton::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Store> store_;
  rocksdb::ColumnFamilyHandle* data_ = nullptr;
  std::unique_ptr<AppendLog> log_;
};

TEST_F(CommitQueueTest, RunCommitsAndTransactionSeesItsOwnWrites) {
  CommitQueue queue(store_.get(), &clock_);
  ASSERT_OK(queue.Run([&](Transaction& tx) -> absl::Status {
    EXPECT_EQ(tx.now(), clock_.Now());
    tx.Put(data_, "k", "v1");
    auto own = tx.Get(data_, "k");
    EXPECT_THAT(own, IsOk());
    EXPECT_THAT(*own, Optional(Eq("v1")));
    tx.Delete(data_, "k");
    EXPECT_THAT(*tx.Get(data_, "k"), Eq(std::nullopt));
    tx.Put(data_, "k", "v2");
    return absl::OkStatus();
  }));
  EXPECT_THAT(Stored("k"), Optional(Eq("v2")));
  EXPECT_EQ(queue.mutations_committed(), 1u);
  EXPECT_EQ(queue.groups_committed(), 1u);
}

TEST_F(CommitQueueTest, ProtoValuesRoundTripAndGarbageIsDataLoss) {
  CommitQueue queue(store_.get(), &clock_);
  common::v1::EventPosition position;
  position.set_source("baton.handoff.v1.HandoffService");
  position.set_sequence(42);
  ASSERT_OK(queue.Run([&](Transaction& tx) {
    tx.PutProto(data_, "pos", position);
    tx.Put(data_, "junk", "\xFF\xFF\xFF");
    return absl::OkStatus();
  }));
  ASSERT_OK(queue.Run([&](Transaction& tx) -> absl::Status {
    common::v1::EventPosition read;
    absl::StatusOr<bool> found = tx.GetProto(data_, "pos", &read);
    EXPECT_THAT(found, IsOk());
    EXPECT_TRUE(found.value_or(false));
    EXPECT_EQ(read.sequence(), 42u);
    EXPECT_EQ(read.source(), position.source());
    found = tx.GetProto(data_, "absent", &read);
    EXPECT_THAT(found, IsOk());
    EXPECT_FALSE(found.value_or(true));
    EXPECT_THAT(tx.GetProto(data_, "junk", &read),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not parse")));
    return absl::OkStatus();
  }));
}

TEST_F(CommitQueueTest, LaterMutationInTheSameGroupSeesEarlierWrites) {
  CommitQueue queue(store_.get(), &clock_);
  Outcome first, second;
  std::optional<std::string> seen;
  std::optional<std::string> seen_deleted = "not read";
  {
    Gate gate(queue);
    queue.Submit(
        [&](Transaction& tx) {
          tx.Put(data_, "a", "from first");
          tx.Put(data_, "gone", "x");
          tx.Delete(data_, "gone");
          return absl::OkStatus();
        },
        first.Callback());
    queue.Submit(
        [&](Transaction& tx) -> absl::Status {
          auto a = tx.Get(data_, "a");
          if (!a.ok()) return a.status();
          seen = *a;
          auto gone = tx.Get(data_, "gone");
          if (!gone.ok()) return gone.status();
          seen_deleted = *gone;
          tx.Put(data_, "b", absl::StrCat("saw ", seen.value_or("nothing")));
          return absl::OkStatus();
        },
        second.Callback());
  }
  EXPECT_OK(first.Wait());
  EXPECT_OK(second.Wait());
  EXPECT_THAT(seen, Optional(Eq("from first")));
  EXPECT_EQ(seen_deleted, std::nullopt);
  EXPECT_THAT(Stored("b"), Optional(Eq("saw from first")));
  // The gate's group, then one group holding both.
  EXPECT_EQ(queue.groups_committed(), 2u);
  EXPECT_EQ(queue.mutations_committed(), 3u);
}

TEST_F(CommitQueueTest, FailedMutationIsDiscardedWhileOthersInTheGroupCommit) {
  CommitQueue queue(store_.get(), &clock_);
  Outcome good1, bad, good2;
  std::optional<std::string> a_seen_by_good2, b_seen_by_good2 = "not read";
  {
    Gate gate(queue);
    queue.Submit(
        [&](Transaction& tx) {
          tx.Put(data_, "a", "good1");
          tx.Append(log_.get(), "event good1");
          return absl::OkStatus();
        },
        good1.Callback());
    queue.Submit(
        [&](Transaction& tx) {
          tx.Put(data_, "a", "bad");
          tx.Put(data_, "b", "bad");
          tx.Append(log_.get(), "event bad");
          return absl::FailedPreconditionError("refused");
        },
        bad.Callback());
    queue.Submit(
        [&](Transaction& tx) {
          a_seen_by_good2 = *tx.Get(data_, "a");
          b_seen_by_good2 = *tx.Get(data_, "b");
          tx.Put(data_, "c", "good2");
          tx.Append(log_.get(), "event good2");
          return absl::OkStatus();
        },
        good2.Callback());
  }
  EXPECT_OK(good1.Wait());
  EXPECT_THAT(bad.Wait(), StatusIs(absl::StatusCode::kFailedPrecondition, "refused"));
  EXPECT_OK(good2.Wait());

  EXPECT_THAT(a_seen_by_good2, Optional(Eq("good1")));
  EXPECT_EQ(b_seen_by_good2, std::nullopt);
  EXPECT_THAT(Stored("a"), Optional(Eq("good1")));
  EXPECT_EQ(Stored("b"), std::nullopt);
  EXPECT_THAT(Stored("c"), Optional(Eq("good2")));
  EXPECT_THAT(ReadLog(*store_, log_->cf()),
              ElementsAre(Pair(1u, "event good1"), Pair(2u, "event good2")));
  EXPECT_EQ(log_->last_committed(), 2u);
  EXPECT_EQ(queue.mutations_committed(), 3u);  // gate, good1, good2
}

TEST_F(CommitQueueTest, AllFailingGroupWritesNothing) {
  CommitQueue queue(store_.get(), &clock_);
  EXPECT_THAT(queue.Run([&](Transaction& tx) {
    tx.Put(data_, "a", "x");
    tx.Append(log_.get(), "e");
    return absl::AbortedError("no");
  }),
              StatusIs(absl::StatusCode::kAborted, "no"));
  EXPECT_EQ(Stored("a"), std::nullopt);
  EXPECT_THAT(ReadLog(*store_, log_->cf()), ElementsAre());
  EXPECT_EQ(log_->last_committed(), 0u);
  EXPECT_EQ(queue.groups_committed(), 0u);
  EXPECT_EQ(queue.mutations_committed(), 0u);
}

TEST_F(CommitQueueTest, AppendAssignsGapFreeSequencesInCommitOrder) {
  std::vector<uint64_t> notified;  // committer thread only, read after Stop
  log_->set_on_commit([&](uint64_t last) { notified.push_back(last); });
  CommitQueue queue(store_.get(), &clock_);
  constexpr int kCount = 200;
  absl::BlockingCounter done(kCount);
  std::vector<absl::Status> results(kCount);
  Entries expected;
  for (int i = 0; i < kCount; ++i) {
    const bool fail = i % 7 == 3;
    if (!fail) {
      expected.emplace_back(expected.size() + 1, absl::StrCat("event ", i));
      if (i % 5 == 0) expected.emplace_back(expected.size() + 1, absl::StrCat("extra ", i));
    }
    queue.Submit(
        [&, i, fail](Transaction& tx) -> absl::Status {
          tx.Append(log_.get(), absl::StrCat("event ", i));
          if (i % 5 == 0) tx.Append(log_.get(), absl::StrCat("extra ", i));
          if (fail) return absl::InvalidArgumentError("odd one out");
          return absl::OkStatus();
        },
        [&, i](absl::Status s) {
          results[i] = std::move(s);
          done.DecrementCount();
        });
  }
  done.Wait();  // every on_commit ran before the last done
  for (int i = 0; i < kCount; ++i) {
    if (i % 7 == 3) {
      EXPECT_THAT(results[i], StatusIs(absl::StatusCode::kInvalidArgument, "odd one out"));
    } else {
      EXPECT_OK(results[i]) << i;
    }
  }
  EXPECT_EQ(ReadLog(*store_, log_->cf()), expected);
  EXPECT_EQ(log_->last_committed(), expected.size());
  ASSERT_FALSE(notified.empty());
  for (size_t i = 1; i < notified.size(); ++i) EXPECT_LT(notified[i - 1], notified[i]);
  EXPECT_EQ(notified.back(), expected.size());
}

TEST_F(CommitQueueTest, AppendContinuesAfterTheLastSequenceOnDisk) {
  AppendLog log(store_->cf("log"), 41);
  CommitQueue queue(store_.get(), &clock_);
  ASSERT_OK(queue.Run([&](Transaction& tx) {
    tx.Append(&log, "x");
    tx.Append(&log, "y");
    return absl::OkStatus();
  }));
  EXPECT_THAT(ReadLog(*store_, log.cf()), ElementsAre(Pair(42u, "x"), Pair(43u, "y")));
  EXPECT_EQ(log.last_committed(), 43u);
}

TEST_F(CommitQueueTest, GroupsHoldAtMostMaxGroup) {
  CommitQueue queue(store_.get(), &clock_, {.max_group = 8});
  constexpr int kCount = 100;
  absl::BlockingCounter done(kCount);
  {
    Gate gate(queue);
    SubmitPuts(queue, kCount, &done);
  }
  done.Wait();
  EXPECT_EQ(queue.mutations_committed(), kCount + 1u);
  EXPECT_EQ(queue.groups_committed(), 1u + (kCount + 7) / 8);
}

TEST_F(CommitQueueTest, ConcurrentSubmittersAllCommitAndShareGroups) {
  CommitQueue queue(store_.get(), &clock_);
  constexpr int kThreads = 16;
  constexpr int kPerThread = 125;
  constexpr int kTotal = kThreads * kPerThread;
  absl::BlockingCounter done(kTotal);
  absl::Mutex mu;
  int failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        queue.Submit(
            [&, t, i](Transaction& tx) {
              tx.Put(data_, absl::StrCat("t", t, "/", i), absl::StrCat(i));
              tx.Append(log_.get(), absl::StrCat(t, "/", i));
              return absl::OkStatus();
            },
            [&](absl::Status s) {
              if (!s.ok()) {
                absl::MutexLock lock(&mu);
                ++failures;
              }
              done.DecrementCount();
            });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  done.Wait();

  EXPECT_EQ(failures, 0);
  EXPECT_EQ(queue.mutations_committed(), static_cast<uint64_t>(kTotal));
  EXPECT_LT(queue.groups_committed(), queue.mutations_committed());
  EXPECT_GE(queue.groups_committed(), 1u);
  EXPECT_EQ(log_->last_committed(), static_cast<uint64_t>(kTotal));

  // Every write landed, and each thread's events are in its submission order.
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      ASSERT_THAT(Stored(absl::StrCat("t", t, "/", i)), Optional(Eq(absl::StrCat(i))));
    }
  }
  const Entries entries = ReadLog(*store_, log_->cf());
  ASSERT_EQ(entries.size(), static_cast<size_t>(kTotal));
  std::vector<int> next(kThreads, 0);
  for (size_t k = 0; k < entries.size(); ++k) {
    EXPECT_EQ(entries[k].first, k + 1);
    const std::string& value = entries[k].second;
    const size_t slash = value.find('/');
    const int t = std::stoi(value.substr(0, slash));
    const int i = std::stoi(value.substr(slash + 1));
    EXPECT_EQ(i, next[t]++) << "thread " << t;
  }
}

TEST_F(CommitQueueTest, ASlowCallbackDoesNotHoldUpTheNextCommit) {
  CommitQueue queue(store_.get(), &clock_);
  absl::Notification second_committed;
  absl::Notification first_answered;
  bool saw_second_commit = false;
  queue.Submit(
      [&](Transaction& tx) {
        tx.Put(data_, "first", "1");
        return absl::OkStatus();
      },
      [&](absl::Status s) {
        EXPECT_OK(s);
        // Answering a call may be slow; the committer goes on meanwhile.
        saw_second_commit = second_committed.WaitForNotificationWithTimeout(absl::Seconds(10));
        first_answered.Notify();
      });
  // The first group is written (its callback is running or about to).
  for (int i = 0; i < 1000 && !Stored("first").has_value(); ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_THAT(Stored("first"), Optional(Eq("1")));
  queue.Submit(
      [&](Transaction& tx) {
        tx.Put(data_, "second", "2");
        return absl::OkStatus();
      },
      [&](absl::Status s) {
        EXPECT_OK(s);
        // Answers come in commit order: the first was answered already.
        EXPECT_TRUE(first_answered.HasBeenNotified());
      });
  // The second group is durable while the first call is still being answered.
  for (int i = 0; i < 1000 && !Stored("second").has_value(); ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_THAT(Stored("second"), Optional(Eq("2")));
  second_committed.Notify();
  first_answered.WaitForNotification();
  EXPECT_TRUE(saw_second_commit);
}

// Groups are decided while earlier ones still sync: a read-modify-write must
// see every earlier increment, synced or not, and each caller must be
// answered only once its increment is readable as durable.
TEST_F(CommitQueueTest, IncrementsAcrossPipelinedGroupsLoseNothing) {
  CommitQueue queue(store_.get(), &clock_);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 250;
  constexpr int kTotal = kThreads * kPerThread;
  absl::BlockingCounter done(kTotal);
  absl::Mutex mu;
  std::vector<int> seen;  // each call's counter value
  int answered_before_durable = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        auto value = std::make_shared<int>(0);
        queue.Submit(
            [&, value](Transaction& tx) -> absl::Status {
              auto stored = tx.Get(data_, "counter");
              if (!stored.ok()) return stored.status();
              *value = stored->has_value() ? std::stoi(**stored) + 1 : 1;
              tx.Put(data_, "counter", absl::StrCat(*value));
              return absl::OkStatus();
            },
            [&, value](absl::Status s) {
              EXPECT_OK(s);
              std::optional<std::string> durable = Stored("counter");
              absl::MutexLock lock(&mu);
              if (!durable.has_value() || std::stoi(*durable) < *value) ++answered_before_durable;
              seen.push_back(*value);
              done.DecrementCount();
            });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  done.Wait();

  EXPECT_THAT(Stored("counter"), Optional(Eq(absl::StrCat(kTotal))));
  EXPECT_EQ(answered_before_durable, 0);
  std::sort(seen.begin(), seen.end());
  ASSERT_EQ(seen.size(), static_cast<size_t>(kTotal));
  for (int k = 0; k < kTotal; ++k) ASSERT_EQ(seen[k], k + 1);
  EXPECT_EQ(queue.mutations_committed(), static_cast<uint64_t>(kTotal));
}

// Appends its operand to the stored string.
class ConcatOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& operand,
             std::string* out, rocksdb::Logger*) const override {
    *out = existing == nullptr ? "" : existing->ToString();
    out->append(operand.data(), operand.size());
    return true;
  }
  const char* Name() const override { return "ConcatOperator"; }
};

// A mutation that reads a key holding merge operands, its own or earlier
// groups' (written or not), gets them resolved.
TEST(CommitQueueMergeTest, ReadsResolveMergeOperandsFromEveryLayer) {
  ::baton::testing::TempDir dir;
  auto opened = Store::Open({.path = dir.Sub("db"),
                             .column_families = {"data"},
                             .merge_operators = {{"data", std::make_shared<ConcatOperator>()}}});
  ASSERT_THAT(opened, IsOk());
  std::unique_ptr<Store> store = std::move(*opened);
  rocksdb::ColumnFamilyHandle* data = store->cf("data");
  FakeClock clock;
  CommitQueue queue(store.get(), &clock);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100;
  constexpr int kTotal = kThreads * kPerThread;
  absl::BlockingCounter done(kTotal);
  absl::Mutex mu;
  std::vector<size_t> seen;  // the length each mutation read before its merge
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        auto length = std::make_shared<size_t>(0);
        queue.Submit(
            [&, length](Transaction& tx) -> absl::Status {
              auto before = tx.Get(data, "log");
              if (!before.ok()) return before.status();
              *length = before->has_value() ? (*before)->size() : 0;
              tx.Merge(data, "log", "x");
              auto after = tx.Get(data, "log");  // its own operand on top
              if (!after.ok()) return after.status();
              if (!after->has_value() || (*after)->size() != *length + 1) {
                return absl::InternalError("own merge operand not seen");
              }
              return absl::OkStatus();
            },
            [&, length](absl::Status s) {
              EXPECT_OK(s);
              absl::MutexLock lock(&mu);
              seen.push_back(*length);
              done.DecrementCount();
            });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  done.Wait();
  std::sort(seen.begin(), seen.end());
  ASSERT_EQ(seen.size(), static_cast<size_t>(kTotal));
  for (int k = 0; k < kTotal; ++k) ASSERT_EQ(seen[k], static_cast<size_t>(k));
  auto stored = store->Get(data, "log");
  ASSERT_THAT(stored, IsOk());
  EXPECT_THAT(*stored, Optional(Eq(std::string(kTotal, 'x'))));
}

TEST_F(CommitQueueTest, StopRunsWhatIsQueuedThenRefuses) {
  CommitQueue queue(store_.get(), &clock_);
  Outcome queued;
  {
    Gate gate(queue);
    queue.Submit(
        [&](Transaction& tx) {
          tx.Put(data_, "queued", "yes");
          return absl::OkStatus();
        },
        queued.Callback());
    queue.Stop();
    queue.Stop();  // idempotent
  }
  EXPECT_OK(queued.Wait());
  EXPECT_THAT(Stored("queued"), Optional(Eq("yes")));

  bool ran = false;
  EXPECT_THAT(queue.Run([&](Transaction&) {
    ran = true;
    return absl::OkStatus();
  }),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("shutting down")));
  EXPECT_FALSE(ran);

  // Submit after Stop finishes at once, on the caller's thread.
  bool called = false;
  queue.Submit([](Transaction&) { return absl::OkStatus(); },
               [&](absl::Status s) {
                 EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("retry")));
                 called = true;
               });
  EXPECT_TRUE(called);
}

TEST_F(CommitQueueTest, DestructorRunsEverythingSubmitted) {
  absl::BlockingCounter done(50);
  {
    CommitQueue queue(store_.get(), &clock_);
    Gate gate(queue);
    SubmitPuts(queue, 50, &done);
    gate.Open();
  }
  done.Wait();
  for (int i = 0; i < 50; ++i) EXPECT_THAT(Stored(absl::StrCat("k", i)), Optional(Eq("v")));
}

// Admission: with the committer held (the Gate's mutation is pending),
// the queue fills deterministically.
TEST_F(CommitQueueTest, PastTheBoundNewWorkIsRefusedAtOnceAndDrainingWorkIsAdmitted) {
  CommitQueue queue(store_.get(), &clock_, {.max_pending = 10});
  absl::BlockingCounter done(9 + 10);
  std::vector<Outcome> refused(2);
  {
    Gate gate(queue);  // 1 pending
    EXPECT_EQ(queue.pending(), 1u);
    SubmitPuts(queue, 9, &done);  // 10 pending: the bound for new work
    EXPECT_EQ(queue.pending(), 10u);

    bool ran = false;
    queue.Submit(
        [&](Transaction&) {
          ran = true;
          return absl::OkStatus();
        },
        refused[0].Callback());
    // Answered at once, on this thread, without running the mutation.
    ASSERT_TRUE(refused[0].done.HasBeenNotified());
    EXPECT_THAT(refused[0].status, StatusIs(absl::StatusCode::kResourceExhausted,
                                            AllOf(HasSubstr("write queue is full (10 pending)"),
                                                  HasSubstr("retry with backoff"))));
    EXPECT_EQ(ErrorReason(refused[0].status), "WRITE_QUEUE_FULL");
    EXPECT_FALSE(ran);
    EXPECT_EQ(queue.pending(), 10u);

    // Work that drains the queue is admitted up to twice the bound.
    for (int i = 0; i < 10; ++i) {
      queue.Submit(
          [this, i](Transaction& tx) {
            tx.Put(data_, absl::StrCat("drain", i), "v");
            return absl::OkStatus();
          },
          [&](absl::Status s) {
            EXPECT_OK(s);
            done.DecrementCount();
          },
          Admission::kDrains);
    }
    EXPECT_EQ(queue.pending(), 20u);
    queue.Submit([](Transaction&) { return absl::OkStatus(); }, refused[1].Callback(),
                 Admission::kDrains);
    ASSERT_TRUE(refused[1].done.HasBeenNotified());
    EXPECT_THAT(refused[1].status,
                StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("20 pending")));
    EXPECT_EQ(ErrorReason(refused[1].status), "WRITE_QUEUE_FULL");
  }
  done.Wait();
  EXPECT_THAT(Stored("k8"), Optional(Eq("v")));
  EXPECT_THAT(Stored("drain9"), Optional(Eq("v")));
  // Everything was answered; the queue takes new work again.
  EXPECT_EQ(queue.pending(), 0u);
  EXPECT_OK(queue.Run([](Transaction&) { return absl::OkStatus(); }));
}

// One committer per store: a second one would decide on state the first
// has not written and hand out the same event sequence numbers.
//
// Not a CommitQueueTest: the threadsafe death-test style runs the test
// again from the start in a child process that dies, and a fixture's
// TempDir made there would be left behind. The parent passes its own
// directory in the environment instead, and the child opens its store in
// a subdirectory of it, which the parent removes.
TEST(CommitQueueDeathTest, ASecondQueueOnTheSameStoreAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  constexpr char kParentDir[] = "BATON_COMMIT_QUEUE_DEATH_TEST_DIR";
  std::optional<::baton::testing::TempDir> owned;
  std::string path;
  if (const char* parent = std::getenv(kParentDir); parent != nullptr) {
    path = std::string(parent) + "/child";  // in the dying child
  } else {
    owned.emplace();
    path = owned->Sub("db");
    ASSERT_EQ(setenv(kParentDir, owned->path().c_str(), 1), 0);
  }
  std::unique_ptr<Store> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  FakeClock clock;
  CommitQueue queue(store.get(), &clock);
  EXPECT_DEATH({ CommitQueue second(store.get(), &clock); }, "one CommitQueue per Store");
  unsetenv(kParentDir);
}

TEST_F(CommitQueueTest, AQueueCanFollowAnotherOnceItIsGone) {
  { CommitQueue first(store_.get(), &clock_); }
  CommitQueue second(store_.get(), &clock_);
  EXPECT_OK(second.Run([](Transaction&) { return absl::OkStatus(); }));
}

TEST(CommitQueueDurabilityTest, DataSurvivesClosingAndReopeningTheStore) {
  ::baton::testing::TempDir dir;
  FakeClock clock;
  {
    std::unique_ptr<Store> store = OpenStore(dir.Sub("db"));
    ASSERT_NE(store, nullptr);
    AppendLog log(store->cf("log"), 0);
    CommitQueue queue(store.get(), &clock);
    for (int i = 0; i < 3; ++i) {
      ASSERT_OK(queue.Run([&, i](Transaction& tx) {
        tx.Put(store->cf("data"), absl::StrCat("key", i), absl::StrCat("value", i));
        tx.Append(&log, absl::StrCat("event", i));
        return absl::OkStatus();
      }));
    }
  }
  std::unique_ptr<Store> store = OpenStore(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 3; ++i) {
    auto value = store->Get(store->cf("data"), absl::StrCat("key", i));
    ASSERT_THAT(value, IsOk());
    EXPECT_THAT(*value, Optional(Eq(absl::StrCat("value", i))));
  }
  EXPECT_THAT(ReadLog(*store, store->cf("log")),
              ElementsAre(Pair(1u, "event0"), Pair(2u, "event1"), Pair(3u, "event2")));
}

}  // namespace
}  // namespace baton::storage
