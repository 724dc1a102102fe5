// Fuzzes resource names (ParseName): the first input byte picks the
// collection, the rest is the name a caller sent. Anything ParseName accepts
// is the collection followed by 1-63 of [a-z0-9-], and re-forms with Name()
// to exactly the name given; no name parses in two collections; anything it
// refuses is INVALID_ARGUMENT with a BadRequest naming the field.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "tests/fuzz/fuzz_check.h"

// Where resource names live today.
#include "common/api/names.h"
namespace names = ::baton::api;

namespace {

constexpr absl::string_view kCollections[] = {names::kDepartments, names::kTeams, names::kChains,
                                              names::kWorkItems, names::kHandoffs};
constexpr size_t kCollectionCount = sizeof(kCollections) / sizeof(kCollections[0]);

bool IsIdChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const absl::string_view collection = kCollections[data[0] % kCollectionCount];
  const std::string name(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string hex = absl::BytesToHexString(name);

  absl::StatusOr<std::string> id = names::ParseName("team.department", name, collection);
  if (!id.ok()) {
    baton::fuzz::CheckBadRequest(id.status());
    FUZZ_CHECK(absl::StartsWith(id.status().message(), "team.department: "),
               "the error does not name the field: ", id.status().ToString());
    return 0;
  }
  FUZZ_CHECK(names::Name(collection, *id) == name, "name ", hex, " parses to id '", *id,
             "', which re-forms to ", names::Name(collection, *id));
  FUZZ_CHECK(!id->empty() && id->size() <= 63, "id of ", id->size(), " bytes from ", hex);
  for (char c : *id) FUZZ_CHECK(IsIdChar(c), "id '", *id, "' holds ", absl::CHexEscape({&c, 1}));
  for (absl::string_view other : kCollections) {
    if (other == collection) continue;
    FUZZ_CHECK(!names::ParseName("name", name, other).ok(), "name ", name, " parses as both ",
               collection, " and ", other);
  }
  return 0;
}
