#ifndef BATON_SERVICES_HANDOFF_NAMES_H_
#define BATON_SERVICES_HANDOFF_NAMES_H_

// Resource names (AIP-122) of the handoff service: `departments/{id}`,
// `teams/{id}`, `chains/{id}`, `workItems/{id}`, `handoffs/{id}`.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace baton::handoff {

inline constexpr absl::string_view kDepartments = "departments/";
inline constexpr absl::string_view kTeams = "teams/";
inline constexpr absl::string_view kChains = "chains/";
inline constexpr absl::string_view kWorkItems = "workItems/";
inline constexpr absl::string_view kHandoffs = "handoffs/";

// `collection` + `id`, e.g. Name(kTeams, "front-desk") == "teams/front-desk".
std::string Name(absl::string_view collection, absl::string_view id);

// The id in `name`, which must be `collection` followed by 1–63 of
// [a-z0-9-]; else INVALID_ARGUMENT naming `field` and the expected form.
absl::StatusOr<std::string> ParseName(absl::string_view field, absl::string_view name,
                                      absl::string_view collection);

// Opaque page tokens: the key of the last item served.
std::string EncodePageToken(absl::string_view last);
// INVALID_ARGUMENT (field page_token) when it is not one of ours.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token);

// page_size: 0 → 50, above 500 → 500; negative → INVALID_ARGUMENT.
absl::StatusOr<int> PageSize(int requested);

}  // namespace baton::handoff

#endif  // BATON_SERVICES_HANDOFF_NAMES_H_
