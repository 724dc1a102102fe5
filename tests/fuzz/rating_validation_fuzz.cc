// Fuzzes request validation of every rating read request type
// (tests/fuzz/validation_fuzz.h says what is checked).

#include "services/rating/validation.h"
#include "tests/fuzz/handoff_requests.h"
#include "tests/fuzz/service_requests.h"
#include "tests/fuzz/validation_fuzz.h"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  baton::fuzz::SilenceProtobufLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  baton::fuzz::FuzzValidation(
      data, size, [](uint8_t selector, auto f) { baton::fuzz::WithRatingRequest(selector, f); },
      [](const auto& request) { return baton::rating::Validate(request); });
  return 0;
}
