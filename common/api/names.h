#ifndef BATON_COMMON_API_NAMES_H_
#define BATON_COMMON_API_NAMES_H_

// Resource names (AIP-122) shared by every Baton service: `teams/{id}`,
// `handoffs/{id}`, … A service refers to another's resources by these names
// (a rating names its handoff and teams), so the collections live here.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace baton::api {

inline constexpr absl::string_view kDepartments = "departments/";
inline constexpr absl::string_view kTeams = "teams/";
inline constexpr absl::string_view kChains = "chains/";
inline constexpr absl::string_view kWorkItems = "workItems/";
inline constexpr absl::string_view kHandoffs = "handoffs/";
inline constexpr absl::string_view kRatings = "ratings/";
inline constexpr absl::string_view kFeedback = "feedback/";
inline constexpr absl::string_view kVerdicts = "verdicts/";

// `collection` + `id`, e.g. Name(kTeams, "front-desk") == "teams/front-desk".
std::string Name(absl::string_view collection, absl::string_view id);

// The id in `name`, which must be `collection` followed by 1–63 of
// [a-z0-9-]; else INVALID_ARGUMENT naming `field` and the expected form.
// For names in requests.
absl::StatusOr<std::string> ParseName(absl::string_view field, absl::string_view name,
                                      absl::string_view collection);

// The id in a name read from storage, which Baton wrote itself: DATA_LOSS
// naming `what` when it is not of `collection` (the stored record is
// damaged), never an unchecked dereference.
absl::StatusOr<std::string> StoredId(absl::string_view what, absl::string_view name,
                                     absl::string_view collection);

}  // namespace baton::api

#endif  // BATON_COMMON_API_NAMES_H_
