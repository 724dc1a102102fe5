#ifndef BATON_TESTS_FUZZ_VALIDATION_FUZZ_H_
#define BATON_TESTS_FUZZ_VALIDATION_FUZZ_H_

// The body of every request-validation fuzz target: the first input byte
// picks the request type (a WithXRequest of tests/fuzz/*_requests.h), the
// rest are the wire bytes of the request. They are parsed as the server
// parses them (server::ParseRequest), then checked with the service's
// Validate. Every error, from either step, is INVALID_ARGUMENT; every
// Validate error (and every parse error that names a field) carries a
// BadRequest whose first field the message names. Time is bounded by
// libFuzzer's -timeout (scripts/fuzz.sh).

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "common/server/raw_unary.h"
#include "tests/fuzz/fuzz_check.h"

namespace baton::fuzz {

// `with_request(selector, f)` calls f with a default request of the chosen
// type; `validate(request)` returns a Status or a StatusOr.
template <typename WithRequest, typename Validate>
void FuzzValidation(const uint8_t* data, size_t size, WithRequest with_request, Validate validate) {
  if (size == 0) return;
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  with_request(data[0], [&](auto request) {
    absl::Status parsed = server::ParseRequest(bytes, &request);
    if (!parsed.ok()) {
      FUZZ_CHECK(parsed.code() == absl::StatusCode::kInvalidArgument, "parse of a ",
                 request.GetTypeName(), " failed with ", parsed.ToString());
      if (absl::StrContains(parsed.message(), "UTF-8")) CheckBadRequest(parsed);
      return;
    }
    const auto result = validate(request);
    absl::Status valid;
    if constexpr (std::is_same_v<std::decay_t<decltype(result)>, absl::Status>) {
      valid = result;
    } else {
      valid = result.status();
    }
    if (!valid.ok()) CheckBadRequest(valid);
  });
}

}  // namespace baton::fuzz

#endif  // BATON_TESTS_FUZZ_VALIDATION_FUZZ_H_
