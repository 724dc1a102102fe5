#ifndef BATON_COMMON_EVENTS_LOCAL_EVENT_SOURCE_H_
#define BATON_COMMON_EVENTS_LOCAL_EVENT_SOURCE_H_

// An EventSource over an EventLog in the same process (batond, where the
// rating service runs beside handoff and feedback): it reads the log
// directly, in batches, and waits on the log's notifier once caught up, so
// events arrive as they commit with no RPC and no copy beyond the read.
// Behaves as the service's StreamEvents would (same checks, same bytes):
// a consumer can switch between it and GrpcEventSource keeping its
// checkpoint.

#include <cstdint>
#include <memory>
#include <string>

#include "common/events/event_log.h"
#include "common/events/event_source.h"

namespace baton::events {

// Thread-safe. `log` is not owned; it must outlive the source and every
// stream it opened.
class LocalEventSource final : public EventSource {
 public:
  // `name` as for EventSource::name() (the service, e.g.
  // "baton.handoff.v1.HandoffService").
  LocalEventSource(std::string name, EventLog* log) : name_(std::move(name)), log_(log) {}

  const std::string& name() const override { return name_; }
  // EventLog::CheckResume's errors (EPOCH_MISMATCH, AFTER_END_OF_LOG); the
  // stream then serves the log from `after`, ending with UNAVAILABLE when
  // the log closes, and DATA_LOSS (EVENT_UNREADABLE) at an entry whose
  // header does not parse, after every entry before it.
  absl::StatusOr<std::unique_ptr<EventStream>> Open(uint64_t after,
                                                    const std::string& epoch) override;

 private:
  const std::string name_;
  EventLog* const log_;
};

}  // namespace baton::events

#endif  // BATON_COMMON_EVENTS_LOCAL_EVENT_SOURCE_H_
