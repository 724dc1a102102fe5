#include "services/handoff/names.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace baton::handoff {
namespace {
constexpr absl::string_view kTokenPrefix = "v1:";
}  // namespace

std::string Name(absl::string_view collection, absl::string_view id) {
  return absl::StrCat(collection, id);
}

absl::StatusOr<std::string> ParseName(absl::string_view field, absl::string_view name,
                                      absl::string_view collection) {
  const auto bad = [&] {
    return InvalidField(std::string(field),
                        name.empty() ? std::string("is required")
                                     : absl::StrCat("must look like ", collection, "{id}"));
  };
  if (!absl::StartsWith(name, collection)) return bad();
  absl::string_view id = name.substr(collection.size());
  if (id.empty() || id.size() > 63) return bad();
  for (char c : id) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') return bad();
  }
  return std::string(id);
}

std::string EncodePageToken(absl::string_view last) {
  return absl::WebSafeBase64Escape(absl::StrCat(kTokenPrefix, last));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || !absl::StartsWith(raw, kTokenPrefix)) {
    return InvalidField("page_token", "is not a token from a previous page of this list");
  }
  return raw.substr(kTokenPrefix.size());
}

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return 50;
  return requested > 500 ? 500 : requested;
}

}  // namespace baton::handoff
