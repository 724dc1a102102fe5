#ifndef BATON_SERVICES_FEEDBACK_OPTIONS_H_
#define BATON_SERVICES_FEEDBACK_OPTIONS_H_

#include "absl/time/time.h"
#include "baton/feedback/v1/resources.pb.h"

namespace baton::feedback {

// The feedback service's rules that an organisation may tune (flags of
// baton-feedback and batond).
struct FeedbackOptions {
  // How long after a handoff's acceptance it may be rated or the rating
  // revised. Default: 7 days.
  absl::Duration rating_window = absl::Hours(7 * 24);
  // Versions a rating may have, the first included; past it revisions are
  // refused (FAILED_PRECONDITION TOO_MANY_REVISIONS). Default: 20.
  int max_rating_versions = 20;
  // Time the addressee has to acknowledge a thread, by kind; past it the
  // thread escalates to its department's head. Defaults: a complaint 1
  // day, a grievance 3 days, a suggestion 7 days, praise 7 days.
  absl::Duration complaint_sla = absl::Hours(24);
  absl::Duration grievance_sla = absl::Hours(72);
  absl::Duration suggestion_sla = absl::Hours(7 * 24);
  absl::Duration praise_sla = absl::Hours(7 * 24);
  // Replies a thread may hold. Default: 100.
  int max_replies = 100;
  // Fewest pulse answers of a team and period for which more than the
  // count is shown. Default: 5.
  int pulse_minimum_answers = 5;
  // Most pulse answers a team takes per period (a bound on its tally's
  // size). Default: 1000.
  int pulse_max_answers = 1000;
  // How long a call waits for the handoff service's facts at most (less
  // when the caller's own deadline is sooner). Default: 2 s.
  absl::Duration facts_timeout = absl::Seconds(2);

  // The response SLA of `kind`.
  absl::Duration SlaOf(v1::FeedbackKind kind) const {
    switch (kind) {
      case v1::FEEDBACK_KIND_COMPLAINT:
        return complaint_sla;
      case v1::FEEDBACK_KIND_GRIEVANCE:
        return grievance_sla;
      case v1::FEEDBACK_KIND_SUGGESTION:
        return suggestion_sla;
      default:
        return praise_sla;
    }
  }
};

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_OPTIONS_H_
