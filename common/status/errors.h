#ifndef BATON_COMMON_STATUS_ERRORS_H_
#define BATON_COMMON_STATUS_ERRORS_H_

// Builders for errors that clients can act on. Each attaches google.rpc
// detail messages (BadRequest, PreconditionFailure, ErrorInfo) as absl::Status
// payloads keyed by their type URL; ToGrpcStatus() sends them to the client
// in `grpc-status-details-bin`.

#include <map>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"

namespace baton {

// The ErrorInfo domain of every Baton error.
inline constexpr absl::string_view kErrorDomain = "baton.dev";

// Collects every wrong field of a request; Build() gives INVALID_ARGUMENT
// with a BadRequest listing them and a message naming the first.
class BadRequest {
 public:
  // `field` is a path such as "chain.stages[1].owner_team".
  BadRequest& Add(std::string field, std::string description);
  bool empty() const { return violations_.empty(); }
  // OK when nothing was added.
  absl::Status Build() const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
};

// INVALID_ARGUMENT about one field.
absl::Status InvalidField(std::string field, std::string description);

// One failed precondition, for FailedPrecondition().
struct Violation {
  std::string type;     // e.g. "MISSING_FIELD", "STATE"
  std::string subject;  // e.g. a field or resource name
  std::string description;
};

// FAILED_PRECONDITION with a stable `reason` (UPPER_SNAKE), the violations
// as a PreconditionFailure, and `message` for people.
absl::Status FailedPrecondition(absl::string_view reason, std::string message,
                                const std::vector<Violation>& violations = {});

// NOT_FOUND for a resource name: "teams/x not found".
absl::Status NotFound(absl::string_view resource_name);

// An error with a code, a stable reason and metadata in an ErrorInfo.
absl::Status ErrorWithInfo(absl::StatusCode code, absl::string_view reason, std::string message,
                           const std::map<std::string, std::string>& metadata = {});

// The ErrorInfo reason attached to `status`, or "" when there is none.
std::string ErrorReason(const absl::Status& status);

}  // namespace baton

#endif  // BATON_COMMON_STATUS_ERRORS_H_
