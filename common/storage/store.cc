#include "common/storage/store.h"

#include <cstdlib>
#include <iostream>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/rocksdb_logger.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/listener.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"

namespace baton::storage {
namespace {

// Keeps recovery from a failed write in Baton's hands (Store::Recover,
// called by the CommitQueue with backoff), and recoverable.
//
// RocksDB would otherwise start its own recovery from a no-space error (its
// SstFileManager polls the free space), and while that runs DB::Resume()
// answers Busy: two recoveries racing, one of them blind to which groups
// the queue must fail. So automatic recovery is switched off (here, and
// for retryable errors with max_bgerror_resume_count = 0).
//
// RocksDB holds an I/O error of the WAL as fatal (Resume refuses it) unless
// it is "no space" on a write; and when Resume itself runs into the full
// disk while switching to a new WAL file, it records that as fatal too — one
// recovery attempt a moment too early would need a restart. RocksDB is
// cautious there because in general the application goes on writing to a
// WAL whose tail is unknown. Here no write follows until Resume succeeded,
// and Resume flushes every memtable into new synced SST files and writes to
// a new WAL file: the failed file is not needed any more, whatever it holds.
// So I/O errors of the WAL (writing, syncing, switching: kWriteCallback,
// kMemTable) that RocksDB calls fatal are made "hard", which Resume clears.
// Errors of flushes, compactions and the MANIFEST, corruption, and what
// RocksDB calls unrecoverable (a file system reporting lost data) keep
// RocksDB's severity: only a restart clears those.
class RecoveryListener final : public rocksdb::EventListener {
 public:
  const char* Name() const override { return "BatonRecoveryListener"; }

  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) override {
    const bool wal = reason == rocksdb::BackgroundErrorReason::kWriteCallback ||
                     reason == rocksdb::BackgroundErrorReason::kMemTable;
    if (wal && error->IsIOError() && error->severity() == rocksdb::Status::Severity::kFatalError) {
      *error = rocksdb::Status(*error, rocksdb::Status::Severity::kHardError);
    }
    log::Error("storage: RocksDB stopped accepting writes",
               {{"reason", static_cast<int>(reason)},
                {"severity", static_cast<int>(error->severity())},
                {"error", error->ToString()}});
  }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status,
                            bool* auto_recovery) override {
    *auto_recovery = false;
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::Open(StoreOptions options) {
  if (options.path.empty()) return absl::InvalidArgumentError("store path is empty");

  rocksdb::Options db_options;
  if (options.env != nullptr) db_options.env = options.env.get();
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  // RocksDB's info log goes to Baton's log, never to a LOG file in the data
  // directory (see RocksDbLogger): with info_log set, RocksDB creates no
  // LOG file, so keep_log_file_num (how many old LOG files to keep) has
  // nothing to keep; 1 says so should the logger ever be unset.
  db_options.info_log = std::make_shared<RocksDbLogger>();
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db_options.keep_log_file_num = 1;
  // Recovery from a failed write is the CommitQueue's (see
  // RecoveryListener): RocksDB's own background resume of "retryable" I/O
  // errors is off too.
  db_options.listeners.push_back(std::make_shared<RecoveryListener>());
  db_options.max_bgerror_resume_count = 0;
  // The WAL is bounded (see StoreOptions::max_total_wal_bytes). Rarely
  // written column families (the org, the request ledger) would otherwise
  // keep the oldest WAL file alive until their 64 MiB memtable fills, and
  // every file after it with it.
  db_options.max_total_wal_size = options.max_total_wal_bytes;
  // A WAL file whose data is in SST files is deleted, not reused: a
  // recycled file still holds the old records past the new tail, and the
  // crash model of the power-loss test (a file keeps what was synced)
  // would not hold for it. fdatasync on a fresh file costs a little more.
  db_options.recycle_log_file_num = 0;
  // Obsolete WAL files are deleted at once, not archived (archiving is for
  // replication, which Baton does not do).
  db_options.WAL_ttl_seconds = 0;
  db_options.WAL_size_limit_MB = 0;
  // Recovery flushes what it replays from the WAL into SST files, which
  // RocksDB syncs together with the MANIFEST before Open returns: see the
  // Flush after opening for why that matters. A clean close flushes too, so
  // a restart after one replays nothing.
  db_options.avoid_flush_during_recovery = false;
  db_options.avoid_flush_during_shutdown = false;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  // Mutations probe for keys that are mostly absent (request ids, external
  // references, attempt counters): Bloom filters answer those without a
  // search, in the memtable and in SST files.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf_base;
  cf_base.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_base.memtable_whole_key_filtering = true;
  cf_base.memtable_prefix_bloom_size_ratio = 0.02;

  std::set<std::string> names = {rocksdb::kDefaultColumnFamilyName};
  names.insert(options.column_families.begin(), options.column_families.end());
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, options.path, &existing).ok()) {
    names.insert(existing.begin(), existing.end());
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    rocksdb::ColumnFamilyOptions cf_options = cf_base;
    if (auto it = options.merge_operators.find(name); it != options.merge_operators.end()) {
      cf_options.merge_operator = it->second;
    }
    descriptors.emplace_back(name, cf_options);
  }

  // RocksDB creates a missing directory too, but logs an error first.
  rocksdb::Env* env = db_options.env;
  if (rocksdb::Status s = env->CreateDirIfMissing(options.path); !s.ok()) {
    absl::Status st = FromRocksDb(s);
    return absl::Status(st.code(), absl::StrCat("creating ", options.path, ": ", st.message()));
  }

  auto store = std::unique_ptr<Store>(new Store());
  store->env_ = std::move(options.env);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &raw);
  if (!s.ok()) {
    absl::Status st = FromRocksDb(s);
    return absl::Status(st.code(), absl::StrCat("opening ", options.path, ": ", st.message()));
  }
  store->db_.reset(raw);
  for (auto* h : handles) store->handles_[h->GetName()] = h;
  store->sync_ = options.sync;

  // What the WAL replayed may have been only in the page cache: the process
  // died after writing a group and before its sync, and the kernel kept the
  // file. Queries read it from now on, so it must be durable before the
  // first one: a power cut after a client saw a value must not take the
  // value back. Recovery already flushed it (avoid_flush_during_recovery is
  // false); this flush is the guarantee should that ever change, and costs
  // nothing when the memtables are empty.
  if (absl::Status flushed = store->FlushAll(); !flushed.ok()) {
    return absl::Status(flushed.code(),
                        absl::StrCat("opening ", options.path, ": ", flushed.message()));
  }
  store->PublishDurable(store->TakeSnapshot());
  return store;
}

Store::~Store() {
  if (!db_) return;
  const CommitQueue* queue = queue_.load();
  if (queue != nullptr) {
    std::cerr << "baton: a Store was destroyed while its CommitQueue was still running\n";
    std::abort();
  }
  PublishDurable(nullptr);
  for (auto& [name, handle] : handles_) db_->DestroyColumnFamilyHandle(handle);
  db_->Close();
  db_.reset();
}

void Store::AttachCommitQueue(const CommitQueue* queue) {
  const CommitQueue* none = nullptr;
  if (!queue_.compare_exchange_strong(none, queue)) {
    std::cerr << "baton: one CommitQueue per Store: a second committer would decide mutations "
                 "on state the first has not written and reuse its event sequence numbers\n";
    std::abort();
  }
}

void Store::DetachCommitQueue(const CommitQueue* queue) {
  const CommitQueue* expected = queue;
  queue_.compare_exchange_strong(expected, nullptr);
}

rocksdb::ColumnFamilyHandle* Store::cf(absl::string_view name) const {
  auto it = handles_.find(name);
  if (it == handles_.end()) {
    std::cerr << "baton: column family '" << name << "' was not opened\n";
    std::abort();
  }
  return it->second;
}

absl::StatusOr<std::optional<std::string>> Store::Get(rocksdb::ColumnFamilyHandle* cf,
                                                      absl::string_view key) const {
  std::string value;
  std::shared_ptr<const rocksdb::Snapshot> pin;
  rocksdb::Status s = db_->Get(DurableReads(&pin), cf, ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocksDb(s);
  return value;
}

absl::StatusOr<bool> Store::GetProto(rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                                     google::protobuf::MessageLite* out) const {
  ASSIGN_OR_RETURN(std::optional<std::string> value, Get(cf, key));
  if (!value) return false;
  if (!out->ParseFromString(*value)) {
    return absl::DataLossError(
        absl::StrCat("stored ", out->GetTypeName(), " in ", cf->GetName(), " does not parse"));
  }
  return true;
}

absl::Status Store::WriteNoSync(rocksdb::WriteBatch* batch) {
  return FromRocksDb(db_->Write(rocksdb::WriteOptions(), batch));
}

absl::Status Store::SyncWal() {
  if (!sync_) return absl::OkStatus();
  return FromRocksDb(db_->SyncWAL());
}

absl::Status Store::FlushAll() {
  std::vector<rocksdb::ColumnFamilyHandle*> all;
  for (auto& [name, handle] : handles_) all.push_back(handle);
  rocksdb::FlushOptions flush;
  flush.wait = true;
  // Nothing else writes meanwhile (start-up, or the committer recovering):
  // waiting for a stall to clear would only delay.
  flush.allow_write_stall = true;
  return FromRocksDb(db_->Flush(flush, all));
}

absl::Status Store::Recover() {
  // Resume clears the background error RocksDB set when the write or sync
  // failed (for a no-space error it is a "hard" error, which Resume clears;
  // an error RocksDB holds fatal or unrecoverable stays, and Resume says
  // so). It flushes the memtables, which also moves writing to a new WAL
  // file: the old one may end in a torn record, and its writer refuses
  // every later append once it has seen an error.
  if (rocksdb::Status s = db_->Resume(); !s.ok()) {
    absl::Status st = FromRocksDb(s);
    // Say so when retrying cannot help (a flush or the MANIFEST failed
    // with an I/O error, or data is corrupt): the server stays NOT_SERVING
    // until someone restarts it.
    const bool fatal = s.severity() >= rocksdb::Status::Severity::kFatalError;
    return absl::Status(st.code(),
                        absl::StrCat("resuming writes: ", st.message(),
                                     fatal ? " (RocksDB holds this error as fatal: only a restart "
                                             "clears it)"
                                           : ""));
  }
  // Resume does nothing when RocksDB recorded no background error (say, a
  // sync that failed without one). Either way the memtables may hold
  // batches whose WAL sync failed: they are readable now, so make them
  // durable before anyone reads them (a flush writes and syncs SST files
  // and the MANIFEST) and publish that state. Reopening the database would
  // do the same through WAL replay, but every column family handle, and
  // every reader holding one, would have to be replaced while queries run.
  if (absl::Status flushed = FlushAll(); !flushed.ok()) {
    return absl::Status(flushed.code(), absl::StrCat("flushing after resume: ", flushed.message()));
  }
  PublishDurable(TakeSnapshot());
  return absl::OkStatus();
}

rocksdb::ReadOptions Store::DurableReads(std::shared_ptr<const rocksdb::Snapshot>* pin) const {
  {
    absl::MutexLock lock(&durable_mu_);
    *pin = durable_;
  }
  rocksdb::ReadOptions options;
  options.snapshot = pin->get();
  return options;
}

std::shared_ptr<const rocksdb::Snapshot> Store::TakeSnapshot() {
  rocksdb::DB* db = db_.get();
  return std::shared_ptr<const rocksdb::Snapshot>(
      db->GetSnapshot(), [db](const rocksdb::Snapshot* s) { db->ReleaseSnapshot(s); });
}

void Store::PublishDurable(std::shared_ptr<const rocksdb::Snapshot> snapshot) {
  std::shared_ptr<const rocksdb::Snapshot> old;  // released outside the lock
  absl::MutexLock lock(&durable_mu_);
  old = std::exchange(durable_, std::move(snapshot));
}

absl::Status Store::Checkpoint(const std::string& dir) {
  rocksdb::Checkpoint* raw = nullptr;
  RETURN_IF_ERROR(FromRocksDb(rocksdb::Checkpoint::Create(db_.get(), &raw)));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocksDb(checkpoint->CreateCheckpoint(dir));
}

}  // namespace baton::storage
