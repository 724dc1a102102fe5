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
#include "common/api/paging.h"
namespace page_token = ::baton::api;

// The filter every token here is bound to; another filter must refuse them.
constexpr char kFilter[] = "items;chain=chains/x;state=1";

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string hex = absl::BytesToHexString(input);

  const std::string token = page_token::EncodePageToken(kFilter, input);
  absl::StatusOr<std::string> back = page_token::DecodePageToken(token, kFilter);
  FUZZ_CHECK(back.ok() && *back == input, "the token of key ", hex,
             " does not decode to it: ", back.status().ToString());

  FUZZ_CHECK(!page_token::DecodePageToken(token, "items;chain=chains/y;state=1").ok(),
             "the token of key ", hex, " decodes under another filter");

  absl::StatusOr<std::string> last = page_token::DecodePageToken(input, kFilter);
  if (!last.ok()) {
    baton::fuzz::CheckBadRequest(last.status());
    FUZZ_CHECK(absl::StartsWith(last.status().message(), "page_token: "),
               "the error does not name page_token: ", last.status().ToString());
    return 0;
  }
  absl::StatusOr<std::string> again =
      page_token::DecodePageToken(page_token::EncodePageToken(kFilter, *last), kFilter);
  FUZZ_CHECK(again.ok() && *again == *last, "token ", hex, " decodes to ",
             absl::BytesToHexString(*last), ", whose own token does not");
  return 0;
}
