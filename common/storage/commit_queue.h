#ifndef BATON_COMMON_STORAGE_COMMIT_QUEUE_H_
#define BATON_COMMON_STORAGE_COMMIT_QUEUE_H_

// The write path. Every state change is a Mutation: a function that reads
// what it needs through a Transaction and stages its writes there. One
// committer thread takes all pending mutations at once, runs them one after
// another (each sees the writes of those before it), and writes the whole
// group as one RocksDB batch with one WAL sync. So:
//   - mutations are serialisable without locks (one thread decides them);
//   - many calls share each sync (group commit): throughput grows with the
//     number of calls in flight instead of being one sync per call;
//   - gRPC threads never block on disk: they submit and return, and the
//     call is finished once its group is durable.
// The committer thread only decides and writes; a second thread runs the
// groups' `done` callbacks (finishing a gRPC call costs as much as deciding
// it), so the next group is decided while the last one's calls are answered.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/storage/store.h"
#include "common/time/clock.h"
#include "google/protobuf/message_lite.h"
#include "rocksdb/utilities/write_batch_with_index.h"

namespace baton::storage {

// An append-only, sequence-numbered column family (an event log, the outbox
// of a service). Keys are big-endian sequence numbers 1, 2, 3, … without
// gaps; the committer assigns them, so their order is the commit order.
class AppendLog {
 public:
  // `last_sequence` is the highest key on disk (0 for an empty log).
  AppendLog(rocksdb::ColumnFamilyHandle* cf, uint64_t last_sequence)
      : cf_(cf), last_assigned_(last_sequence), last_committed_(last_sequence) {}

  rocksdb::ColumnFamilyHandle* cf() const { return cf_; }
  // The highest sequence number that is durable and readable. Thread-safe.
  uint64_t last_committed() const { return last_committed_.load(std::memory_order_acquire); }
  // Called on the committer thread after each commit that advanced the log,
  // with the new last_committed(). Set once, before the first commit.
  void set_on_commit(std::function<void(uint64_t)> fn) { on_commit_ = std::move(fn); }

  // The key of a sequence number.
  static std::string Key(uint64_t sequence);

 private:
  friend class CommitQueue;
  rocksdb::ColumnFamilyHandle* cf_;
  uint64_t last_assigned_;  // committer thread only
  std::atomic<uint64_t> last_committed_;
  std::function<void(uint64_t)> on_commit_;
};

// What a Mutation sees: the database as left by every mutation committed or
// run before it, plus its own writes. Used on the committer thread only.
class Transaction {
 public:
  absl::StatusOr<std::optional<std::string>> Get(rocksdb::ColumnFamilyHandle* cf,
                                                 absl::string_view key);
  // False when absent; DATA_LOSS when the stored bytes do not parse.
  absl::StatusOr<bool> GetProto(rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                                google::protobuf::MessageLite* out);
  void Put(rocksdb::ColumnFamilyHandle* cf, absl::string_view key, absl::string_view value);
  void PutProto(rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                const google::protobuf::MessageLite& value);
  void Delete(rocksdb::ColumnFamilyHandle* cf, absl::string_view key);
  void Merge(rocksdb::ColumnFamilyHandle* cf, absl::string_view key, absl::string_view operand);
  // Appends `value` to `log`; its sequence number is assigned when the
  // mutation succeeds, in commit order.
  void Append(AppendLog* log, std::string value);

  // The time the committer took for this group; mutations use it as "now".
  absl::Time now() const { return now_; }

 private:
  friend class CommitQueue;
  Transaction(Store* store, rocksdb::WriteBatchWithIndex* batch, absl::Time now)
      : store_(store), batch_(batch), now_(now) {}

  Store* store_;
  rocksdb::WriteBatchWithIndex* batch_;
  absl::Time now_;
  std::vector<std::pair<AppendLog*, std::string>> appends_;
};

// A state change. Returns OK to commit its writes, or an error to discard
// them (nothing it staged is written).
using Mutation = absl::AnyInvocable<absl::Status(Transaction&)>;
// Called once with the outcome: OK only after the change is durable.
using Done = absl::AnyInvocable<void(absl::Status)>;

struct CommitQueueOptions {
  // Most mutations in one group (one RocksDB batch). Default: 512.
  size_t max_group = 512;
};

// Thread-safe. The destructor stops the committer after running everything
// already submitted.
class CommitQueue {
 public:
  CommitQueue(Store* store, const Clock* clock, CommitQueueOptions options = {});
  ~CommitQueue();

  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // Queues `mutation`; `done` runs with its outcome on the completion thread,
  // in commit order. After Stop(), `done` gets UNAVAILABLE at once, on the
  // caller's thread. `done` must not block.
  void Submit(Mutation mutation, Done done);

  // Submits and waits for the outcome (tools, tests, startup).
  absl::Status Run(Mutation mutation);

  // Runs what is queued, then refuses new work. Idempotent.
  void Stop();

  // Groups committed and mutations run since start, for metrics and benches.
  uint64_t groups_committed() const { return groups_.load(std::memory_order_relaxed); }
  uint64_t mutations_committed() const { return mutations_.load(std::memory_order_relaxed); }

 private:
  struct Pending {
    Mutation mutation;
    Done done;
  };
  // A decided group whose calls are to be told their outcome.
  struct Decided {
    std::vector<Pending> group;
    std::vector<absl::Status> results;
  };
  void Loop();
  Decided CommitGroup(std::vector<Pending> group);
  void CompletionLoop();

  Store* const store_;
  const Clock* const clock_;
  const CommitQueueOptions options_;

  absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  absl::Mutex completion_mu_;
  std::deque<Decided> decided_ ABSL_GUARDED_BY(completion_mu_);
  bool committer_done_ ABSL_GUARDED_BY(completion_mu_) = false;

  std::atomic<uint64_t> groups_{0};
  std::atomic<uint64_t> mutations_{0};
  std::thread completion_thread_;
  std::thread thread_;
};

}  // namespace baton::storage

#endif  // BATON_COMMON_STORAGE_COMMIT_QUEUE_H_
