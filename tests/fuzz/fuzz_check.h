#ifndef BATON_TESTS_FUZZ_FUZZ_CHECK_H_
#define BATON_TESTS_FUZZ_FUZZ_CHECK_H_

// Property checks for the fuzz targets. A failed check prints what was
// expected and aborts, which libFuzzer reports as a crash and saves the input
// (crash-<sha1>) so that it can be replayed: `./<target> crash-<sha1>`.

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"

namespace baton::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* condition,
                              const std::string& detail) {
  std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n  %s\n", file, line, condition,
               detail.c_str());
  std::abort();
}

// `detail` (anything absl::StrCat takes) is evaluated only on failure.
#define FUZZ_CHECK(condition, ...)                                                      \
  do {                                                                                  \
    if (!(condition)) {                                                                 \
      ::baton::fuzz::Fail(__FILE__, __LINE__, #condition, ::absl::StrCat(__VA_ARGS__)); \
    }                                                                                   \
  } while (0)

// Bounds on one error, whatever the request (DESIGN.md: "everything that
// grows has a bound ... error details"): it travels in one gRPC trailer.
inline constexpr size_t kMaxErrorMessageBytes = 4 * 1024;
inline constexpr size_t kMaxErrorDetailBytes = 16 * 1024;

// Checks the contract of every Baton input error (common/status/errors.h):
// INVALID_ARGUMENT with a BadRequest listing at least one field violation,
// a message that starts with the first violation's field, and message and
// details within the bounds above.
inline void CheckBadRequest(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, "expected INVALID_ARGUMENT, got ",
             status.ToString());
  auto payload = status.GetPayload("type.googleapis.com/google.rpc.BadRequest");
  FUZZ_CHECK(payload.has_value(), "no BadRequest detail: ", status.ToString());
  google::rpc::BadRequest detail;
  FUZZ_CHECK(detail.ParseFromString(std::string(*payload)), "BadRequest does not parse");
  FUZZ_CHECK(detail.field_violations_size() > 0, "BadRequest lists no field: ", status.ToString());
  const std::string& first = detail.field_violations(0).field();
  FUZZ_CHECK(!first.empty() && absl::StartsWith(status.message(), absl::StrCat(first, ": ")),
             "message does not name the first wrong field '", first, "': ", status.message());
  size_t detail_bytes = 0;
  status.ForEachPayload(
      [&](absl::string_view, const absl::Cord& payload) { detail_bytes += payload.size(); });
  FUZZ_CHECK(
      status.message().size() <= kMaxErrorMessageBytes && detail_bytes <= kMaxErrorDetailBytes,
      "error of ", status.message().size(), " message bytes and ", detail_bytes, " detail bytes (",
      detail.field_violations_size(), " violations): ", status.message().substr(0, 200));
}

}  // namespace baton::fuzz

#endif  // BATON_TESTS_FUZZ_FUZZ_CHECK_H_
