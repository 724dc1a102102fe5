// Fuzzes page tokens (EncodePageToken / DecodePageToken):
//  1. the input, as the last key of a page, encodes to a token that decodes
//     back to exactly that key;
//  2. the input, as a token from a caller, decodes or is refused with
//     INVALID_ARGUMENT naming page_token (a BadRequest); a token that decodes
//     to `last` is equivalent to EncodePageToken(last).

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "tests/fuzz/fuzz_check.h"

// Where page tokens live; they move to common/ soon: change only these lines.
#include "services/handoff/names.h"
namespace page_token = ::baton::handoff;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string hex = absl::BytesToHexString(input);

  const std::string token = page_token::EncodePageToken(input);
  absl::StatusOr<std::string> back = page_token::DecodePageToken(token);
  FUZZ_CHECK(back.ok() && *back == input, "the token of key ", hex,
             " does not decode to it: ", back.status().ToString());

  absl::StatusOr<std::string> last = page_token::DecodePageToken(input);
  if (!last.ok()) {
    baton::fuzz::CheckBadRequest(last.status());
    FUZZ_CHECK(absl::StartsWith(last.status().message(), "page_token: "),
               "the error does not name page_token: ", last.status().ToString());
    return 0;
  }
  absl::StatusOr<std::string> again =
      page_token::DecodePageToken(page_token::EncodePageToken(*last));
  FUZZ_CHECK(again.ok() && *again == *last, "token ", hex, " decodes to ",
             absl::BytesToHexString(*last), ", whose own token does not");
  return 0;
}
