// The commit queue on a disk that fills up and then has room again.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "common/status/errors.h"
#include "common/storage/commit_queue.h"
#include "common/storage/commit_queue_testing.h"
#include "common/storage/store.h"
#include "common/testing/fault_injecting_fs.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"

namespace baton::storage {
namespace {

using ::baton::storage::testing::Entries;
using ::baton::storage::testing::Gate;
using ::baton::storage::testing::Outcome;
using ::baton::storage::testing::ReadLog;
using ::baton::testing::FaultInjectingFileSystem;
using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::Optional;
using Fault = FaultInjectingFileSystem::Fault;

using ::baton::storage::testing::HealthLog;

// The disk fails every write and sync (kNoSpace), or only syncs
// (kSyncNoSpace: the group was written, its sync failed), or the device
// fails every write and sync (kIoError).
class CommitQueueFaultTest : public ::testing::TestWithParam<Fault> {
 protected:
  void SetUp() override {
    fs_ = std::make_shared<FaultInjectingFileSystem>();
    Open();
  }

  void Open() {
    auto store = Store::Open({.path = dir_.Sub("db"),
                              .column_families = {"data", "log"},
                              .env = std::shared_ptr<rocksdb::Env>(rocksdb::NewCompositeEnv(fs_))});
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    data_ = store_->cf("data");
    ASSERT_THAT(AppendLog::LastOnDisk(store_->db(), store_->cf("log")), IsOk());
    log_ = std::make_unique<AppendLog>(store_->cf("log"),
                                       *AppendLog::LastOnDisk(store_->db(), store_->cf("log")));
    queue_ = std::make_unique<CommitQueue>(
        store_.get(), &clock_,
        CommitQueueOptions{.on_health = health_.Callback(),
                           .recovery_backoff = absl::Milliseconds(1),
                           .recovery_backoff_max = absl::Milliseconds(20)});
  }

  void Close() {
    queue_.reset();
    log_.reset();
    store_.reset();
  }

  // Puts `key` = `value` and appends an event `key`.
  absl::Status Put(const std::string& key, const std::string& value = "v") {
    return queue_->Run([this, key, value](Transaction& tx) {
      tx.Put(data_, key, value);
      tx.Append(log_.get(), key);
      return absl::OkStatus();
    });
  }

  std::optional<std::string> Durable(const std::string& key) {
    auto value = store_->Get(data_, key);
    EXPECT_THAT(value, IsOk());
    return value.ok() ? *value : std::nullopt;
  }

  ::baton::testing::TempDir dir_;
  std::shared_ptr<FaultInjectingFileSystem> fs_;
  FakeClock clock_;
  HealthLog health_;
  std::unique_ptr<Store> store_;
  rocksdb::ColumnFamilyHandle* data_ = nullptr;
  std::unique_ptr<AppendLog> log_;
  std::unique_ptr<CommitQueue> queue_;
};

INSTANTIATE_TEST_SUITE_P(Faults, CommitQueueFaultTest,
                         ::testing::Values(Fault::kNoSpace, Fault::kSyncNoSpace, Fault::kIoError),
                         [](const ::testing::TestParamInfo<Fault>& info) -> std::string {
                           switch (info.param) {
                             case Fault::kNoSpace:
                               return "NoSpace";
                             case Fault::kSyncNoSpace:
                               return "SyncNoSpace";
                             default:
                               return "IoError";
                           }
                         });

// Before this queue recovered, a failed write or sync aborted the process.
TEST_P(CommitQueueFaultTest, FullDiskFailsCleanlyAndRecoversWhenThereIsRoom) {
  ASSERT_OK(Put("before", "1"));
  ASSERT_OK(Put("before2", "2"));
  EXPECT_EQ(log_->last_committed(), 2u);

  fs_->Inject(GetParam());
  const absl::Status failed = Put("during", "3");
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kUnavailable,
                               AllOf(HasSubstr("disk refused a write"), HasSubstr("request_id"))));
  EXPECT_EQ(ErrorReason(failed), "STORAGE_UNAVAILABLE");
  ASSERT_TRUE(health_.WaitFor(false));
  EXPECT_FALSE(queue_->serving());
  EXPECT_GT(fs_->failures(), 0u);

  // New work is refused at once, on the caller's thread; queries still run.
  bool ran = false, answered = false;
  queue_->Submit(
      [&](Transaction&) {
        ran = true;
        return absl::OkStatus();
      },
      [&](absl::Status s) {
        EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable,
                                AllOf(HasSubstr("nothing was changed"), HasSubstr("retry"))));
        EXPECT_EQ(ErrorReason(s), "STORAGE_UNAVAILABLE");
        answered = true;
      },
      Admission::kDrains);
  EXPECT_TRUE(answered);
  EXPECT_FALSE(ran);
  EXPECT_THAT(Durable("before"), Optional(Eq("1")));
  EXPECT_EQ(log_->last_committed(), 2u);

  // Recovery attempts meet the full disk a few times first. (RocksDB took
  // a failure inside Resume as fatal — a restart needed — until the store
  // capped WAL errors at "hard": then this test hung and failed.)
  ASSERT_TRUE(fs_->WaitForFailures(fs_->failures() + 3, absl::Minutes(1)));
  fs_->Inject(Fault::kNone);
  ASSERT_TRUE(health_.WaitFor(true));
  EXPECT_TRUE(queue_->serving());
  EXPECT_THAT(health_.reports(), ElementsAre(false, true));

  // The log goes on from what is really in it: "during" is there or not,
  // and no sequence number is skipped or used twice.
  const uint64_t after_recovery = log_->last_committed();
  EXPECT_GE(after_recovery, 2u);
  EXPECT_LE(after_recovery, 3u);
  ASSERT_OK(Put("after", "4"));
  EXPECT_EQ(log_->last_committed(), after_recovery + 1);
  EXPECT_THAT(Durable("before"), Optional(Eq("1")));
  EXPECT_THAT(Durable("before2"), Optional(Eq("2")));
  EXPECT_THAT(Durable("after"), Optional(Eq("4")));
  // What queries see agrees with the log: "during" and its event together.
  EXPECT_EQ(Durable("during").has_value(), after_recovery == 3u);

  // And all of it is on disk, in order and without gaps.
  Close();
  Open();
  EXPECT_THAT(Durable("before"), Optional(Eq("1")));
  EXPECT_THAT(Durable("before2"), Optional(Eq("2")));
  EXPECT_THAT(Durable("after"), Optional(Eq("4")));
  const Entries entries = ReadLog(*store_, store_->cf("log"));
  ASSERT_EQ(entries.size(), after_recovery + 1);
  for (size_t i = 0; i < entries.size(); ++i) EXPECT_EQ(entries[i].first, i + 1);
  EXPECT_EQ(entries.back().second, "after");
}

// Many calls in flight when the disk fills: none is acknowledged wrongly,
// and after recovery everything acknowledged is there.
TEST_P(CommitQueueFaultTest, CallsInFlightAreFailedNotAcknowledged) {
  ASSERT_OK(Put("first"));
  constexpr int kCount = 300;
  std::vector<absl::Status> results(kCount);
  absl::BlockingCounter done(kCount);
  {
    Gate gate(*queue_);
    for (int i = 0; i < kCount; ++i) {
      queue_->Submit(
          [this, i](Transaction& tx) {
            tx.Put(data_, absl::StrCat("k", i), "v");
            tx.Append(log_.get(), absl::StrCat("k", i));
            return absl::OkStatus();
          },
          [&, i](absl::Status s) {
            results[i] = std::move(s);
            done.DecrementCount();
          });
    }
    fs_->Inject(GetParam());  // the queued calls meet a full disk
  }
  done.Wait();
  ASSERT_TRUE(health_.WaitFor(false));
  int acknowledged = 0;
  for (int i = 0; i < kCount; ++i) {
    if (results[i].ok()) {
      ++acknowledged;
    } else {
      EXPECT_THAT(results[i], StatusIs(absl::StatusCode::kUnavailable, HasSubstr("disk")));
    }
  }
  EXPECT_EQ(acknowledged, 0);

  fs_->Inject(Fault::kNone);
  ASSERT_TRUE(health_.WaitFor(true));
  ASSERT_OK(Put("last"));
  Close();
  Open();
  EXPECT_TRUE(Durable("first").has_value());
  EXPECT_TRUE(Durable("last").has_value());
  const Entries entries = ReadLog(*store_, store_->cf("log"));
  for (size_t i = 0; i < entries.size(); ++i) EXPECT_EQ(entries[i].first, i + 1);
  EXPECT_EQ(entries.back().second, "last");
}

}  // namespace
}  // namespace baton::storage
