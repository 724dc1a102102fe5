#ifndef BATON_SERVICES_RATING_HANDOFF_APPLIER_H_
#define BATON_SERVICES_RATING_HANDOFF_APPLIER_H_

// Applies the handoff service's event log (baton.handoff.v1.Event) to the
// rating service's records and rollups; an EventSink for an EventConsumer
// of that log. Day buckets are those of the handoff's own times (offer,
// decide, due) or the work item's, in the organisation's zone.
//
//   team_created        rating.org: team → department, and the
//                       department's index entry (with the display name);
//                       a scoreboard mark for the department (a new row)
//   chain_created       rating.org: chain → its stages' owner teams
//   department_created  nothing (departments are learnt through teams)
//   work_item_created   chain stage 0: kEntered +1; the item's first
//                       holder team is remembered (verdict attribution)
//   work_item_completed its (last) stage: kPassed +1
//   work_item_dropped   its stage, its holder team (as supplier) and that
//                       team's department: kDrops +1
//                       Both finish the item: a verdict that came first
//                       (feedback_applier.h) is counted now.
//   handoff_offered     kOffers +1 on the offer day; the handoff's record
//                       is stored (kept pending rating, if one came first)
//   handoff_accepted    on the decide day: kAccepts, kDecided +1, kFirstPass
//   handoff_returned    (accepted at attempt 1), kOnTime (decided at or
//                       before due), kReturns, the accept-latency bucket of
//                       decide − offer; the score (handoff_record.h
//                       Reconcile: any pending rating counts now). On
//                       accept, the funnel: the supplier's stage kPassed
//                       +1, the customer's stage kEntered +1; the item
//                       remembers the customer team and whether the
//                       supplier passed it on at its first attempt (a
//                       return marks the supplier as having reworked it).
//   handoff_overdue     kOverdue +1 on the due day
// "On the handoff's rollups" means HandoffOwners (handoff_record.h):
// supplier team, its department, the supplier's chain stage and the
// customer team as customer. Every rollup change is a Merge.
//
// Errors: INVALID_ARGUMENT when the bytes are not a handoff Event, when a
// name in it is malformed or a handoff is decided twice; DATA_LOSS when a
// stored record does not parse; the transaction's read errors.
// Thread-safety: as EventSink (the committer thread only); its state is
// the batch's rollup changes (RollupApplier).

#include "absl/status/status.h"
#include "common/events/event_sink.h"
#include "services/rating/handoff_record.h"

namespace baton::rating {

class HandoffApplier final : public RollupApplier {
 public:
  explicit HandoffApplier(ApplierOptions options) : RollupApplier(std::move(options)) {}

  absl::Status Apply(storage::Transaction& tx, const events::ConsumedEvent& event) override;
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_HANDOFF_APPLIER_H_
