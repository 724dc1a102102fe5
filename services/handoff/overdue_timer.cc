#include "services/handoff/overdue_timer.h"

#include <utility>

namespace baton::handoff {

OverdueTimer::OverdueTimer(HandoffStore* store, const Clock* clock, OverdueTimerOptions options)
    : DueTimer(
          "overdue offers", [store] { return store->NextDue(); },
          [store](size_t limit, int* marked, absl::AnyInvocable<void(absl::Status)> done) {
            store->MarkOverdue(limit, marked, std::move(done));
          },
          clock, options) {}

}  // namespace baton::handoff
