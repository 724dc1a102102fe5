// Fuzzes request validation of every handoff request type: the first input
// byte picks the type (tests/fuzz/handoff_requests.h), the rest are the wire
// bytes of the request. They are parsed as the server parses them
// (server::ParseRequest), then checked with handoff::Validate. Every error,
// from either step, is INVALID_ARGUMENT; every Validate error (and every
// parse error that names a field) carries a BadRequest whose first field the
// message names. Time is bounded by libFuzzer's -timeout (scripts/fuzz.sh).

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "absl/strings/match.h"
#include "common/server/raw_unary.h"
#include "services/handoff/validation.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/handoff_requests.h"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  baton::fuzz::SilenceProtobufLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  baton::fuzz::WithHandoffRequest(data[0], [&](auto request) {
    absl::Status parsed = baton::server::ParseRequest(bytes, &request);
    if (!parsed.ok()) {
      FUZZ_CHECK(parsed.code() == absl::StatusCode::kInvalidArgument, "parse of a ",
                 request.GetTypeName(), " failed with ", parsed.ToString());
      if (absl::StrContains(parsed.message(), "UTF-8")) baton::fuzz::CheckBadRequest(parsed);
      return;
    }
    // Validate returns a Status, or the parsed ids as a StatusOr.
    const auto result = baton::handoff::Validate(request);
    absl::Status valid;
    if constexpr (std::is_same_v<std::decay_t<decltype(result)>, absl::Status>) {
      valid = result;
    } else {
      valid = result.status();
    }
    if (!valid.ok()) baton::fuzz::CheckBadRequest(valid);
  });
  return 0;
}
