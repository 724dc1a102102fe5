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
// groups, never a middle.
//
// Admission. The queue holds at most `max_pending` mutations (admitted, not
// yet answered); past that a new mutation is refused at once with
// RESOURCE_EXHAUSTED (ErrorInfo reason WRITE_QUEUE_FULL). Mutations that
// drain work (Admission::kDrains: accepting or returning a handoff, the
// overdue timer) are admitted up to twice the bound, so a full queue still
// lets the work that empties it through, and memory stays bounded.
//
// Disk failures. When a write or a WAL sync fails (a full disk, an I/O
// error), the group that failed, every group decided after it (they may
// rest on it) and every group not yet synced fail with UNAVAILABLE (reason
// STORAGE_UNAVAILABLE): none is acknowledged. Whether their changes
// survive is unknown to the caller — either way, a retry with the same
// request_id is safe. The queue then stops serving: new mutations get
// UNAVAILABLE at once, on_health(false) is called, and the committer tries
// Store::Recover with exponential backoff until the disk takes writes
// again. Then the in-memory state is set to what the database holds (each
// event log's next sequence number is what is really in the log; batches
// not written are dropped; the durable snapshot is republished),
// on_health(true) is called and the queue serves again — no restart.
// Acknowledged writes are never lost: they were synced before the failure.
// Each failed attempt is logged. An error RocksDB holds as fatal (an I/O
// error of a flush or of the MANIFEST, corruption) no retry clears: the
// queue keeps refusing, NOT_SERVING, until the server is restarted.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/storage/store.h"
#include "common/time/clock.h"
#include "google/protobuf/message_lite.h"
#include "rocksdb/utilities/write_batch_with_index.h"

namespace baton::storage {

class CommitQueue;

// An append-only, sequence-numbered column family (an event log, the outbox
// of a service). Keys are big-endian sequence numbers 1, 2, 3, … without
// gaps; the committer assigns them, so their order is the commit order.
class AppendLog {
 public:
  // `last_sequence` is the highest key on disk (0 for an empty log).
  AppendLog(rocksdb::ColumnFamilyHandle* cf, uint64_t last_sequence)
      : cf_(cf), last_assigned_(last_sequence), last_committed_(last_sequence) {}
  // A log may go before the queue that appended to it, once every mutation
  // appending to it was answered.
  ~AppendLog();

  AppendLog(const AppendLog&) = delete;
  AppendLog& operator=(const AppendLog&) = delete;

  rocksdb::ColumnFamilyHandle* cf() const { return cf_; }
  // The highest sequence number that is durable and readable. Thread-safe.
  uint64_t last_committed() const { return last_committed_.load(std::memory_order_acquire); }
  // Called (on the sync thread, or on the committer after recovering from a
  // disk failure) with the new last_committed() each time it advances. Set
  // once, before the first commit.
  void set_on_commit(std::function<void(uint64_t)> fn) { on_commit_ = std::move(fn); }

  // The key of a sequence number.
  static std::string Key(uint64_t sequence);
  // The highest sequence number stored in `cf` as `db` reads now; 0 when
  // empty. DATA_LOSS for a malformed key.
  static absl::StatusOr<uint64_t> LastOnDisk(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf);

 private:
  friend class CommitQueue;
  rocksdb::ColumnFamilyHandle* cf_;
  uint64_t last_assigned_;  // committer thread only
  std::atomic<uint64_t> last_committed_;
  std::function<void(uint64_t)> on_commit_;
  // The queue that appended to it (it resets last_assigned_ after a failed
  // write); set by the committer, cleared by the queue's destructor.
  std::atomic<CommitQueue*> queue_{nullptr};
};

// What a Mutation sees: the database as left by every mutation decided
// before it — its own writes, then its group's, then those of earlier groups
// still on their way to the database, then the database. Used on the
// committer thread only.
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

// Which bound a mutation is admitted under (see CommitQueueOptions).
enum class Admission {
  // New work (creating, offering): refused once max_pending are pending.
  kNew,
  // Work that drains what is pending (accepting or returning an offer, the
  // overdue timer): admitted up to 2 × max_pending.
  kDrains,
};

struct CommitQueueOptions {
  // Most mutations in one group (one RocksDB batch). Default: 512.
  size_t max_group = 512;
  // Most mutations pending (admitted and not yet answered) before Submit
  // refuses new ones with RESOURCE_EXHAUSTED; kDrains mutations are refused
  // only past twice this. At the measured 30–50 k durable mutations/s,
  // 10 000 pending is 0.2–0.3 s of work and tens of MB of requests: a
  // caller waiting longer is better told to back off. Default: 10 000.
  size_t max_pending = 10000;
  // Called with false when a disk failure stops the queue serving, and
  // with true when it serves again; never at start (the queue starts
  // serving). Runs on the committer thread; must be quick and must not call
  // into the queue. The server maps it to grpc.health.v1 NOT_SERVING /
  // SERVING. Default: none.
  std::function<void(bool serving)> on_health;
  // After a disk failure, the committer calls Store::Recover at once, then
  // again after recovery_backoff, doubling up to recovery_backoff_max while
  // it keeps failing. The waits are blocked waits on the queue's mutex in
  // real time (the Clock has no waiting), cut short by Stop().
  // Default: 100 ms, 10 s.
  absl::Duration recovery_backoff = absl::Milliseconds(100);
  absl::Duration recovery_backoff_max = absl::Seconds(10);
};

// Thread-safe. One per Store (constructing a second on the same Store
// aborts: two committers would break serialisability and reuse event
// sequence numbers). The destructor stops the committer after running
// everything already submitted.
class CommitQueue {
 public:
  CommitQueue(Store* store, const Clock* clock, CommitQueueOptions options = {});
  ~CommitQueue();

  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // Queues `mutation`; `done` runs with its outcome on the answer thread,
  // in commit order, after the change is durable — or with UNAVAILABLE
  // (reason STORAGE_UNAVAILABLE) when a disk failure kept it from being
  // acknowledged (see the top of this file). Refused at once, with `done`
  // run on the caller's thread and the mutation never run:
  //   RESOURCE_EXHAUSTED (reason WRITE_QUEUE_FULL) past the bound of
  //     `admission` (see CommitQueueOptions::max_pending);
  //   UNAVAILABLE (reason STORAGE_UNAVAILABLE) while the queue is not
  //     serving after a disk failure;
  //   UNAVAILABLE after Stop().
  // `done` must not block.
  void Submit(Mutation mutation, Done done, Admission admission = Admission::kNew);

  // Submits and waits for the outcome (tools, tests, startup).
  absl::Status Run(Mutation mutation, Admission admission = Admission::kNew);

  // Runs what is queued, then refuses new work. Idempotent.
  void Stop();

  // Mutations admitted and not yet answered, for metrics. Thread-safe.
  size_t pending() const { return pending_.load(std::memory_order_relaxed); }
  // False from a disk failure until the queue has recovered. Thread-safe.
  bool serving() const;
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
    // Counts from 1; bumped after each recovery. A disk failure fails every
    // group of its epoch that is not yet synced.
    uint64_t epoch = 0;
    bool wrote = false;  // whether its batch was written (then it needs a sync)
    // Set when the group is not acknowledged: every call gets it.
    absl::Status failure;
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
  friend class AppendLog;
  void CommitLoop();
  Group Decide(std::vector<Pending> calls);
  // Fails `calls` (taken from the queue, never decided) as one group.
  Group Refuse(std::vector<Pending> calls, const absl::Status& cause);
  // After a disk failure: waits for the pipeline to drain, recovers the
  // store with backoff and resets the event logs. False when stopped first.
  bool Recover();
  absl::Status ResetLogs();
  void WriteLoop();
  // Blocks the committer until every decided batch is in the database.
  void WaitUntilWritten();
  void SyncLoop();
  void AnswerLoop();
  // Records that a write or sync of a group of `epoch` failed.
  void Fail(uint64_t epoch, const absl::Status& cause);
  bool FailedEpoch(uint64_t epoch) const {
    return epoch <= failed_epoch_.load(std::memory_order_acquire);
  }
  // Marks `g` not acknowledged.
  void MarkFailed(Group& g);
  void ForgetLog(AppendLog* log);

  Store* const store_;
  const Clock* const clock_;
  const CommitQueueOptions options_;

  mutable absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // The disk failure the queue is recovering from; OK while serving.
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  // Groups handed to the writer and not yet through the sync stage.
  size_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  // Incremented under mu_ (admission), decremented by the answer thread.
  std::atomic<size_t> pending_{0};

  // The newest epoch in which a write or sync failed (0: none).
  std::atomic<uint64_t> failed_epoch_{0};
  uint64_t epoch_ = 1;  // committer thread only

  // Every log appended to through this queue (a handful: one per service).
  absl::Mutex logs_mu_;
  std::vector<AppendLog*> logs_ ABSL_GUARDED_BY(logs_mu_);

  // Decided batches not yet in the database, oldest first.
  absl::Mutex unwritten_mu_;
  std::deque<std::shared_ptr<rocksdb::WriteBatchWithIndex>> unwritten_
      ABSL_GUARDED_BY(unwritten_mu_);

  Stage to_write_;
  Stage to_sync_;
  Stage to_answer_;

  std::atomic<uint64_t> groups_{0};
  std::atomic<uint64_t> mutations_{0};
  // Started in the constructor, last to first; joined first to last.
  std::thread answer_thread_;
  std::thread sync_thread_;
  std::thread write_thread_;
  std::thread commit_thread_;
};

}  // namespace baton::storage

#endif  // BATON_COMMON_STORAGE_COMMIT_QUEUE_H_
