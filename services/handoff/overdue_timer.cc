#include "services/handoff/overdue_timer.h"

#include <algorithm>

#include "absl/synchronization/notification.h"
#include "common/log/log.h"

namespace baton::handoff {

OverdueTimer::OverdueTimer(HandoffStore* store, const Clock* clock, OverdueTimerOptions options)
    : store_(store),
      clock_(clock),
      options_(options),
      backoff_(options.retry_initial, options.retry_max) {}

OverdueTimer::~OverdueTimer() { Stop(); }

void OverdueTimer::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void OverdueTimer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Duration OverdueTimer::Tick() {
  constexpr size_t kBatch = 500;
  absl::StatusOr<std::optional<absl::Time>> next = store_->NextDue();
  if (!next.ok()) {
    log::Error("overdue timer cannot read the due index", {{"error", next.status().ToString()}});
    return backoff_.Failed();
  }
  const absl::Time now = clock_->Now();
  if (!next->has_value()) return options_.recheck;
  if (**next > now) return std::min(**next - now, options_.recheck);
  int marked = 0;
  absl::Notification finished;
  absl::Status result;
  store_->MarkOverdue(kBatch, &marked, [&](absl::Status s) {
    result = std::move(s);
    finished.Notify();
  });
  finished.WaitForNotification();
  if (!result.ok()) {
    // Without a pause this would retry at once, for as long as the cause
    // lasts (a full disk): back off instead of spinning.
    const absl::Duration wait = backoff_.Failed();
    log::Error("marking overdue offers failed; retrying later",
               {{"error", result.ToString()}, {"retry_seconds", absl::ToDoubleSeconds(wait)}});
    return wait;
  }
  backoff_.Succeeded();
  if (marked > 0) log::Info("offers overdue", {{"count", marked}});
  // A full batch may mean more are due: go on at once.
  return marked == static_cast<int>(kBatch) ? absl::ZeroDuration() : absl::Milliseconds(1);
}

void OverdueTimer::Loop() {
  while (true) {
    const absl::Duration wait = Tick();
    absl::MutexLock lock(&mu_);
    // Wakes early only to stop.
    if (wait > absl::ZeroDuration()) mu_.AwaitWithTimeout(absl::Condition(&stopping_), wait);
    if (stopping_) return;
  }
}

}  // namespace baton::handoff
