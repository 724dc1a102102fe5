#include "services/handoff/overdue_timer.h"

#include <algorithm>

#include "absl/synchronization/notification.h"
#include "common/log/log.h"

namespace baton::handoff {

OverdueTimer::OverdueTimer(HandoffStore* store, const Clock* clock, absl::Duration recheck)
    : store_(store), clock_(clock), recheck_(recheck), thread_([this] { Loop(); }) {}

OverdueTimer::~OverdueTimer() { Stop(); }

void OverdueTimer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void OverdueTimer::Loop() {
  constexpr size_t kBatch = 500;
  while (true) {
    absl::Duration wait = recheck_;
    absl::StatusOr<std::optional<absl::Time>> next = store_->NextDue();
    if (!next.ok()) {
      log::Error("overdue timer cannot read the due index", {{"error", next.status().ToString()}});
    } else if (next->has_value()) {
      wait = std::clamp(**next - clock_->Now(), absl::ZeroDuration(), recheck_);
    }
    if (wait > absl::ZeroDuration()) {
      absl::MutexLock lock(&mu_);
      // Wakes early only to stop.
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), wait);
    }
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    if (!next.ok() || !next->has_value() || **next > clock_->Now()) continue;
    int marked = 0;
    absl::Notification finished;
    absl::Status result;
    store_->MarkOverdue(kBatch, &marked, [&](absl::Status s) {
      result = std::move(s);
      finished.Notify();
    });
    finished.WaitForNotification();
    if (!result.ok()) {
      log::Error("marking overdue offers failed", {{"error", result.ToString()}});
    } else if (marked > 0) {
      log::Info("offers overdue", {{"count", marked}});
    }
  }
}

}  // namespace baton::handoff
