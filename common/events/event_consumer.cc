#include "common/events/event_consumer.h"

#include <pthread.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"

namespace baton::events {
namespace {

// Errors a reconnect may cure: the source or the link went away, it shed
// load, a token expired, our own disk hiccuped (the commit queue's
// UNAVAILABLE / RESOURCE_EXHAUSTED).
bool Transient(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kUnauthenticated:
      return true;
    default:
      return false;
  }
}

// What an operator reads in FAILED.
std::string Describe(const absl::Status& status) {
  const std::string what =
      absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message());
  if (status.code() == absl::StatusCode::kFailedPrecondition &&
      ErrorReason(status) == "EPOCH_MISMATCH") {
    return absl::StrCat("source was wiped or restored: rebuild needed (", what, ")");
  }
  if (status.code() == absl::StatusCode::kOutOfRange) {
    return absl::StrCat(
        "source is behind the checkpoint (restored from an older copy?): "
        "rebuild needed (",
        what, ")");
  }
  return what;
}

}  // namespace

const char* ConsumerStateName(ConsumerState state) {
  switch (state) {
    case ConsumerState::kStopped:
      return "STOPPED";
    case ConsumerState::kConnecting:
      return "CONNECTING";
    case ConsumerState::kCatchingUp:
      return "CATCHING_UP";
    case ConsumerState::kLive:
      return "LIVE";
    case ConsumerState::kFailed:
      return "FAILED";
  }
  return "UNKNOWN";
}

EventConsumer::EventConsumer(EventConsumerOptions options)
    : options_(std::move(options)), clock_(options_.clock ? options_.clock : Clock::Real()) {
  status_.source = options_.source->name();
}

EventConsumer::~EventConsumer() { Stop(); }

void EventConsumer::Start() {
  absl::MutexLock start(&start_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (running_) return;
  }
  if (thread_.joinable()) thread_.join();  // ended by a failure
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
    running_ = true;
    status_.state = ConsumerState::kConnecting;
    status_.error.clear();
    status_.caught_up = false;
    status_.reconnects = 0;
  }
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "baton-consume");
    Run();
  });
}

void EventConsumer::Stop() {
  absl::MutexLock start(&start_mu_);
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (stream_ != nullptr) stream_->Cancel();
  }
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  if (status_.state != ConsumerState::kFailed) status_.state = ConsumerState::kStopped;
}

void EventConsumer::Run() {
  Backoff backoff(options_.backoff_initial, options_.backoff_max);
  for (;;) {
    const absl::Status status = Session(backoff);
    absl::MutexLock lock(&mu_);
    if (stopping_) break;
    if (!Transient(status.code())) {
      status_.state = ConsumerState::kFailed;
      status_.error = Describe(status);
      log::Error("event consumer failed; it will not retry until restarted",
                 {{"source", status_.source},
                  {"error", status_.error},
                  {"applied_sequence", status_.applied_sequence}});
      break;
    }
    const absl::Duration delay = backoff.Failed();
    status_.state = ConsumerState::kConnecting;
    status_.error = Describe(status);
    ++status_.reconnects;
    log::Warn("event consumer reconnecting", {{"source", status_.source},
                                              {"error", status_.error},
                                              {"delay_ms", absl::ToInt64Milliseconds(delay)}});
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), delay)) break;
  }
  absl::MutexLock lock(&mu_);
  running_ = false;
}

absl::Status EventConsumer::Session(Backoff& backoff) {
  RETURN_IF_ERROR(LoadCheckpoint());
  uint64_t after = 0;
  std::string epoch;
  {
    absl::MutexLock lock(&mu_);
    after = status_.applied_sequence;
    epoch = status_.epoch;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<EventStream> stream, options_.source->Open(after, epoch));
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::CancelledError("stopping");
    stream_ = stream.get();
  }
  const absl::Status status = Pump(*stream, backoff);
  absl::MutexLock lock(&mu_);
  stream_ = nullptr;
  return status;
}

absl::Status EventConsumer::Pump(EventStream& stream, Backoff& backoff) {
  std::vector<ConsumedEvent> events;
  for (;;) {
    events.clear();
    RETURN_IF_ERROR(stream.Read(options_.max_batch, absl::Now() + options_.idle_for_live, &events));
    if (events.empty()) {
      Observe(stream.End(), /*idle=*/true);
      continue;
    }
    RETURN_IF_ERROR(Commit(events));
    backoff.Succeeded();
    Observe(stream.End(), /*idle=*/false);
  }
}

absl::Status EventConsumer::LoadCheckpoint() {
  common::v1::EventPosition position;
  RETURN_IF_ERROR(options_.queue->Run([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(position, ReadCheckpoint(tx, options_.checkpoint));
    return absl::OkStatus();
  }));
  absl::MutexLock lock(&mu_);
  status_.applied_sequence = position.sequence();
  status_.applied_time = position.has_time() ? FromProto(position.time()) : absl::InfinitePast();
  status_.epoch = position.epoch();
  return absl::OkStatus();
}

absl::Status EventConsumer::Commit(const std::vector<ConsumedEvent>& events) {
  common::v1::EventPosition position;
  RETURN_IF_ERROR(options_.queue->Run([&](storage::Transaction& tx) {
    return ApplyEvents(tx, options_.checkpoint, options_.source->name(), events, *options_.sink,
                       &position);
  }));
  if (options_.on_committed) options_.on_committed();
  absl::MutexLock lock(&mu_);
  status_.applied_sequence = position.sequence();
  status_.applied_time = position.has_time() ? FromProto(position.time()) : absl::InfinitePast();
  status_.epoch = position.epoch();
  return absl::OkStatus();
}

void EventConsumer::Observe(const SourceEnd& end, bool idle) {
  absl::MutexLock lock(&mu_);
  if (end.exact || end.sequence >= end_.sequence) end_ = end;
  const bool caught = status_.applied_sequence >= end_.sequence &&
                      (end_.exact || idle || status_.state == ConsumerState::kLive);
  if (caught) {
    status_.state = ConsumerState::kLive;
    status_.caught_up = true;
    status_.error.clear();
  } else {
    status_.state = ConsumerState::kCatchingUp;
  }
}

ConsumerStatus EventConsumer::StatusLocked() const {
  ConsumerStatus status = status_;
  status.source_sequence = std::max(end_.sequence, status.applied_sequence);
  status.lag_events = status.source_sequence - status.applied_sequence;
  if (status.lag_events > 0 && status.applied_time != absl::InfinitePast()) {
    const absl::Time newest = end_.time != absl::InfinitePast() ? end_.time : clock_->Now();
    status.lag = std::max(absl::ZeroDuration(), newest - status.applied_time);
  }
  return status;
}

ConsumerStatus EventConsumer::Status() const {
  absl::MutexLock lock(&mu_);
  return StatusLocked();
}

bool EventConsumer::AwaitStatus(const std::function<bool(const ConsumerStatus&)>& done,
                                absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto holds = [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return done(StatusLocked()); };
  return mu_.AwaitWithDeadline(absl::Condition(&holds), deadline);
}

}  // namespace baton::events
