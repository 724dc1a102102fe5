#include "common/time/due_timer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/log/log.h"

namespace baton {

DueTimer::DueTimer(std::string what, NextDueFn next_due, MarkDueFn mark_due, const Clock* clock,
                   DueTimerOptions options)
    : what_(std::move(what)),
      next_due_(std::move(next_due)),
      mark_due_(std::move(mark_due)),
      clock_(clock),
      options_(options),
      backoff_(options.retry_initial, options.retry_max) {}

DueTimer::~DueTimer() { Stop(); }

void DueTimer::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void DueTimer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Duration DueTimer::Tick() {
  absl::StatusOr<std::optional<absl::Time>> next = next_due_();
  if (!next.ok()) {
    log::Error(absl::StrCat("timer of ", what_, " cannot read its index"),
               {{"error", next.status().ToString()}});
    return backoff_.Failed();
  }
  const absl::Time now = clock_->Now();
  if (!next->has_value()) return options_.recheck;
  if (**next > now) return std::min(**next - now, options_.recheck);
  int marked = 0;
  absl::Notification finished;
  absl::Status result;
  mark_due_(options_.batch, &marked, [&](absl::Status s) {
    result = std::move(s);
    finished.Notify();
  });
  finished.WaitForNotification();
  if (!result.ok()) {
    // Without a pause this would retry at once, for as long as the cause
    // lasts (a full disk): back off instead of spinning.
    const absl::Duration wait = backoff_.Failed();
    log::Error(absl::StrCat("marking ", what_, " failed; retrying later"),
               {{"error", result.ToString()}, {"retry_seconds", absl::ToDoubleSeconds(wait)}});
    return wait;
  }
  backoff_.Succeeded();
  if (marked > 0) log::Info(absl::StrCat(what_, " marked"), {{"count", marked}});
  // A full batch may mean more are due: go on at once.
  return static_cast<size_t>(marked) == options_.batch ? absl::ZeroDuration()
                                                       : absl::Milliseconds(1);
}

void DueTimer::Loop() {
  while (true) {
    const absl::Duration wait = Tick();
    absl::MutexLock lock(&mu_);
    // Wakes early only to stop.
    if (wait > absl::ZeroDuration()) mu_.AwaitWithTimeout(absl::Condition(&stopping_), wait);
    if (stopping_) return;
  }
}

}  // namespace baton
