#include "bench/loaded_store.h"

#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/authenticator_config.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "rocksdb/table_properties.h"
#include "services/rating/rating_keys.h"

namespace baton::bench {
namespace {

uint64_t DirectoryBytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path, error)) {
    if (entry.is_regular_file(error)) total += entry.file_size(error);
  }
  return total;
}

uint64_t Applied(const rating::RatingModule& module) {
  return module.handoff_consumer().Status().applied_sequence +
         module.feedback_consumer().Status().applied_sequence;
}

// What the consumers' checkpoints say was applied before (0 for a new store).
absl::StatusOr<uint64_t> CheckpointedEvents(const storage::Store& store) {
  uint64_t total = 0;
  for (const char* source : {kHandoffSourceName, kFeedbackSourceName}) {
    common::v1::EventPosition position;
    ASSIGN_OR_RETURN(bool found, store.GetProto(store.cf(rating::kCheckpointsCf),
                                                rating::CheckpointRecordKey(source), &position));
    if (found) total += position.sequence();
  }
  return total;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LoadedStore>> LoadedStore::Open(LoadedStoreOptions options) {
  ASSIGN_OR_RETURN(std::unique_ptr<auth::Authenticator> authenticator,
                   auth::MakeAuthenticator({.key_file = options.key_file}, Clock::Real()));
  const HistoryShape shape = options.shape;
  auto module = std::make_unique<rating::RatingModule>(rating::RatingModuleOptions{
      .handoff_source = [shape]() -> absl::StatusOr<std::unique_ptr<events::EventSource>> {
        return HandoffHistory(shape);
      },
      .feedback_source = [shape]() -> absl::StatusOr<std::unique_ptr<events::EventSource>> {
        return FeedbackHistory(shape);
      },
      .time_zone = "UTC",
      .max_batch = options.max_batch});
  rating::RatingModule* raw = module.get();
  server::ModuleHostOptions host_options;
  host_options.store.path = options.path;
  host_options.store.sync = options.sync;
  host_options.server.address = "127.0.0.1:0";
  std::vector<std::unique_ptr<server::ServiceModule>> modules;
  modules.push_back(std::move(module));
  ASSIGN_OR_RETURN(std::unique_ptr<server::ModuleHost> host,
                   server::ModuleHost::Open(std::move(host_options), std::move(authenticator),
                                            std::move(modules)));
  std::unique_ptr<LoadedStore> store(new LoadedStore(std::move(options), std::move(host), raw));
  // The consumers resume from their checkpoints: what was applied before
  // this run is not part of this run's load.
  ASSIGN_OR_RETURN(store->applied_at_open_, CheckpointedEvents(*store->host_->store()));
  RETURN_IF_ERROR(store->host_->Start());
  return store;
}

LoadedStore::~LoadedStore() {
  if (host_) host_->Shutdown();
}

absl::StatusOr<LoadReport> LoadedStore::Load() {
  const absl::Time start = absl::Now();
  for (const events::EventConsumer* consumer :
       {&module_->handoff_consumer(), &module_->feedback_consumer()}) {
    while (true) {
      const bool settled = consumer->AwaitStatus(
          [](const events::ConsumerStatus& s) {
            return s.caught_up || s.state == events::ConsumerState::kFailed;
          },
          absl::Now() + options_.progress_every);
      const events::ConsumerStatus status = consumer->Status();
      if (status.state == events::ConsumerState::kFailed) {
        return absl::FailedPreconditionError(
            absl::StrCat("loading ", status.source, " failed: ", status.error));
      }
      if (settled) break;
      if (options_.on_progress) {
        options_.on_progress(module_->handoff_consumer().Status().applied_sequence);
      }
    }
  }
  LoadReport report;
  report.load_time = absl::Now() - start;
  report.events_applied = Applied(*module_) - applied_at_open_;
  // At rest: memtables flushed, no compaction running or pending.
  const storage::Store& store = *host_->store();
  rocksdb::DB* db = store.db();
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  for (const std::string& name : rating::RatingColumnFamilies()) cfs.push_back(store.cf(name));
  RETURN_IF_ERROR(FromRocksDb(db->Flush(rocksdb::FlushOptions(), cfs)));
  if (options_.compact) {
    rocksdb::CompactRangeOptions all;
    all.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    RETURN_IF_ERROR(
        FromRocksDb(db->CompactRange(all, store.cf(rating::kRollupsCf), nullptr, nullptr)));
  }
  // RocksDB 7.8 has no call that waits for compactions (WaitForCompact
  // came in 8.x): poll its counters.
  uint64_t busy = 1;
  while (busy > 0) {
    uint64_t running = 0, pending = 0;
    db->GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions, &running);
    db->GetIntProperty(rocksdb::DB::Properties::kCompactionPending, &pending);
    busy = running + pending;
    if (busy > 0) absl::SleepFor(absl::Milliseconds(100));
  }
  report.bytes_on_disk = DirectoryBytes(options_.path);
  // Operands are what a read must merge (a flush collapses a key's operands
  // into one, still an operand, until a bottommost compaction).
  rocksdb::TablePropertiesCollection tables;
  RETURN_IF_ERROR(FromRocksDb(db->GetPropertiesOfAllTables(store.cf(rating::kRollupsCf), &tables)));
  for (const auto& [file, properties] : tables) {
    report.rollup_entries += properties->num_entries;
    report.rollup_operands += properties->num_merge_operands;
  }
  report.rollup_tables = tables.size();
  return report;
}

}  // namespace baton::bench
