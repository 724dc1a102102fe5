#ifndef BATON_SERVICES_RATING_FEEDBACK_APPLIER_H_
#define BATON_SERVICES_RATING_FEEDBACK_APPLIER_H_

// Applies the feedback service's event log (baton.feedback.v1.Event) to the
// rating service's records and rollups; an EventSink for an EventConsumer
// of that log. Every rollup change is a Merge.
//
//   rating_given,     the handoff's record takes the rating's scores, and
//   rating_revised    Reconcile (handoff_record.h) merges the change: on
//                     the handoff's score day, score_sum += new q − the q
//                     added before, the rating histograms move (a revision:
//                     −1 old bucket, +1 new) and kRatings counts it once.
//                     CSAT is read from the overall histogram.
//                     PENDING: the feedback log can run ahead of the
//                     handoff log, so a rating may come before the rating
//                     service has seen the handoff decided (or even
//                     offered). It is then kept in the handoff's record
//                     only (created from the rating's names when absent),
//                     and counts when handoff_accepted arrives
//                     (HandoffApplier runs Reconcile).
//   rating_disputed   the supplier team and its department: kDisputesFiled
//                     +1 on the filing day
//   dispute_ruled     UPHELD: kDisputesUpheld +1; OVERTURNED:
//                     kDisputesOverturned +1 and the rating leaves the
//                     scores (q back to the unrated score, kRatings −1,
//                     histograms −1, kOverturned +1), on the ruling day
//                     (the disputes) and the score day (the rest)
//   feedback_submitted kPraise / kComplaints / kSuggestions +1 for the
//                     addressee team (as supplier) and its department; a
//                     grievance: kGrievances +1 for the department it is
//                     addressed to. On the submit day. kOpenFeedback +1
//                     on kStandingDay for the same owners (open now).
//   feedback_resolved, kOpenFeedback −1 (+1 on feedback_reopened) on
//   feedback_dismissed kStandingDay, for the addressee team and department
//   feedback_acknowledged  a complaint's first acknowledgement (not after a
//                     reopening): the complaint-response bucket of
//                     acknowledge − submit, for the addressee team and
//                     department, on the acknowledgement day
//   feedback_escalated kEscalations +1 for the addressee team (when any)
//                     and the department, on the escalation day
//   verdict_recorded  ATTRIBUTION: every distinct team that held the work
//                     item as far as the handoff log says (the team it was
//                     created at, and each team that accepted a handoff of
//                     it) gets the whole verdict, as supplier: kVerdicts +1,
//                     kVerdictSum += score, the verdict histogram +1; and
//                     in the first-pass split when the team passed the item
//                     on at its first attempt, in the reworked split when a
//                     handoff of it by the team was returned (a team that
//                     still held the item at the end is in neither split).
//                     Each distinct department of those teams gets it once
//                     (count, sum, histogram), and so does the chain
//                     stage where the item completed or was dropped (the
//                     funnel's verdict by stage reached). On the verdict's
//                     day.
//                     PENDING: a verdict on an item the handoff log has not
//                     yet finished (completed or dropped) is kept in the
//                     item's record and counted when it finishes there, so
//                     that every team that held it is known.
//   others            (pulse answers, replies, recognitions…) nothing.
//
// Errors: INVALID_ARGUMENT when the bytes are not a feedback Event, a name
// is malformed, or a score is outside 1–5; DATA_LOSS when a stored record
// does not parse; the transaction's read errors.
// Thread-safety: as EventSink (the committer thread only); its state is
// the batch's rollup changes (RollupApplier).

#include "absl/status/status.h"
#include "common/events/event_sink.h"
#include "services/rating/handoff_record.h"

namespace baton::rating {

class FeedbackApplier final : public RollupApplier {
 public:
  explicit FeedbackApplier(ApplierOptions options) : RollupApplier(std::move(options)) {}

  absl::Status Apply(storage::Transaction& tx, const events::ConsumedEvent& event) override;
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_FEEDBACK_APPLIER_H_
