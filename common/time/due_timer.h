#ifndef BATON_COMMON_TIME_DUE_TIMER_H_
#define BATON_COMMON_TIME_DUE_TIMER_H_

// A thread that notices things passing their due time: offers overdue,
// feedback threads unanswered. It waits until the earliest due time its
// index holds (at most `recheck` at a time, so that something added
// meanwhile with an earlier due time is seen soon), then asks the domain to
// mark what is due, in batches. Waits in real time; tests drive Tick()
// directly with a FakeClock instead.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/backoff.h"
#include "common/time/clock.h"

namespace baton {

struct DueTimerOptions {
  // Longest wait between looks at the index. Default: 1 s.
  absl::Duration recheck = absl::Seconds(1);
  // After a failed look or mark (disk full, shutting down), the timer waits
  // this long, doubling up to retry_max, instead of retrying at once.
  // Default: 100 ms up to 30 s.
  absl::Duration retry_initial = absl::Milliseconds(100);
  absl::Duration retry_max = absl::Seconds(30);
  // Most marked per MarkDue call. Default: 500.
  size_t batch = 500;
};

class DueTimer {
 public:
  // The earliest due time in the index; nullopt when nothing is pending.
  using NextDueFn = std::function<absl::StatusOr<std::optional<absl::Time>>()>;
  // Marks at most `limit` things due now, sets `*marked` to how many, and
  // calls `done` once with the outcome (perhaps on another thread).
  using MarkDueFn =
      std::function<void(size_t limit, int* marked, absl::AnyInvocable<void(absl::Status)> done)>;

  // `what` names what is marked in log lines ("overdue offers").
  // `clock` must outlive this; so must whatever the functions use.
  DueTimer(std::string what, NextDueFn next_due, MarkDueFn mark_due, const Clock* clock,
           DueTimerOptions options = {});
  ~DueTimer();  // Stop()

  // Starts the thread. Once.
  void Start();
  // Stops the thread; idempotent.
  void Stop();

  // One step: marks what is due now, and returns how long to wait before
  // the next step (backing off after failures). Called by the thread; not
  // to be called concurrently with it.
  absl::Duration Tick();

 private:
  void Loop();

  const std::string what_;
  const NextDueFn next_due_;
  const MarkDueFn mark_due_;
  const Clock* const clock_;
  const DueTimerOptions options_;
  Backoff backoff_;  // the timer thread's
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace baton

#endif  // BATON_COMMON_TIME_DUE_TIMER_H_
