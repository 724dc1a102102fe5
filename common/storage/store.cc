#include "common/storage/store.h"

#include <cstdlib>
#include <iostream>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"

namespace baton::storage {

absl::StatusOr<std::unique_ptr<Store>> Store::Open(StoreOptions options) {
  if (options.path.empty()) return absl::InvalidArgumentError("store path is empty");

  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  // One thread writes (CommitQueue), so RocksDB's own write grouping and
  // pipelining have nothing to group; its plain write path is the cheapest.
  db_options.keep_log_file_num = 10;

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

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &raw);
  if (!s.ok()) {
    absl::Status st = FromRocksDb(s);
    return absl::Status(st.code(), absl::StrCat("opening ", options.path, ": ", st.message()));
  }
  auto store = std::unique_ptr<Store>(new Store());
  store->db_.reset(raw);
  for (auto* h : handles) store->handles_[h->GetName()] = h;
  store->sync_ = options.sync;
  return store;
}

Store::~Store() {
  if (!db_) return;
  PublishDurable(nullptr);
  for (auto& [name, handle] : handles_) db_->DestroyColumnFamilyHandle(handle);
  db_->Close();
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
