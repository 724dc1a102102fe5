#ifndef BATON_COMMON_TEXT_TEXT_H_
#define BATON_COMMON_TEXT_TEXT_H_

// Checks on the text that callers send: UTF-8 names and comments measured in
// characters (Chinese text is the common case), resource ids and request ids.

#include <cstddef>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace baton::text {

// The number of Unicode code points in `s`, or nullopt when `s` is not
// well-formed UTF-8 (overlong forms, surrogates and values past U+10FFFF
// are not well-formed).
std::optional<size_t> CountCodePoints(absl::string_view s);

// Limits for one text field.
struct TextLimits {
  size_t min_chars = 1;         // Default: 1 (required)
  size_t max_chars = 100;       // Default: 100
  bool allow_newlines = false;  // Default: false (names); true for notes
};

// OK, or INVALID_ARGUMENT naming `field` and saying why: not UTF-8, too
// short or long (in characters), only spaces, or holding control characters.
absl::Status CheckText(absl::string_view field, absl::string_view value, const TextLimits& limits);

// A resource id as chosen by a caller: `[a-z]([a-z0-9-]{0,61}[a-z0-9])?`.
absl::Status CheckResourceId(absl::string_view field, absl::string_view id);

// A request id: empty (no idempotency) or 1–128 characters of [A-Za-z0-9._:-].
absl::Status CheckRequestId(absl::string_view field, absl::string_view id);

}  // namespace baton::text

#endif  // BATON_COMMON_TEXT_TEXT_H_
