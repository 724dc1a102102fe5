// Fuzzes the parsing step of ServeRawUnary (server::ParseRequest) on
// arbitrary bytes, for the handoff request types of
// tests/fuzz/handoff_requests.h (first input byte). It must agree with
// protobuf's own parser; a request it accepts re-serializes to bytes that
// parse back to the same message; a refusal is INVALID_ARGUMENT, and one that
// names a field (a string that is not UTF-8) names a field of the request,
// with a BadRequest.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "common/server/raw_unary.h"
#include "tests/fuzz/fuzz_check.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/fuzz/handoff_requests.h"

namespace {

constexpr absl::string_view kUtf8Suffix = ": not valid UTF-8";

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  baton::fuzz::SilenceProtobufLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  baton::fuzz::WithHandoffRequest(data[0], [&](auto request) {
    using Request = decltype(request);
    absl::Status parsed = baton::server::ParseRequest(bytes, &request);
    Request reference;
    FUZZ_CHECK(parsed.ok() == reference.ParseFromString(bytes), request.GetTypeName(),
               ": ParseRequest says ", parsed.ToString(), " but protobuf disagrees");
    if (parsed.ok()) {
      // (Compared as messages: map entries serialize in no fixed order.)
      Request back;
      FUZZ_CHECK(baton::server::ParseRequest(request.SerializeAsString(), &back).ok(),
                 "a parsed request does not re-parse");
      FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(request, back),
                 "a parsed request changes on re-parsing: ", request.ShortDebugString(), " vs ",
                 back.ShortDebugString());
      return;
    }
    FUZZ_CHECK(parsed.code() == absl::StatusCode::kInvalidArgument, request.GetTypeName(),
               ": refused with ", parsed.ToString());
    if (!absl::EndsWith(parsed.message(), kUtf8Suffix)) return;
    baton::fuzz::CheckBadRequest(parsed);
    // The path starts with a field of the request: "chain.stages[1].owner_team".
    const absl::string_view path =
        absl::string_view(parsed.message()).substr(0, parsed.message().size() - kUtf8Suffix.size());
    const absl::string_view top = path.substr(0, path.find_first_of(".["));
    FUZZ_CHECK(request.GetDescriptor()->FindFieldByName(std::string(top)) != nullptr,
               request.GetTypeName(), " has no field '", top, "' (path ", path, ")");
  });
  return 0;
}
