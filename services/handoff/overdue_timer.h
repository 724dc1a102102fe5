#ifndef BATON_SERVICES_HANDOFF_OVERDUE_TIMER_H_
#define BATON_SERVICES_HANDOFF_OVERDUE_TIMER_H_

#include "common/time/due_timer.h"
#include "services/handoff/handoff_store.h"

namespace baton::handoff {

using OverdueTimerOptions = DueTimerOptions;

// Notices offers that pass their due time undecided: a DueTimer over the
// due index (HandoffStore::NextDue) that has HandoffStore::MarkOverdue
// record them. `store` and `clock` must outlive it.
class OverdueTimer final : public DueTimer {
 public:
  OverdueTimer(HandoffStore* store, const Clock* clock, OverdueTimerOptions options = {});
};

}  // namespace baton::handoff

#endif  // BATON_SERVICES_HANDOFF_OVERDUE_TIMER_H_
