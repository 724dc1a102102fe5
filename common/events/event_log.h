#ifndef BATON_COMMON_EVENTS_EVENT_LOG_H_
#define BATON_COMMON_EVENTS_EVENT_LOG_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/storage/commit_queue.h"
#include "common/storage/store.h"

namespace baton::events {

// A service's event log (its outbox): events are appended by mutations in
// the same batch as the change they record (Transaction::Append(writer(),…)),
// and read back in order by sequence number. Readers that have caught up
// register a one-shot wait and are woken by the commit that passes them:
// tailing never polls.
// Thread-safe.
class EventLog {
 public:
  // Opens the log kept in column family `cf_name` of `store`.
  static absl::StatusOr<std::unique_ptr<EventLog>> Open(storage::Store* store,
                                                        absl::string_view cf_name);

  // For Transaction::Append.
  storage::AppendLog* writer() { return &writer_; }
  // The highest durable sequence number; 0 when the log is empty.
  uint64_t last_sequence() const { return writer_.last_committed(); }

  struct Entry {
    uint64_t sequence;
    std::string value;
  };
  // Appends to `out` up to `max` entries with sequence > `after`, in order.
  absl::Status Read(uint64_t after, size_t max, std::vector<Entry>* out) const;

  // Registers `wake` to run once, on the committing thread, when
  // last_sequence() passes `after` or the log closes. Returns 0 and does not
  // register when that is already so (the caller should read again).
  // `wake` must be quick and must not call back into this log's waits.
  uint64_t WaitBeyond(uint64_t after, absl::AnyInvocable<void()> wake);
  // Removes a wait; true when it was removed before it ran.
  bool CancelWait(uint64_t id);

  // Wakes every waiter; later waits return 0 at once. For shutdown, so that
  // tailing streams can end.
  void Close();
  bool closed() const;

 private:
  EventLog(storage::Store* store, rocksdb::ColumnFamilyHandle* cf, uint64_t last);
  void OnCommit(uint64_t last);

  storage::Store* store_;
  storage::AppendLog writer_;

  mutable absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_wait_id_ ABSL_GUARDED_BY(mu_) = 1;
  struct Wait {
    uint64_t after;
    absl::AnyInvocable<void()> wake;
  };
  std::map<uint64_t, Wait> waits_ ABSL_GUARDED_BY(mu_);
};

}  // namespace baton::events

#endif  // BATON_COMMON_EVENTS_EVENT_LOG_H_
