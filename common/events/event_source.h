#ifndef BATON_COMMON_EVENTS_EVENT_SOURCE_H_
#define BATON_COMMON_EVENTS_EVENT_SOURCE_H_

// A wire-generic view of any Baton service's event log, for consumers that
// do not know the service's Event type: each event is its sequence number,
// time, the log's epoch and the service's serialized Event. Two sources
// implement it: GrpcEventSource (a service's StreamEvents over a channel)
// and LocalEventSource (an EventLog in the same process).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace baton::events {

// One event as a consumer sees it.
struct ConsumedEvent {
  // Position in the source's log: 1, 2, 3, … without gaps.
  uint64_t sequence = 0;
  // When the source committed it.
  absl::Time time;
  // The epoch of the log the sequence number belongs to.
  std::string epoch;
  // The service's Event, serialized, with `sequence` in its field 1 — the
  // same bytes whichever source delivered it; parse it as the service's
  // Event (baton.handoff.v1.Event, …).
  std::string bytes;
};

// The newest event a stream knows the source to have.
struct SourceEnd {
  // Its sequence number; 0 when unknown.
  uint64_t sequence = 0;
  // Its time, when known; absl::InfinitePast() otherwise.
  absl::Time time = absl::InfinitePast();
  // True when `sequence` is the source log's end as the source knows it
  // (a local log); false when it is only the newest event received so far
  // (a remote stream cannot tell how much the server still has to send).
  bool exact = false;
};

// One open stream of events, in order, each once. Read and Cancel are safe
// to call from different threads; one thread reads.
class EventStream {
 public:
  virtual ~EventStream() = default;

  // Waits until an event is available, the stream ends, Cancel() is called,
  // or `deadline` (real time) passes; then moves up to `max` events (in
  // order, never blocking for more) to `out`. Returns OK with events, OK
  // with none at the deadline, or how the stream ended — only after every
  // event before it was read:
  //   FAILED_PRECONDITION  EPOCH_MISMATCH: the log is not the one the
  //                        position was read in (wiped or restored);
  //   OUT_OF_RANGE         AFTER_END_OF_LOG: the position is past its end;
  //   DATA_LOSS            an event that cannot be read, naming its sequence;
  //   UNAVAILABLE, RESOURCE_EXHAUSTED, … the source went away: reopen;
  //   CANCELLED            after Cancel().
  virtual absl::Status Read(size_t max, absl::Time deadline, std::vector<ConsumedEvent>* out) = 0;
  // Ends a blocked or later Read with CANCELLED. Any thread; idempotent.
  virtual void Cancel() = 0;
  // What the stream knows of the source's end. Any thread.
  virtual SourceEnd End() const = 0;
};

// Opens streams of one source's log. Thread-safe.
class EventSource {
 public:
  virtual ~EventSource() = default;

  // The source's name for logs and status, e.g.
  // "baton.handoff.v1.HandoffService".
  virtual const std::string& name() const = 0;
  // Opens a stream of the events after `after` in the log whose epoch is
  // `epoch` ("" when the consumer has none yet). The errors of Read may
  // come from here or from the stream's first Read.
  virtual absl::StatusOr<std::unique_ptr<EventStream>> Open(uint64_t after,
                                                            const std::string& epoch) = 0;
};

// Reads the EventHeader that starts `bytes` (a service's serialized Event)
// into `*time`. `sequence` is the event's position as the caller knows it;
// the header must carry it or none (logs store events without it).
// DATA_LOSS (reason EVENT_UNREADABLE, metadata `sequence`) naming the
// sequence when the header does not parse, has no time, or carries another
// sequence number (a gap or a reordering).
absl::Status ReadEventHeader(absl::string_view bytes, uint64_t sequence, absl::Time* time);

// DATA_LOSS (reason EVENT_UNREADABLE, metadata `sequence`) for the event at
// `sequence`, saying `why`.
absl::Status UnreadableEvent(uint64_t sequence, absl::string_view why);

}  // namespace baton::events

#endif  // BATON_COMMON_EVENTS_EVENT_SOURCE_H_
