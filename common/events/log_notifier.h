#ifndef BATON_COMMON_EVENTS_LOG_NOTIFIER_H_
#define BATON_COMMON_EVENTS_LOG_NOTIFIER_H_

// Wakes the readers of a log when it grows, off the write path.
//
// The WAL-sync thread only calls Publish(last): a mutex-guarded store of one
// number and a signal, O(1) whatever the number of readers. A thread of the
// notifier's own ("baton-notify") then reads the new entries ONCE, computes
// the topics of each (a service-given function, e.g. the teams an event
// concerns), and hands that one batch to the waits it wakes:
//   - a wait without a topic (an event stream) is woken by any new entry;
//   - a wait with a topic (a team's inbox) only by an entry with that topic,
//     so readers of other topics cost nothing per commit — no lookup, no
//     read, no call.
// The same thread runs timers (CallAt) for the streams' stall checks, by an
// injected clock.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/clock.h"

namespace baton::events {

// One entry of a log.
struct LogEntry {
  uint64_t sequence = 0;
  std::string value;
};

// Appends the topics `entry` concerns to `topics` (none is fine). Must be a
// pure function of the entry: it runs on the notifier thread, and readers
// with a topic also use it to skip entries while catching up. An entry it
// cannot decode should get kEveryTopic, so that every reader with a topic
// meets it and ends its stream with DATA_LOSS instead of missing it.
using TopicsFn = std::function<void(const LogEntry& entry, std::vector<std::string>* topics)>;

// The topic every topiced reader has.
inline constexpr absl::string_view kEveryTopic = "*";

// New entries of a log, read once and shared by every wait they wake.
struct LogBatch {
  // The batch covers sequence numbers (after, last]: every entry in that
  // range is in `entries`, in order.
  uint64_t after = 0;
  uint64_t last = 0;
  std::vector<LogEntry> entries;
  // topics[i] are the topics of entries[i]; empty when the log has no
  // topics function.
  std::vector<std::vector<std::string>> topics;

  // Whether entries[i] has `topic` (or kEveryTopic).
  bool HasTopic(size_t i, absl::string_view topic) const;
};

// Whether `topics` has `topic` (or kEveryTopic).
bool HasTopic(const std::vector<std::string>& topics, absl::string_view topic);

// Runs once when a wait is woken. `batch` holds the new entries; it is null
// when the reader must read the log itself (the log closed, or the notifier
// could not read it). A topiced wait woken with a batch may skip every entry
// of (its `after`, batch->after]: none has its topic.
using Wake = absl::AnyInvocable<void(std::shared_ptr<const LogBatch> batch)>;

struct LogNotifierOptions {
  // Appends up to `max` entries with sequence > `after`, in order, and
  // only durable ones (at least everything published). Required.
  std::function<absl::Status(uint64_t after, size_t max, std::vector<LogEntry>* out)> read;
  // Topics of an entry. Default: none (topiced waits are then never woken by
  // entries, only by Close).
  TopicsFn topics;
  // Time for CallAt. Default: Clock::Real().
  const Clock* clock = nullptr;
  // Most entries read (and handed out) in one batch. Default: 1024.
  size_t max_batch = 1024;
  // Sequence number the log starts at (its last one when opened).
  uint64_t start = 0;
};

// Thread-safe. Destroying it joins the thread; Close() it first, and end
// every reader, since wakes and timers refer to their readers.
class LogNotifier {
 public:
  explicit LogNotifier(LogNotifierOptions options);
  ~LogNotifier();

  LogNotifier(const LogNotifier&) = delete;
  LogNotifier& operator=(const LogNotifier&) = delete;

  // The log's readable end moved to `last`. For the WAL-sync thread: O(1),
  // never blocks on readers.
  void Publish(uint64_t last);

  // Registers `wake` to run once on the notifier thread when the log has an
  // entry beyond `after` — with `topic`, when it has one of that topic — or
  // at Close() (then on the closing thread, with a null batch). Returns its
  // id, or 0 without registering when `after` is behind the notifier (the
  // caller should read the log itself up to last(), then wait again) or the
  // log is closed. May be called from inside a wake: a reader woken with a
  // batch ending at L that waits again beyond L always registers.
  uint64_t WaitBeyond(uint64_t after, std::string topic, Wake wake);
  // Removes a wait; true when it was removed before it ran.
  bool CancelWait(uint64_t id);

  // Runs `fn` once on the notifier thread when clock->Now() >= `when`, or at
  // Close() (on the closing thread, possibly before `when`: `fn` should
  // look at the clock). Returns its id, or 0 without
  // registering when closed. May be called from inside a wake or a timer.
  uint64_t CallAt(absl::Time when, absl::AnyInvocable<void()> fn);
  // Removes a timer; true when it was removed before it ran.
  bool CancelCall(uint64_t id);
  // Makes the thread look at the clock now: for clocks that jump (tests
  // with a FakeClock call it after Advance). A real clock needs no help.
  void CheckTimers();
  const Clock* clock() const { return clock_; }

  // The sequence number up to which waits have been woken.
  uint64_t notified() const;
  // Blocks until notified() >= `sequence` or the notifier closed. For tests
  // and tools that need it to have caught up.
  void AwaitNotified(uint64_t sequence) const;
  // Batches the thread has read, for tests and metrics.
  uint64_t batches_read() const;

  // Wakes every wait (null batch) and runs every timer, on this thread;
  // later waits and timers return 0. Idempotent.
  void Close();
  bool closed() const;

 private:
  struct Wait {
    uint64_t after;
    Wake wake;
  };

  void Loop();
  // Runs the timers due by now.
  void RunDueTimers();
  // Moves the waits that `batch` wakes to `woken`.
  void TakeWoken(const LogBatch& batch, std::vector<Wake>* woken)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves the waits of `waits` that wait for less than `sequence`.
  void TakeBefore(uint64_t sequence, std::map<uint64_t, Wait>* waits, std::vector<Wake>* woken)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves every wait to `woken`.
  void TakeAll(std::vector<Wake>* woken) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  LogNotifierOptions options_;
  const Clock* const clock_;

  mutable absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t notified_ ABSL_GUARDED_BY(mu_);
  uint64_t batches_read_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  // Waits without a topic, and waits by topic (ids ordered: oldest first).
  std::map<uint64_t, Wait> untopiced_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::map<uint64_t, Wait>> by_topic_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, std::string> topic_of_ ABSL_GUARDED_BY(mu_);
  // Timers by (when, id), and when each id is due.
  std::map<std::pair<absl::Time, uint64_t>, absl::AnyInvocable<void()>> timers_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, absl::Time> timer_at_ ABSL_GUARDED_BY(mu_);
  // The deadline the thread sleeps towards; an earlier timer kicks it.
  absl::Time sleeping_until_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();

  // What the sync thread publishes; the only lock it takes.
  mutable absl::Mutex signal_mu_ ABSL_ACQUIRED_AFTER(mu_);
  uint64_t published_ ABSL_GUARDED_BY(signal_mu_);
  bool kick_ ABSL_GUARDED_BY(signal_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(signal_mu_) = false;

  std::thread thread_;
};

}  // namespace baton::events

#endif  // BATON_COMMON_EVENTS_LOG_NOTIFIER_H_
