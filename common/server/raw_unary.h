#ifndef BATON_COMMON_SERVER_RAW_UNARY_H_
#define BATON_COMMON_SERVER_RAW_UNARY_H_

// Unary handlers that parse their own requests. gRPC's generated parsing
// fails a request whose string field is not valid UTF-8 with a bare
// UNIMPLEMENTED or INTERNAL; Baton registers its unary methods as raw
// (ByteBuffer) callback methods and parses here instead, so that such a
// request gets INVALID_ARGUMENT naming the field.
//
// Cost before the handler: a caller without valid credentials costs one
// lookup here (its request is never parsed); an authenticated one costs time
// and memory linear in the request's size (parsing, and on failure one more
// pass to find the field), and a bounded error. gRPC itself refuses
// requests above the server's receive limit, and has buffered the whole
// request before this runs, authenticated or not: one call at most the
// receive limit, one connection at most max_streams_per_connection calls,
// and nothing bounds the connections yet (server_host.h says why).

#include <memory>
#include <string>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/principal.h"
#include "common/server/identity.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"

namespace baton::server {

// The bytes of a ByteBuffer.
std::string ToBytes(const grpc::ByteBuffer& buffer);

// Parses `bytes` into `message`. On failure, INVALID_ARGUMENT naming the
// first string field (as a path such as "chain.stages[1].display_name")
// that is not valid UTF-8, or saying that the bytes are not a `message`.
// Time and memory linear in bytes.size() (nesting is followed 16 deep).
absl::Status ParseRequest(const std::string& bytes, google::protobuf::Message* message);

// A response already serialised (e.g. kept by a cache until its data
// changes): ServeRawUnary sends its bytes as they are, with no copy of the
// message and no serialisation per call. Shared, so a cache may hand the
// same bytes to many calls.
struct SerializedResponse {
  std::shared_ptr<const std::string> bytes;

  std::string SerializeAsString() const { return bytes ? *bytes : std::string(); }
};

// Finishes a unary call: `status` with its details, or the response.
using Finish = absl::AnyInvocable<void(absl::Status)>;

// Serves one raw unary call:
//  1. asks `identity` who the caller is; an unauthenticated call is
//     finished with that UNAUTHENTICATED status before its request is
//     parsed (so a caller without a token cannot make us parse anything);
//  2. parses a `Request` (ParseRequest; INVALID_ARGUMENT when it does not);
//  3. calls `handler(auth::Principal principal, const Request&, Response*,
//     Finish)` — the principal is passed as an rvalue, so the handler may
//     take it by value or by const reference —, and when the handler calls
//     Finish(OK) serializes the response.
// The handler may finish on any thread; the request and response stay alive
// until it does. `identity` is only used during this call.
template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* ServeRawUnary(grpc::CallbackServerContext* context,
                                        const CallIdentity& identity, const grpc::ByteBuffer* in,
                                        grpc::ByteBuffer* out, Handler&& handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<auth::Principal> principal = identity.Of(context);
  if (!principal.ok()) {
    reactor->Finish(ToGrpcStatus(principal.status()));
    return reactor;
  }
  auto request = std::make_unique<Request>();
  if (absl::Status parsed = ParseRequest(ToBytes(*in), request.get()); !parsed.ok()) {
    reactor->Finish(ToGrpcStatus(parsed));
    return reactor;
  }
  // The request and response live until the call finishes: handlers that
  // finish later (after a durable commit) keep pointing at them.
  auto response = std::make_unique<Response>();
  const Request& request_ref = *request;
  Response* response_ptr = response.get();
  handler(*std::move(principal), request_ref, response_ptr,
          Finish([reactor, out, request = std::move(request),
                  response = std::move(response)](absl::Status status) {
            if (status.ok()) {
              grpc::Slice slice(response->SerializeAsString());
              *out = grpc::ByteBuffer(&slice, 1);
            }
            reactor->Finish(ToGrpcStatus(status));
          }));
  return reactor;
}

}  // namespace baton::server

#endif  // BATON_COMMON_SERVER_RAW_UNARY_H_
