#ifndef BATON_SERVICES_RATING_VALIDATION_H_
#define BATON_SERVICES_RATING_VALIDATION_H_

// Request validation of the rating service's reads: every wrong field of a
// request in one INVALID_ARGUMENT (common/api/checks.h), before anything is
// read. The valid request's ids are returned, so that nobody parses a name
// twice.

#include <string>

#include "absl/status/statusor.h"
#include "baton/rating/v1/rating_service.pb.h"
#include "common/status/errors.h"

namespace baton::rating {

// The longest window a query accepts, in days (a leap year).
inline constexpr int kMaxWindowDays = 366;
// The window used when a request gives none: this many days ending today
// (the clock's day in the organisation's zone).
inline constexpr int kDefaultWindowDays = 30;

// Adds a violation for each day of `window` that is set but not
// "YYYY-MM-DD", for a window with only one day set, an end before the start
// and a window longer than kMaxWindowDays (fields "window.start_day",
// "window.end_day"). An empty window is valid (the default).
void CheckWindow(BadRequest& bad, const v1::Window& window);
// Adds a violation ("order") for a value outside the ScoreboardOrder enum.
void CheckOrder(BadRequest& bad, v1::ScoreboardOrder order);

// The id each request names: handoff, team, department, chain.
absl::StatusOr<std::string> Validate(const v1::GetHandoffScoreRequest& request);
absl::StatusOr<std::string> Validate(const v1::GetTeamScorecardRequest& request);
absl::StatusOr<std::string> Validate(const v1::GetDepartmentScoreboardRequest& request);
absl::StatusOr<std::string> Validate(const v1::GetChainFunnelRequest& request);
// Also "days": 0 (the default window) to kMaxWindowDays.
absl::StatusOr<std::string> Validate(const v1::WatchScoreboardRequest& request);

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_VALIDATION_H_
