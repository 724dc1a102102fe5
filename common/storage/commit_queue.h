#ifndef BATON_COMMON_STORAGE_COMMIT_QUEUE_H_
#define BATON_COMMON_STORAGE_COMMIT_QUEUE_H_

// The write path. Every state change is a Mutation: a function that reads
// what it needs through a Transaction and stages its writes there. One
// committer thread takes all pending mutations at once, runs them one after
// another (each sees the writes of those before it), and writes the whole
// group as one RocksDB batch. So:
//   - mutations are serialisable without locks (one thread decides them);
//   - many calls share each WAL sync (group commit): throughput grows with
//     the number of calls in flight instead of being one sync per call;
//   - gRPC threads never block on disk: they submit and return, and the
//     call is finished once its group is durable.
//
// Four threads form a pipeline, so deciding, writing, syncing and answering
// overlap:
//   baton-commit  decides a group into a WriteBatchWithIndex and goes on to
//                 the next, which reads through the batches not yet written;
//   baton-write   writes each group to RocksDB WITHOUT syncing (WAL append,
//                 memtable insert);
//   baton-sync    syncs the WAL once for every group written since the last
//                 sync, then publishes the durable snapshot and the event
//                 logs' new ends;
//   baton-answer  runs the groups' `done` callbacks, in commit order.
// No one else sees a group before it is durable: calls are answered after
// the sync, queries read the durable snapshot (Store::DurableReads), event
// logs serve up to last_committed(). A later group may have been decided on
// an earlier one's unsynced writes; the WAL is sequential, so a sync that
// covers it covers them too, and a crash loses a suffix of unanswered
// groups, never a middle. A failed write or WAL sync is fatal (the process
// aborts and recovers from the WAL): later groups were decided on it, and
// after a failed sync what the OS holds of the file is unknown, so carrying
// on could acknowledge writes that are not on disk.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
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
  // Called (on the sync thread) after each sync that advanced the log, with
  // the new last_committed(). Set once, before the first commit.
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

// What a Mutation sees: the database as left by every mutation decided
// before it — its own writes, then its group's, then those of earlier groups
// still on their way to the database, then the database. Used on the
// committer thread only.
class CommitQueue;

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
  // Batches decided but not yet written to the database, newest first.
  // Decided batches are only read (RocksDB's read API is non-const).
  using Unwritten = std::vector<std::shared_ptr<rocksdb::WriteBatchWithIndex>>;

  Transaction(Store* store, CommitQueue* queue, rocksdb::WriteBatchWithIndex* batch,
              const Unwritten* unwritten, absl::Time now)
      : store_(store), queue_(queue), batch_(batch), unwritten_(unwritten), now_(now) {}

  Store* store_;
  CommitQueue* queue_;
  rocksdb::WriteBatchWithIndex* batch_;
  const Unwritten* unwritten_;
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

  // Queues `mutation`; `done` runs with its outcome on the answer thread,
  // in commit order, after the change is durable. After Stop(), `done` gets UNAVAILABLE at once, on
  // the caller's thread. `done` must not block.
  void Submit(Mutation mutation, Done done);

  // Submits and waits for the outcome (tools, tests, startup).
  absl::Status Run(Mutation mutation);

  // Runs what is queued, then refuses new work. Idempotent.
  void Stop();

  // Groups and mutations made durable since start, for metrics and benches.
  uint64_t groups_committed() const { return groups_.load(std::memory_order_relaxed); }
  uint64_t mutations_committed() const { return mutations_.load(std::memory_order_relaxed); }

 private:
  struct Pending {
    Mutation mutation;
    Done done;
  };
  // A decided group on its way through the pipeline.
  struct Group {
    std::vector<Pending> calls;
    std::vector<absl::Status> results;
    // What it decided to write; null when every mutation failed.
    std::shared_ptr<rocksdb::WriteBatchWithIndex> batch;
    bool wrote = false;  // whether its batch was written (then it needs a sync)
    // The state right after this group's batch; published once it is synced.
    std::shared_ptr<const rocksdb::Snapshot> snapshot;
    // Each log this group appended to, with its last sequence number.
    std::vector<std::pair<AppendLog*, uint64_t>> log_ends;
  };
  // A hand-off between two stages of the pipeline.
  class Stage {
   public:
    void Push(Group group);
    // Waits for groups; false once Close was called and all were taken.
    bool TakeAll(std::deque<Group>* out);
    void Close();

   private:
    absl::Mutex mu_;
    std::deque<Group> groups_ ABSL_GUARDED_BY(mu_);
    bool closed_ ABSL_GUARDED_BY(mu_) = false;
  };

  friend class Transaction;
  void CommitLoop();
  Group Decide(std::vector<Pending> calls);
  void WriteLoop();
  // Blocks the committer until every decided batch is in the database.
  void WaitUntilWritten();
  void SyncLoop();
  void AnswerLoop();

  Store* const store_;
  const Clock* const clock_;
  const CommitQueueOptions options_;

  absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  // Decided batches not yet in the database, oldest first.
  absl::Mutex unwritten_mu_;
  std::deque<std::shared_ptr<rocksdb::WriteBatchWithIndex>> unwritten_
      ABSL_GUARDED_BY(unwritten_mu_);

  Stage to_write_;
  Stage to_sync_;
  Stage to_answer_;

  std::atomic<uint64_t> groups_{0};
  std::atomic<uint64_t> mutations_{0};
  // Started last, joined first.
  std::thread answer_thread_;
  std::thread sync_thread_;
  std::thread write_thread_;
  std::thread commit_thread_;
};

}  // namespace baton::storage

#endif  // BATON_COMMON_STORAGE_COMMIT_QUEUE_H_
