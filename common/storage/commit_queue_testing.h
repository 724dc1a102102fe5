#ifndef BATON_COMMON_STORAGE_COMMIT_QUEUE_TESTING_H_
#define BATON_COMMON_STORAGE_COMMIT_QUEUE_TESTING_H_

// Helpers for the tests of the commit queue and what runs through it
// (test-only; header-only).

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/storage/commit_queue.h"
#include "common/storage/key_codec.h"
#include "gtest/gtest.h"

namespace baton::storage::testing {

// Holds the committer inside a mutation so that work submitted meanwhile is
// queued (and then taken as one group). Its own mutation is pending until
// the gate opens.
class Gate {
 public:
  explicit Gate(CommitQueue& queue) : state_(std::make_shared<State>()) {
    // The mutation shares the state: it may still be returning from its wait
    // when the Gate goes away.
    queue.Submit(
        [state = state_](Transaction&) {
          state->entered.Notify();
          state->release.WaitForNotification();
          return absl::OkStatus();
        },
        [](absl::Status) {});
    state_->entered.WaitForNotification();
  }
  ~Gate() { Open(); }
  void Open() {
    if (!state_->release.HasBeenNotified()) state_->release.Notify();
  }

 private:
  struct State {
    absl::Notification entered;
    absl::Notification release;
  };
  std::shared_ptr<State> state_;
};

// Records the outcome of a Submit.
struct Outcome {
  absl::Notification done;
  absl::Status status;
  Done Callback() {
    return [this](absl::Status s) {
      status = std::move(s);
      done.Notify();
    };
  }
  const absl::Status& Wait() {
    done.WaitForNotification();
    return status;
  }
};

using Entries = std::vector<std::pair<uint64_t, std::string>>;

// Every entry of an append log in the latest state, decoded.
inline Entries ReadLog(Store& store, rocksdb::ColumnFamilyHandle* cf) {
  Entries out;
  std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator(rocksdb::ReadOptions(), cf));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    KeyReader reader(absl::string_view(it->key().data(), it->key().size()));
    uint64_t sequence = 0;
    EXPECT_TRUE(reader.U64(&sequence) && reader.done());
    out.emplace_back(sequence, it->value().ToString());
  }
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return out;
}

// What a queue reported through CommitQueueOptions::on_health, in order.
class HealthLog {
 public:
  std::function<void(bool)> Callback() {
    return [this](bool serving) {
      absl::MutexLock lock(&mu_);
      reports_.push_back(serving);
    };
  }
  // Waits until the last report is `serving` (a condition, not a sleep);
  // false after a minute, so that a queue that never recovers fails the
  // test instead of hanging it.
  bool WaitFor(bool serving) {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !reports_.empty() && reports_.back() == serving;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), absl::Minutes(1));
  }
  std::vector<bool> reports() {
    absl::MutexLock lock(&mu_);
    return reports_;
  }

 private:
  absl::Mutex mu_;
  std::vector<bool> reports_ ABSL_GUARDED_BY(mu_);
};

}  // namespace baton::storage::testing

#endif  // BATON_COMMON_STORAGE_COMMIT_QUEUE_TESTING_H_
