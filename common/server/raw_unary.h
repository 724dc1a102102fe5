#ifndef BATON_COMMON_SERVER_RAW_UNARY_H_
#define BATON_COMMON_SERVER_RAW_UNARY_H_

// Unary handlers that parse their own requests. gRPC's generated parsing
// fails a request whose string field is not valid UTF-8 with a bare
// UNIMPLEMENTED or INTERNAL; Baton registers its unary methods as raw
// (ByteBuffer) callback methods and parses here instead, so that such a
// request gets INVALID_ARGUMENT naming the field.

#include <memory>
#include <string>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
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
absl::Status ParseRequest(const std::string& bytes, google::protobuf::Message* message);

// Finishes a unary call: `status` with its details, or the response.
using Finish = absl::AnyInvocable<void(absl::Status)>;

// Finishes a unary call at once with `status` (e.g. before parsing, when
// the caller is not authenticated).
inline grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                           const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Serves one raw unary call: parses a `Request`, calls
// `handler(const Request&, Response*, Finish)`, and when the handler calls
// Finish(OK) serializes the response. The handler may finish on any thread.
template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* ServeRawUnary(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* in, grpc::ByteBuffer* out,
                                        Handler&& handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
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
  handler(request_ref, response_ptr,
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
