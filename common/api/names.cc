#include "common/api/names.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace baton::api {
namespace {

bool IsId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

std::string Name(absl::string_view collection, absl::string_view id) {
  return absl::StrCat(collection, id);
}

absl::StatusOr<std::string> ParseName(absl::string_view field, absl::string_view name,
                                      absl::string_view collection) {
  if (absl::StartsWith(name, collection) && IsId(name.substr(collection.size()))) {
    return std::string(name.substr(collection.size()));
  }
  return InvalidField(std::string(field),
                      name.empty() ? std::string("is required")
                                   : absl::StrCat("must look like ", collection, "{id}"));
}

absl::StatusOr<std::string> StoredId(absl::string_view what, absl::string_view name,
                                     absl::string_view collection) {
  if (absl::StartsWith(name, collection) && IsId(name.substr(collection.size()))) {
    return std::string(name.substr(collection.size()));
  }
  return absl::DataLossError(
      absl::StrCat("stored ", what, " is not a ", collection, "{id} name; the record is damaged"));
}

}  // namespace baton::api
