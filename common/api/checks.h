#ifndef BATON_COMMON_API_CHECKS_H_
#define BATON_COMMON_API_CHECKS_H_

// Building blocks of every service's request validation: each check adds
// its violation to a BadRequest, so that one answer lists every wrong
// field (common/status/errors.h caps how many it reports).

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status/errors.h"
#include "common/text/text.h"

namespace baton::api {

// Adds the violation of `status` (an INVALID_ARGUMENT from a check that
// says "field: why") to `bad` under `field`; nothing when it is OK.
void Check(BadRequest& bad, absl::string_view field, const absl::Status& status);

void CheckText(BadRequest& bad, absl::string_view field, absl::string_view value,
               text::TextLimits limits);
// Free text of 0..max characters, newlines allowed (notes, comments).
void CheckNote(BadRequest& bad, absl::string_view field, absl::string_view note, size_t max);
// Free text of 1..max characters, newlines allowed.
void CheckRequiredNote(BadRequest& bad, absl::string_view field, absl::string_view note,
                       size_t max);
// The id in `value`; "" (and a violation) when it is not a name of `collection`.
std::string CheckName(BadRequest& bad, absl::string_view field, absl::string_view value,
                      absl::string_view collection);
void CheckRequestId(BadRequest& bad, absl::string_view request_id);
void CheckOptionalId(BadRequest& bad, absl::string_view field, absl::string_view id);

// `value` when `bad` is empty, else the BadRequest's INVALID_ARGUMENT.
template <typename T>
absl::StatusOr<T> Ok(const BadRequest& bad, T value) {
  if (!bad.empty()) return bad.Build();
  return value;
}

}  // namespace baton::api

#endif  // BATON_COMMON_API_CHECKS_H_
