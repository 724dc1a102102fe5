#ifndef BATON_SERVICES_HANDOFF_VALIDATION_H_
#define BATON_SERVICES_HANDOFF_VALIDATION_H_

// Checks of request shape that need no stored state: required fields, text
// limits in characters, ids, enums. Each returns INVALID_ARGUMENT with a
// BadRequest listing every wrong field (the message names the first), or
// the ids of the resources the request names, parsed once here so that the
// store never parses a name again.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "baton/handoff/v1/handoff_service.pb.h"

namespace baton::handoff {

// Limits of the handoff API (also in the proto comments).
inline constexpr size_t kMaxNameChars = 100;
inline constexpr size_t kMaxExternalReferenceChars = 200;
inline constexpr int kMaxFields = 64;
inline constexpr size_t kMaxFieldKeyChars = 64;
inline constexpr size_t kMaxFieldValueChars = 4096;
inline constexpr size_t kMaxNoteChars = 2000;
inline constexpr size_t kMaxReadBackChars = 4000;
inline constexpr int kMinStages = 2;
inline constexpr int kMaxStages = 20;

absl::Status Validate(const v1::CreateDepartmentRequest& request);
// The department's id.
absl::StatusOr<std::string> Validate(const v1::CreateTeamRequest& request);
// The owner team id of each stage, in order.
absl::StatusOr<std::vector<std::string>> Validate(const v1::CreateChainRequest& request);
// The chain's id.
absl::StatusOr<std::string> Validate(const v1::CreateWorkItemRequest& request);
// The work item's id.
absl::StatusOr<std::string> Validate(const v1::CompleteWorkItemRequest& request);
absl::StatusOr<std::string> Validate(const v1::DropWorkItemRequest& request);
absl::StatusOr<std::string> Validate(const v1::OfferHandoffRequest& request);
// The handoff's id.
absl::StatusOr<std::string> Validate(const v1::AcceptHandoffRequest& request);
absl::StatusOr<std::string> Validate(const v1::ReturnHandoffRequest& request);

}  // namespace baton::handoff

#endif  // BATON_SERVICES_HANDOFF_VALIDATION_H_
