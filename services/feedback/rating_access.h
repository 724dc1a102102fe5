#ifndef BATON_SERVICES_FEEDBACK_RATING_ACCESS_H_
#define BATON_SERVICES_FEEDBACK_RATING_ACCESS_H_

// Who may read ratings (need to know, DESIGN.md "Identity and access"):
//   a rating and its dispute: its supplier and customer teams, the heads of
//   their departments, services and admins;
//   a team's ratings (given or received): the team, the head of its
//   department, services and admins;
//   a chain's ratings (every team's): services and admins.
// Every refusal is PERMISSION_DENIED with reason NOT_RATING_VIEWER. The
// writes' rules (customer rates, supplier disputes, the supplier's head
// rules) are checked in ratings.cc where they happen.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "baton/feedback/v1/resources.pb.h"
#include "common/auth/caller.h"

namespace baton::feedback {

inline constexpr absl::string_view kNotRatingViewer = "NOT_RATING_VIEWER";

// OK when `caller` may read `rating`; DATA_LOSS when its stored team or
// department names are damaged.
absl::Status RequireRatingViewer(const auth::Caller& caller, const v1::Rating& rating);

// Whether `caller` may list the ratings of `team_id` without knowing the
// team's department: the team itself, a service or an admin.
bool MayListTeamRatingsAnyway(const auth::Caller& caller, absl::string_view team_id);

// OK when `caller` may list the ratings of `team_id`, of department
// `department_id`.
absl::Status RequireTeamRatingsViewer(const auth::Caller& caller, absl::string_view team_id,
                                      absl::string_view department_id);

// OK when `caller` may list the ratings on a chain: services and admins.
absl::Status RequireChainRatingsViewer(const auth::Caller& caller, absl::string_view chain_id);

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_RATING_ACCESS_H_
