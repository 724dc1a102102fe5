#ifndef BATON_COMMON_SERVER_IDENTITY_H_
#define BATON_COMMON_SERVER_IDENTITY_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/authenticator.h"
#include "common/auth/principal.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/server_interceptor.h"

namespace baton::server {

// Who is calling. A server interceptor verifies each call's
// `authorization: Bearer <JWT>` metadata as it arrives, before the handler
// runs, and keeps the outcome (a Principal or the reason it was refused)
// for the life of the call; handlers ask Of(context).
// Calls to grpc.health.v1 and server reflection are not authenticated, so
// probes and standard tools work without a token.
// A refused call is not ended here: gRPC 1.51's server interceptors cannot
// finish a call with a status, and for a unary method the request has
// already been read when they run. The handler answers UNAUTHENTICATED
// (ServeRawUnary); what such calls can hold meanwhile: server_host.h.
// Thread-safe.
class CallIdentity {
 public:
  explicit CallIdentity(std::unique_ptr<auth::Authenticator> authenticator);
  ~CallIdentity();

  // The interceptor factory to give grpc::ServerBuilder (which takes
  // ownership of it); it must not outlive this object.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewInterceptorFactory();

  // The verified principal of the call, or UNAUTHENTICATED with the reason,
  // or UNAVAILABLE for a call that arrived after StartRefusing().
  absl::StatusOr<auth::Principal> Of(const grpc::ServerContextBase* context) const;

  // Shutdown: from now on every new call is answered UNAVAILABLE ("shutting
  // down; retry on another replica") by its handler, so that no call is
  // left for gRPC's own shutdown to cancel (gRPC 1.51 fails calls it had
  // not matched to a handler with CANCELLED, which clients must not retry
  // blindly; grpc/grpc#41785).
  void StartRefusing();
  // Waits until every call admitted before StartRefusing() has ended, at
  // most `timeout`. False on timeout.
  bool WaitForAdmittedCalls(absl::Duration timeout);

  bool dev_mode() const { return authenticator_->dev_mode(); }

 private:
  class Interceptor;
  class Factory;

  void Set(const grpc::ServerContextBase* context, absl::StatusOr<auth::Principal> outcome);
  void Erase(const grpc::ServerContextBase* context);

  struct Call {
    absl::StatusOr<auth::Principal> outcome;
    bool admitted;  // arrived before StartRefusing()
  };

  std::unique_ptr<auth::Authenticator> authenticator_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<const grpc::ServerContextBase*, Call> calls_ ABSL_GUARDED_BY(mu_);
  bool refusing_ ABSL_GUARDED_BY(mu_) = false;
  int admitted_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace baton::server

#endif  // BATON_COMMON_SERVER_IDENTITY_H_
