#ifndef BATON_COMMON_SERVER_UNARY_ADAPTER_H_
#define BATON_COMMON_SERVER_UNARY_ADAPTER_H_

// The thin gRPC half of every Baton unary method: authenticate, parse, call
// the domain, map the status, fill the response. A service's adapter is a
// list of one-liners:
//
//   Reactor* HandoffServiceImpl::OfferHandoff(Ctx* ctx, const Buf* in, Buf* out) {
//     return server::ServeMutation(ctx, in, out, *identity_, store_,
//                                  &HandoffStore::OfferHandoff);
//   }
//
// The caller is authenticated BEFORE the request is parsed (ServeRawUnary):
// a caller with no valid token never costs more than the interceptor's
// token check, whatever it sends.

#include <chrono>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth/caller.h"
#include "common/server/identity.h"
#include "common/server/raw_unary.h"
#include "common/storage/commit_queue.h"
#include "grpcpp/grpcpp.h"

namespace baton::server {

// The caller of an authenticated call: `principal`, the team it acts for
// (x-baton-act-as-team) and the call's deadline. PERMISSION_DENIED
// (auth::MakeCaller) when a non-service names another team.
absl::StatusOr<auth::Caller> CallerFrom(auth::Principal principal,
                                        const grpc::CallbackServerContext* context);

// The caller of a server stream and its parsed request: authenticated
// first, then the bytes parsed (server::ParseRequest), as every unary call.
template <typename Request>
absl::StatusOr<auth::Caller> StreamCaller(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* in, const CallIdentity& identity,
                                          Request* request) {
  absl::StatusOr<auth::Principal> principal = identity.Of(context);
  if (!principal.ok()) return principal.status();
  absl::StatusOr<auth::Caller> caller = CallerFrom(*std::move(principal), context);
  if (!caller.ok()) return caller.status();
  if (absl::Status s = ParseRequest(ToBytes(*in), request); !s.ok()) return s;
  return caller;
}

// A mutation: `method` finishes the call through its Done, once durable.
template <typename Request, typename Response, typename Domain>
grpc::ServerUnaryReactor* ServeMutation(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* in, grpc::ByteBuffer* out,
                                        const CallIdentity& identity, Domain* domain,
                                        void (Domain::*method)(const auth::Caller&, const Request&,
                                                               Response*, storage::Done)) {
  return ServeRawUnary<Request, Response>(
      context, identity, in, out,
      [&](auth::Principal principal, const Request& request, Response* response, Finish finish) {
        absl::StatusOr<auth::Caller> caller = CallerFrom(std::move(principal), context);
        if (!caller.ok()) return finish(caller.status());
        // std::invoke rather than (domain->*method)(...): GCC 12's
        // -fsanitize=vptr miscompiles that call inside this lambda (the
        // sanitizer build crashed on every call).
        std::invoke(method, domain, *caller, request, response, std::move(finish));
      });
}

// A read: answered on the calling thread.
template <typename Request, typename Response, typename Domain>
grpc::ServerUnaryReactor* ServeRead(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in, grpc::ByteBuffer* out,
    const CallIdentity& identity, const Domain* domain,
    absl::Status (Domain::*method)(const auth::Caller&, const Request&, Response*) const) {
  return ServeRawUnary<Request, Response>(
      context, identity, in, out,
      [&](auth::Principal principal, const Request& request, Response* response, Finish finish) {
        absl::StatusOr<auth::Caller> caller = CallerFrom(std::move(principal), context);
        if (!caller.ok()) return finish(caller.status());
        finish(std::invoke(method, domain, *caller, request, response));  // as in ServeMutation
      });
}

// A read that may wait (for another service's answer): `method` finishes
// the call through its Done, perhaps on another thread.
template <typename Request, typename Response, typename Domain>
grpc::ServerUnaryReactor* ServeAsyncRead(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* in, grpc::ByteBuffer* out,
                                         const CallIdentity& identity, const Domain* domain,
                                         void (Domain::*method)(const auth::Caller&, const Request&,
                                                                Response*, storage::Done) const) {
  return ServeRawUnary<Request, Response>(
      context, identity, in, out,
      [&](auth::Principal principal, const Request& request, Response* response, Finish finish) {
        absl::StatusOr<auth::Caller> caller = CallerFrom(std::move(principal), context);
        if (!caller.ok()) return finish(caller.status());
        std::invoke(method, domain, *caller, request, response, std::move(finish));  // as above
      });
}

}  // namespace baton::server

#endif  // BATON_COMMON_SERVER_UNARY_ADAPTER_H_
