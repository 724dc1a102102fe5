#ifndef BATON_COMMON_STATUS_ERRORS_H_
#define BATON_COMMON_STATUS_ERRORS_H_

// Builders for errors that clients can act on. Each attaches google.rpc
// detail messages (BadRequest, PreconditionFailure, ErrorInfo) as absl::Status
// payloads keyed by their type URL; ToGrpcStatus() sends them to the client
// in `grpc-status-details-bin`.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace baton {

// The ErrorInfo domain of every Baton error.
inline constexpr absl::string_view kErrorDomain = "baton.dev";

// Error details stay small whatever the request: a request with a million
// wrong entries must not make a million-entry error (every violation is
// sent to the client in one trailer). Details list at most this many
// violations, then one more entry saying how many were left out.
inline constexpr size_t kMaxListedViolations = 10;
// Every text in a detail (field path, type, subject, description, message)
// is cut to at most this many bytes, on a UTF-8 character boundary, with
// "…" marking the cut.
inline constexpr size_t kMaxDetailBytes = 512;

// Collects every wrong field of a request; Build() gives INVALID_ARGUMENT
// with a BadRequest listing them and a message naming the first.
// Bounded: it keeps the first kMaxListedViolations violations (each cut to
// kMaxDetailBytes) and only counts the rest, so Add() costs O(1) memory
// after that and the built status stays a few KiB.
class BadRequest {
 public:
  // `field` is a path such as "chain.stages[1].owner_team".
  BadRequest& Add(std::string field, std::string description);
  bool empty() const { return count_ == 0; }
  // How many violations were added (listed or not).
  size_t count() const { return count_; }
  // OK when nothing was added. Otherwise the message is "<field>:
  // <description>" of the first violation, followed by " (and K more)";
  // the BadRequest detail lists the first kMaxListedViolations and, when
  // some were left out, one last entry with an empty field and the
  // description "and K more violations not listed".
  absl::Status Build() const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
  size_t count_ = 0;
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
// as a PreconditionFailure, and `message` for people. Bounded like
// BadRequest: the first kMaxListedViolations violations, then one entry of
// type "MORE" saying how many were left out; every text cut to
// kMaxDetailBytes.
absl::Status FailedPrecondition(absl::string_view reason, std::string message,
                                const std::vector<Violation>& violations = {});

// NOT_FOUND for a resource name: "teams/x not found" (the name cut to
// kMaxDetailBytes).
absl::Status NotFound(absl::string_view resource_name);

// An error with a code, a stable reason and metadata in an ErrorInfo.
absl::Status ErrorWithInfo(absl::StatusCode code, absl::string_view reason, std::string message,
                           const std::map<std::string, std::string>& metadata = {});

// `text` cut to at most `max_bytes` bytes without splitting a UTF-8
// character, "…" marking the cut (the result, "…" included, fits in
// max_bytes, which must be >= 3).
std::string TruncateUtf8(absl::string_view text, size_t max_bytes = kMaxDetailBytes);

// The ErrorInfo reason attached to `status`, or "" when there is none.
std::string ErrorReason(const absl::Status& status);

}  // namespace baton

#endif  // BATON_COMMON_STATUS_ERRORS_H_
