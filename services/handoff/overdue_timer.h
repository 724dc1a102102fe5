#ifndef BATON_SERVICES_HANDOFF_OVERDUE_TIMER_H_
#define BATON_SERVICES_HANDOFF_OVERDUE_TIMER_H_

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/handoff/handoff_store.h"

namespace baton::handoff {

// Notices offers that pass their due time undecided: a thread that waits
// until the earliest due time in the index (at most `recheck` at a time, so
// that an offer made meanwhile with an earlier due time is seen soon), then
// has HandoffStore::MarkOverdue record them. Uses the real clock for waiting;
// tests call HandoffStore::MarkOverdue directly with a FakeClock instead.
class OverdueTimer {
 public:
  OverdueTimer(HandoffStore* store, const Clock* clock, absl::Duration recheck = absl::Seconds(1));
  ~OverdueTimer();  // Stop()

  // Stops the thread; idempotent.
  void Stop();

 private:
  void Loop();

  HandoffStore* const store_;
  const Clock* const clock_;
  const absl::Duration recheck_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace baton::handoff

#endif  // BATON_SERVICES_HANDOFF_OVERDUE_TIMER_H_
