#ifndef BATON_COMMON_EVENTS_EVENT_LOG_H_
#define BATON_COMMON_EVENTS_EVENT_LOG_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/events/log_notifier.h"
#include "common/storage/commit_queue.h"
#include "common/storage/store.h"
#include "common/time/clock.h"

namespace baton::events {

struct EventLogOptions {
  // The topics of an entry (e.g. the teams an event concerns), for readers
  // that wait for one topic only (see LogNotifier). Default: none.
  TopicsFn topics;
  // Time of the readers' timers (stall checks). Default: Clock::Real().
  const Clock* clock = nullptr;
};

// A service's event log (its outbox): events are appended by mutations in
// the same batch as the change they record (Transaction::Append(writer(),…)),
// and read back in order by sequence number. Readers that have caught up
// wait on notifier(), which wakes them off the write path.
//
// Keys: the big-endian sequence number (1, 2, 3, …). Metadata (the epoch)
// lives in the same column family under AppendLog::Key(0) + name: sequence
// 0 is never assigned, and these keys sort between it and sequence 1, so
// they are never read as events nor found by SeekToLast while events exist.
//
// The epoch is a random 128-bit id (32 lowercase hex digits) made with the
// log and kept in it. A consumer stores it with its checkpoint and sends it
// back when it resumes (CheckResume): a log that was wiped, or replaced by a
// restored backup, has another epoch, so the consumer learns that its
// checkpoint is not a position in this log — without it, sequence numbers
// reused after a restore would silently skip or repeat history.
//
// Thread-safe.
class EventLog {
 public:
  using Entry = LogEntry;

  // Opens the log kept in column family `cf_name` of `store`, creating its
  // epoch when it has none (new logs, and logs from before epochs).
  // DATA_LOSS when a key is malformed; the store's errors otherwise.
  static absl::StatusOr<std::unique_ptr<EventLog>> Open(storage::Store* store,
                                                        absl::string_view cf_name,
                                                        EventLogOptions options = {});
  // Closes the log (see Close) and stops the notifier. Destroy it after
  // every stream reading it has ended and after the commit queue writing it.
  ~EventLog();

  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // For Transaction::Append.
  storage::AppendLog* writer() { return &writer_; }
  // The highest durable sequence number; 0 when the log is empty.
  uint64_t last_sequence() const { return writer_.last_committed(); }

  // Appends to `out` up to `max` entries with sequence > `after`, in order,
  // never past last_sequence().
  absl::Status Read(uint64_t after, size_t max, std::vector<Entry>* out) const;

  // The log's epoch (see above).
  std::string epoch() const;
  // Gives the log a new epoch, durably. A restore from a backup (a RocksDB
  // checkpoint keeps the epoch it was taken with) must call this before
  // serving: the restored log reuses sequence numbers the lost one had
  // already handed out, for other events. Streams already open keep the
  // epoch they started with.
  absl::Status RotateEpoch();

  // Whether a consumer may resume after `after`, with `epoch` as it stored
  // it ("" when it has none): INVALID_ARGUMENT when `epoch` is not an epoch;
  // FAILED_PRECONDITION (reason EPOCH_MISMATCH, metadata `epoch`) when it is
  // not this log's; OUT_OF_RANGE (reason AFTER_END_OF_LOG, metadata
  // `last_sequence` and `epoch`) when `after` > last_sequence().
  absl::Status CheckResume(uint64_t after, absl::string_view epoch) const;

  // The topics of `entry` (none when the log has no topics function).
  void TopicsOf(const Entry& entry, std::vector<std::string>* topics) const;

  // Wakes readers when the log grows; runs their timers.
  LogNotifier* notifier() { return notifier_.get(); }
  // Wakes every waiting reader; later waits return 0, so tailing streams
  // end. For shutdown.
  void Close() { notifier_->Close(); }
  bool closed() const { return notifier_->closed(); }

  // The key of a metadata entry `name` (see above). For tests and tools.
  static std::string MetadataKey(absl::string_view name);

 private:
  EventLog(storage::Store* store, rocksdb::ColumnFamilyHandle* cf, uint64_t last, std::string epoch,
           EventLogOptions options);
  // Stores `epoch` durably.
  static absl::Status WriteEpoch(storage::Store* store, rocksdb::ColumnFamilyHandle* cf,
                                 const std::string& epoch);

  storage::Store* const store_;
  storage::AppendLog writer_;
  const EventLogOptions options_;

  mutable absl::Mutex epoch_mu_;
  std::string epoch_ ABSL_GUARDED_BY(epoch_mu_);

  // Last: destroyed (joined) first, since its thread reads through this.
  std::unique_ptr<LogNotifier> notifier_;
};

}  // namespace baton::events

#endif  // BATON_COMMON_EVENTS_EVENT_LOG_H_
