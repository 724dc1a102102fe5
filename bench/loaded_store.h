#ifndef BATON_BENCH_LOADED_STORE_H_
#define BATON_BENCH_LOADED_STORE_H_

// A rating store holding a synthetic history (synthetic_history.h), loaded
// through the rating service's own apply path and served by it: a
// ModuleHost with one RatingModule whose consumers read the generated
// handoff and feedback logs (EventConsumer → CommitQueue → ApplyEvents →
// HandoffApplier / FeedbackApplier, batches of `max_batch` events), and
// its RatingService on 127.0.0.1:0 behind the real authenticator.
//
// A directory loaded before is reopened and the consumers resume from
// their checkpoints: complete, it is served at once; interrupted, the load
// goes on where it stopped.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/synthetic_history.h"
#include "common/server/module_host.h"
#include "services/rating/rating_module.h"

namespace baton::bench {

struct LoadedStoreOptions {
  HistoryShape shape;
  // The store's directory (created when missing). Required.
  std::string path;
  // File with the HS256 secret callers' tokens are verified with. Required.
  std::string key_file;
  // Events per consumer batch (one CommitQueue mutation). Default: as
  // production (RatingModuleOptions).
  size_t max_batch = 256;
  // Sync the WAL on each commit, as production does. Default: true.
  bool sync = true;
  // After the load, ask for a full compaction of the rollups (CompactRange,
  // bottommost level forced), to merge their operands into values. It
  // has been seen to leave them as they were: LoadReport says what is left.
  // Default: false (the store as the load left it, compactions finished).
  bool compact = false;
  // Called every `progress_every` while loading, with the handoff log's
  // events applied so far.
  std::function<void(uint64_t applied)> on_progress;
  absl::Duration progress_every = absl::Seconds(10);
};

struct LoadReport {
  // Events applied in this run (both logs), and how long that took: from
  // the start of serving until both consumers had caught up.
  uint64_t events_applied = 0;
  absl::Duration load_time;
  // Every file under the directory after the load, once flushed.
  uint64_t bytes_on_disk = 0;
  // The rollups' SST files, their entries, and how many of those are merge
  // operands (not yet merged into a value: each read of one merges).
  uint64_t rollup_tables = 0;
  uint64_t rollup_entries = 0;
  uint64_t rollup_operands = 0;
};

class LoadedStore {
 public:
  // Opens the store and starts serving and consuming; Load() waits for the
  // consumers. Errors: ModuleHost's.
  static absl::StatusOr<std::unique_ptr<LoadedStore>> Open(LoadedStoreOptions options);
  ~LoadedStore();

  // Waits until both logs are applied to their ends, then flushes the
  // memtables and waits for RocksDB's compactions (and, with `compact`,
  // compacts the rollups fully), so that reads find the store at rest. FAILED_PRECONDITION when a
  // consumer failed (its error: e.g. EPOCH_MISMATCH for a directory
  // loaded with another shape).
  absl::StatusOr<LoadReport> Load();

  int port() const { return host_->port(); }
  const storage::Store& store() const { return *host_->store(); }
  const HistoryShape& shape() const { return options_.shape; }

 private:
  LoadedStore(LoadedStoreOptions options, std::unique_ptr<server::ModuleHost> host,
              rating::RatingModule* module)
      : options_(std::move(options)), host_(std::move(host)), module_(module) {}

  const LoadedStoreOptions options_;
  std::unique_ptr<server::ModuleHost> host_;
  rating::RatingModule* const module_;  // owned by host_
  uint64_t applied_at_open_ = 0;
};

}  // namespace baton::bench

#endif  // BATON_BENCH_LOADED_STORE_H_
