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
// The caller is authenticated BEFORE the request is parsed: a caller with no
// valid token never costs more than the interceptor's token check, whatever
// it sends.

#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth/caller.h"
#include "common/server/identity.h"
#include "common/server/raw_unary.h"
#include "common/storage/commit_queue.h"
#include "grpcpp/grpcpp.h"

namespace baton::server {

// The call's verified principal, the team it acts for (x-baton-act-as-team)
// and its deadline. UNAUTHENTICATED or PERMISSION_DENIED (auth::MakeCaller).
absl::StatusOr<auth::Caller> CallerOf(const grpc::CallbackServerContext* context,
                                      const CallIdentity& identity);

// A mutation: `method` finishes the call through its Done, once durable.
template <typename Request, typename Response, typename Domain>
grpc::ServerUnaryReactor* ServeMutation(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* in, grpc::ByteBuffer* out,
                                        const CallIdentity& identity, Domain* domain,
                                        void (Domain::*method)(const auth::Caller&, const Request&,
                                                               Response*, storage::Done)) {
  absl::StatusOr<auth::Caller> caller = CallerOf(context, identity);
  if (!caller.ok()) return FinishNow(context, caller.status());
  return ServeRawUnary<Request, Response>(
      context, in, out, [&](const Request& request, Response* response, Finish finish) {
        (domain->*method)(*caller, request, response, std::move(finish));
      });
}

// A read: answered on the calling thread.
template <typename Request, typename Response, typename Domain>
grpc::ServerUnaryReactor* ServeRead(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in, grpc::ByteBuffer* out,
    const CallIdentity& identity, const Domain* domain,
    absl::Status (Domain::*method)(const auth::Caller&, const Request&, Response*) const) {
  absl::StatusOr<auth::Caller> caller = CallerOf(context, identity);
  if (!caller.ok()) return FinishNow(context, caller.status());
  return ServeRawUnary<Request, Response>(
      context, in, out, [&](const Request& request, Response* response, Finish finish) {
        finish((domain->*method)(*caller, request, response));
      });
}

}  // namespace baton::server

#endif  // BATON_COMMON_SERVER_UNARY_ADAPTER_H_
