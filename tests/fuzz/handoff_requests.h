#ifndef BATON_TESTS_FUZZ_HANDOFF_REQUESTS_H_
#define BATON_TESTS_FUZZ_HANDOFF_REQUESTS_H_

// The handoff requests that services/handoff/validation.h checks, chosen by
// one byte, so that a fuzz target covers every type: its input is that byte
// followed by the request's wire bytes (as the server receives them).

#include <cstdint>

#include "baton/handoff/v1/handoff_service.pb.h"
#include "google/protobuf/stubs/logging.h"

namespace baton::fuzz {

inline constexpr int kHandoffRequestTypes = 9;

// Calls `f` with a default instance of request type `selector` (modulo the
// number of types). The order is the seed corpus's format: keep it.
template <typename F>
void WithHandoffRequest(uint8_t selector, F&& f) {
  namespace v1 = ::baton::handoff::v1;
  switch (selector % kHandoffRequestTypes) {
    case 0:
      return f(v1::CreateDepartmentRequest());
    case 1:
      return f(v1::CreateTeamRequest());
    case 2:
      return f(v1::CreateChainRequest());
    case 3:
      return f(v1::CreateWorkItemRequest());
    case 4:
      return f(v1::CompleteWorkItemRequest());
    case 5:
      return f(v1::DropWorkItemRequest());
    case 6:
      return f(v1::OfferHandoffRequest());
    case 7:
      return f(v1::AcceptHandoffRequest());
    default:
      return f(v1::ReturnHandoffRequest());
  }
}

// Protobuf logs every string that is not UTF-8 as it parses; at fuzzing
// speed that is most of the run's time. The server sends these logs to its
// debug log (common/log), which is off by default (level info).
inline void SilenceProtobufLogs() { google::protobuf::SetLogHandler(nullptr); }

}  // namespace baton::fuzz

#endif  // BATON_TESTS_FUZZ_HANDOFF_REQUESTS_H_
