#ifndef BATON_COMMON_STORAGE_STORE_H_
#define BATON_COMMON_STORAGE_STORE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/message_lite.h"
#include "rocksdb/db.h"
#include "rocksdb/merge_operator.h"

namespace baton::storage {

inline rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

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
  // and experiments.
  bool sync = true;
  // Block cache size. Default: 64 MiB.
  size_t block_cache_bytes = 64 << 20;
};

// One RocksDB database with named column families and protobuf values.
// Thread-safe: RocksDB serialises writers itself; reads never lock.
class Store {
 public:
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
  // false). Until a batch is
  // synced, only the committer may act on it: other readers use
  // DurableReads.
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
  Store() = default;

  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> handles_;
  bool sync_ = true;
  mutable absl::Mutex durable_mu_;
  // nullptr until the first publish: then everything stored is durable.
  std::shared_ptr<const rocksdb::Snapshot> durable_ ABSL_GUARDED_BY(durable_mu_);
};

}  // namespace baton::storage

#endif  // BATON_COMMON_STORAGE_STORE_H_
