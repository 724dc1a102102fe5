#include "common/events/local_event_source.h"

#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "baton/common/v1/events.pb.h"
#include "common/status/status_macros.h"

namespace baton::events {
namespace {

// Shared with the notifier's wake, which may run after the stream is gone.
struct Signal {
  absl::Mutex mu;
  bool woken ABSL_GUARDED_BY(mu) = false;
  bool cancelled ABSL_GUARDED_BY(mu) = false;
};

class LocalEventStream final : public EventStream {
 public:
  LocalEventStream(EventLog* log, uint64_t after, std::string epoch)
      : log_(log), epoch_(std::move(epoch)), cursor_(after) {}

  ~LocalEventStream() override {
    if (wait_id_ != 0) log_->notifier()->CancelWait(wait_id_);
  }

  absl::Status Read(size_t max, absl::Time deadline, std::vector<ConsumedEvent>* out) override {
    for (;;) {
      {
        absl::MutexLock lock(&signal_->mu);
        if (signal_->cancelled) return absl::CancelledError("the event stream was cancelled");
        signal_->woken = false;
      }
      std::vector<LogEntry> entries;
      RETURN_IF_ERROR(log_->Read(cursor_, max, &entries));
      if (!entries.empty()) return Take(entries, out);
      if (log_->closed()) return absl::UnavailableError("the event log closed (shutting down)");

      // Caught up: wait for the notifier to see an entry beyond the cursor.
      wait_id_ = log_->notifier()->WaitBeyond(cursor_, "",
                                              [signal = signal_](std::shared_ptr<const LogBatch>) {
                                                absl::MutexLock lock(&signal->mu);
                                                signal->woken = true;
                                              });
      if (wait_id_ == 0) continue;  // the log moved on (or closed): read again
      bool woken = false;
      {
        absl::MutexLock lock(&signal_->mu);
        woken = signal_->mu.AwaitWithDeadline(
            absl::Condition(
                +[](Signal* s) ABSL_NO_THREAD_SAFETY_ANALYSIS { return s->woken || s->cancelled; },
                signal_.get()),
            deadline);
      }
      log_->notifier()->CancelWait(wait_id_);
      wait_id_ = 0;
      if (!woken) return absl::OkStatus();
    }
  }

  void Cancel() override {
    absl::MutexLock lock(&signal_->mu);
    signal_->cancelled = true;
  }

  SourceEnd End() const override {
    absl::MutexLock lock(&end_mu_);
    const uint64_t last = log_->last_sequence();
    return {.sequence = last,
            .time = last == newest_sequence_ ? newest_time_ : absl::InfinitePast(),
            .exact = true};
  }

 private:
  // Converts `entries` into `out`; stops before the first unreadable one,
  // whose error is returned when it is the first (so the events before it
  // are delivered first, and the next Read meets it again).
  absl::Status Take(const std::vector<LogEntry>& entries, std::vector<ConsumedEvent>* out) {
    size_t taken = 0;
    for (const LogEntry& entry : entries) {
      const uint64_t expected = cursor_ + 1;
      absl::Status status;
      ConsumedEvent event{.sequence = expected, .epoch = epoch_};
      if (entry.sequence != expected) {
        status = UnreadableEvent(expected, "it is missing from the log");
      } else {
        status = ReadEventHeader(entry.value, expected, &event.time);
      }
      if (!status.ok()) {
        return taken == 0 ? status : absl::OkStatus();
      }
      // The log stores events without their sequence number (it is the key):
      // a field 1 appended to the bytes sets it (the last value of a scalar
      // field wins), as the service's StreamEvents does by decoding.
      common::v1::EventHeader position;
      position.set_sequence(expected);
      event.bytes = entry.value + position.SerializeAsString();
      cursor_ = expected;
      {
        absl::MutexLock lock(&end_mu_);
        newest_sequence_ = expected;
        newest_time_ = event.time;
      }
      out->push_back(std::move(event));
      ++taken;
    }
    return absl::OkStatus();
  }

  EventLog* const log_;
  const std::string epoch_;
  const std::shared_ptr<Signal> signal_ = std::make_shared<Signal>();
  uint64_t cursor_;  // the reader's thread only
  uint64_t wait_id_ = 0;

  mutable absl::Mutex end_mu_;
  uint64_t newest_sequence_ ABSL_GUARDED_BY(end_mu_) = 0;
  absl::Time newest_time_ ABSL_GUARDED_BY(end_mu_) = absl::InfinitePast();
};

}  // namespace

absl::StatusOr<std::unique_ptr<EventStream>> LocalEventSource::Open(uint64_t after,
                                                                    const std::string& epoch) {
  RETURN_IF_ERROR(log_->CheckResume(after, epoch));
  return std::unique_ptr<EventStream>(new LocalEventStream(log_, after, log_->epoch()));
}

}  // namespace baton::events
