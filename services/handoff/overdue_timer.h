#ifndef BATON_SERVICES_HANDOFF_OVERDUE_TIMER_H_
#define BATON_SERVICES_HANDOFF_OVERDUE_TIMER_H_

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/backoff.h"
#include "services/handoff/handoff_store.h"

namespace baton::handoff {

struct OverdueTimerOptions {
  // Longest wait between looks at the due index, so that an offer made
  // meanwhile with an earlier due time is seen soon. Default: 1 s.
  absl::Duration recheck = absl::Seconds(1);
  // After a failed look or mark (disk full, shutting down), the timer waits
  // this long, doubling up to retry_max, instead of retrying at once.
  // Default: 100 ms up to 30 s.
  absl::Duration retry_initial = absl::Milliseconds(100);
  absl::Duration retry_max = absl::Seconds(30);
};

// Notices offers that pass their due time undecided: a thread that waits
// until the earliest due time in the index (at most `recheck` at a time),
// then has HandoffStore::MarkOverdue record them. Waits in real time; tests
// drive Tick() directly with a FakeClock instead.
class OverdueTimer {
 public:
  OverdueTimer(HandoffStore* store, const Clock* clock, OverdueTimerOptions options = {});
  ~OverdueTimer();  // Stop()

  // Starts the thread. Once.
  void Start();
  // Stops the thread; idempotent.
  void Stop();

  // One step: marks what is due now, and returns how long to wait before
  // the next step (backing off after failures). Called by the thread.
  absl::Duration Tick();

 private:
  void Loop();

  HandoffStore* const store_;
  const Clock* const clock_;
  const OverdueTimerOptions options_;
  Backoff backoff_;  // the timer thread's
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace baton::handoff

#endif  // BATON_SERVICES_HANDOFF_OVERDUE_TIMER_H_
