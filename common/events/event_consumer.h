#ifndef BATON_COMMON_EVENTS_EVENT_CONSUMER_H_
#define BATON_COMMON_EVENTS_EVENT_CONSUMER_H_

// Runs one EventSource into an EventSink, exactly once (the rating
// service's consumers of the handoff and feedback logs).
//
// One thread ("baton-consume") resumes after the stored checkpoint, with
// its epoch, reads up to `max_batch` events at a time and submits each
// batch as one CommitQueue mutation (ApplyEvents: checkpoint read, skip,
// apply, checkpoint write in one transaction), waiting for it to be durable
// before reading on. So a crash of the consumer or the source neither loses
// nor double-counts an event: what was committed is skipped on redelivery,
// what was not is delivered again.
//
// Failures:
//   - transient (UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED,
//     ABORTED, CANCELLED, UNKNOWN, UNAUTHENTICATED; a failed commit): the
//     stream is dropped and reopened from the stored checkpoint after an
//     exponential backoff (`backoff_initial` doubling to `backoff_max`,
//     reset by progress). State CONNECTING, the error in `error`.
//   - anything else stops the consumer in the FAILED state, logged once,
//     until it is started again: an epoch mismatch (the source was wiped or
//     restored: "rebuild needed"; never retried silently, since its
//     sequence numbers now name other events), OUT_OF_RANGE (the source is
//     behind our checkpoint), DATA_LOSS (an event that cannot be read is
//     never skipped: the message names its sequence), a sink's own error.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/events/event_sink.h"
#include "common/events/event_source.h"
#include "common/storage/commit_queue.h"
#include "common/time/backoff.h"
#include "common/time/clock.h"

namespace baton::events {

struct EventConsumerOptions {
  // Not owned; each must outlive the consumer. Required.
  EventSource* source = nullptr;
  EventSink* sink = nullptr;
  storage::CommitQueue* queue = nullptr;
  // Where the checkpoint is kept (in the queue's store). Required.
  CheckpointKey checkpoint;
  // Most events per mutation. Default: 256.
  size_t max_batch = 256;
  // Reconnect delays. Default: 100 ms doubling to 10 s.
  absl::Duration backoff_initial = absl::Milliseconds(100);
  absl::Duration backoff_max = absl::Seconds(10);
  // A remote stream cannot say where the source's log ends: the consumer
  // counts as live once it has applied everything received and nothing
  // more came for this long. (A local source says where its log ends: it
  // is live as soon as it has applied up to there.) Default: 200 ms.
  absl::Duration idle_for_live = absl::Milliseconds(200);
  // For the lag in time. Default: Clock::Real().
  const Clock* clock = nullptr;
  // Called on the consumer's thread after each batch that applied is
  // durable (its mutation answered OK), before the next is read: for
  // readers that want to know what a batch changed (the rating service's
  // scoreboard watches: the sink notes what it touched, this hands the
  // notes on). Not called for a batch that failed: it is delivered again.
  // Must be quick and must not block (it delays the next batch). Optional.
  std::function<void()> on_committed;
};

enum class ConsumerState {
  kStopped,     // not started, or stopped
  kConnecting,  // (re)opening the stream, or backing off after an error
  kCatchingUp,  // applying a backlog
  kLive,        // applied everything the source is known to have
  kFailed,      // stopped by an error no retry fixes (`error`)
};
// "STOPPED", "CONNECTING", "CATCHING_UP", "LIVE", "FAILED".
const char* ConsumerStateName(ConsumerState state);

// A consumer's state for operators (the rating service's
// GetConsumerStatus, metrics, health).
struct ConsumerStatus {
  std::string source;
  ConsumerState state = ConsumerState::kStopped;
  // Why it failed (FAILED), or the last transient error (CONNECTING).
  std::string error;
  // The last event applied (from the checkpoint): sequence (0: none), time
  // (InfinitePast: none), epoch ("" : none yet).
  uint64_t applied_sequence = 0;
  absl::Time applied_time = absl::InfinitePast();
  std::string epoch;
  // The newest sequence the source is known to have (0: unknown).
  uint64_t source_sequence = 0;
  // source_sequence - applied_sequence (0 when unknown).
  uint64_t lag_events = 0;
  // How far the applied event's time is behind the newest known event's
  // (or, when that time is unknown, behind now); zero without lag.
  absl::Duration lag = absl::ZeroDuration();
  // True once it has been live at least once since Start().
  bool caught_up = false;
  // Reconnections after transient errors since Start().
  uint64_t reconnects = 0;
};

// Thread-safe.
class EventConsumer {
 public:
  explicit EventConsumer(EventConsumerOptions options);
  // Stops (see Stop).
  ~EventConsumer();

  EventConsumer(const EventConsumer&) = delete;
  EventConsumer& operator=(const EventConsumer&) = delete;

  // Starts the consumer's thread (again, after Stop or a failure: that is
  // how an operator retries after fixing the cause). No-op when running.
  void Start();
  // Ends the thread and joins it: cancels the stream, cuts a backoff short,
  // waits for a batch already submitted to be answered by the commit
  // queue (bounded: the queue answers every mutation). The consumer is then
  // STOPPED, unless it had FAILED. Idempotent.
  void Stop();

  ConsumerStatus Status() const;
  // Blocks until `done(Status())` holds or `deadline` (real time) passes;
  // returns whether it held. For tests, tools and start-up.
  bool AwaitStatus(const std::function<bool(const ConsumerStatus&)>& done,
                   absl::Time deadline) const;

 private:
  void Run();
  // One stream's life: load the checkpoint, open, read and apply until an
  // error (returned) or Stop.
  absl::Status Session(Backoff& backoff);
  // Reads and applies until an error.
  absl::Status Pump(EventStream& stream, Backoff& backoff);
  // Submits `events` and waits for the outcome.
  absl::Status Commit(const std::vector<ConsumedEvent>& events);
  absl::Status LoadCheckpoint();
  // Records the stream's end and the state that follows from it.
  void Observe(const SourceEnd& end, bool idle) ABSL_LOCKS_EXCLUDED(mu_);
  ConsumerStatus StatusLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const EventConsumerOptions options_;
  const Clock* const clock_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  EventStream* stream_ ABSL_GUARDED_BY(mu_) = nullptr;  // the open one
  ConsumerStatus status_ ABSL_GUARDED_BY(mu_);
  SourceEnd end_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;  // Start/Stop under start_mu_
  absl::Mutex start_mu_ ABSL_ACQUIRED_BEFORE(mu_);
};

}  // namespace baton::events

#endif  // BATON_COMMON_EVENTS_EVENT_CONSUMER_H_
