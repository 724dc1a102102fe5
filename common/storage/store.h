#ifndef BATON_COMMON_STORAGE_STORE_H_
#define BATON_COMMON_STORAGE_STORE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/message_lite.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/merge_operator.h"

namespace baton::storage {

inline rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

class CommitQueue;

struct StoreOptions {
  // Directory of the database; created when missing. Required.
  std::string path;
  // Column families besides "default"; each service names its own
  // ("handoff.items", …). Column families found on disk but not named here
  // are opened too, so an older binary never refuses a newer database.
  std::vector<std::string> column_families;
  // Merge operators by column family name, for counters and rollups.
  std::map<std::string, std::shared_ptr<rocksdb::MergeOperator>> merge_operators;
  // Sync the WAL in SyncWal. Default: true (acknowledged writes survive a
  // crash of the machine, not only of the process). False only for tests
  // and experiments: PowerLossTest shows acknowledged writes lost with it.
  bool sync = true;
  // Block cache size. Default: 64 MiB.
  size_t block_cache_bytes = 64 << 20;
  // Most bytes the write-ahead log may hold before RocksDB flushes the
  // column families that keep its oldest file alive, so that file can be
  // deleted (rocksdb max_total_wal_size). Bounds the WAL's disk use and the
  // time a restart spends replaying it (without a bound, 375 000 handoffs
  // left 944 MB and a 4–5 s restart). Lower flushes sooner and smaller:
  // at 64 MiB, flushes and the compactions they caused took ~4.4 µs of CPU
  // per durable offer on the measured 2 cores (bench/README.md). 0 leaves
  // RocksDB's own limit (4 × the memtables of every column family:
  // gigabytes). Default: 256 MiB.
  uint64_t max_total_wal_bytes = 256 << 20;
  // The environment RocksDB runs in (its files, threads and clock); the
  // Store keeps it alive while the database is open. Tests pass one over a
  // fault-injecting or power-loss file system (common/testing). Default:
  // null, RocksDB's default environment.
  std::shared_ptr<rocksdb::Env> env;
};

// One RocksDB database with named column families and protobuf values.
// Thread-safe: RocksDB serialises writers itself; reads never lock.
// RocksDB's info log goes to Baton's log (RocksDbLogger): no LOG file is
// written to the data directory. At most one CommitQueue writes to a Store,
// and the Store outlives it (destroying a Store while its queue runs
// aborts).
class Store {
 public:
  // Opens (creating when missing) the database and recovers its WAL. What
  // the recovery replayed is made durable before Open returns, and the
  // durable snapshot starts there: a query never reads a write a power cut
  // could still undo, also right after start-up. INVALID_ARGUMENT for an
  // empty path; otherwise RocksDB's error (FromRocksDb) naming the path.
  static absl::StatusOr<std::unique_ptr<Store>> Open(StoreOptions options);
  ~Store();

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  // The handle of a column family named in the options; aborts on an unknown
  // name (a programming error, not a runtime condition).
  rocksdb::ColumnFamilyHandle* cf(absl::string_view name) const;

  // Value at `key` in the durable state (see DurableReads), or nullopt when
  // absent.
  absl::StatusOr<std::optional<std::string>> Get(rocksdb::ColumnFamilyHandle* cf,
                                                 absl::string_view key) const;
  // Parses the value at `key` into `out`; false when absent. DATA_LOSS when
  // the stored bytes do not parse.
  absl::StatusOr<bool> GetProto(rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                                google::protobuf::MessageLite* out) const;

  // Writing is in two halves, for group commit (CommitQueue): WriteNoSync
  // writes a batch atomically and makes it visible to reads of the latest
  // state at once; SyncWal then makes everything written so far durable
  // (one fdatasync for many batches; a no-op when StoreOptions::sync is
  // false). Until a batch is synced, only the committer may act on it:
  // other readers use DurableReads. After either fails, RocksDB refuses
  // writes until the CommitQueue has recovered the store (Recover).
  absl::Status WriteNoSync(rocksdb::WriteBatch* batch);
  absl::Status SyncWal();

  // Reads that must never see a write a crash could still undo (queries,
  // answers to clients) go through the durable snapshot: the state as of
  // the last synced batch. `*pin` keeps the snapshot alive and must outlive
  // the reads and iterators made with the returned options.
  rocksdb::ReadOptions DurableReads(std::shared_ptr<const rocksdb::Snapshot>* pin) const;
  // A snapshot of the latest state, released when the last copy goes away.
  std::shared_ptr<const rocksdb::Snapshot> TakeSnapshot();
  // Makes `snapshot` (taken right after a batch that is now synced) the
  // durable snapshot.
  void PublishDurable(std::shared_ptr<const rocksdb::Snapshot> snapshot);

  // A consistent copy of the database at `dir` (RocksDB checkpoint: hard
  // links where possible). `dir` must not exist.
  absl::Status Checkpoint(const std::string& dir);

 private:
  friend class CommitQueue;

  Store() = default;
  // One CommitQueue per Store: a second committer would decide mutations
  // against state the first has not written yet, and both would assign the
  // same event sequence numbers. Aborts when another queue is attached.
  void AttachCommitQueue(const CommitQueue* queue);
  void DetachCommitQueue(const CommitQueue* queue);
  // After a failed WriteNoSync or SyncWal: clears RocksDB's background
  // error (DB::Resume), then flushes every column family's memtable into
  // synced SST files and publishes a durable snapshot of the result. So
  // everything readable afterwards is durable — including batches that
  // were written but whose sync failed (their callers were answered
  // UNAVAILABLE): they survive now, or were never applied. Returns the
  // error of the step that failed (the disk still full; or an error
  // RocksDB holds as fatal, which only a restart clears); call again
  // later. The committer calls it, with no write in flight.
  absl::Status Recover();
  // Flushes every column family's memtable and waits for it.
  absl::Status FlushAll();

  // Declared first, destroyed last: RocksDB uses the environment until the
  // database is closed.
  std::shared_ptr<rocksdb::Env> env_;
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> handles_;
  bool sync_ = true;
  std::atomic<const CommitQueue*> queue_{nullptr};
  mutable absl::Mutex durable_mu_;
  // Set by Open and by every publish afterwards; null only while closing.
  std::shared_ptr<const rocksdb::Snapshot> durable_ ABSL_GUARDED_BY(durable_mu_);
};

}  // namespace baton::storage

#endif  // BATON_COMMON_STORAGE_STORE_H_
