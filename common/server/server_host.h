#ifndef BATON_COMMON_SERVER_SERVER_HOST_H_
#define BATON_COMMON_SERVER_SERVER_HOST_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/identity.h"
#include "common/server/listen_policy.h"
#include "common/server/tls_credentials.h"
#include "grpcpp/grpcpp.h"

namespace baton::server {

struct ServerHostOptions {
  // host:port to listen on; port 0 picks a free one. Required.
  std::string address;
  // Plaintext, TLS or mutual TLS; checked and loaded by Start()
  // (LoadServerCredentials). Default: plaintext.
  TlsOptions tls;
  // On shutdown, how long the server keeps serving new calls after its
  // health turned NOT_SERVING, so that load balancers and clients watching
  // health move away before the port closes. Default: 0 (none).
  absl::Duration lame_duck = absl::ZeroDuration();
  // After the lame duck, how long every new call is answered UNAVAILABLE
  // before the port closes, so that clients still sending move on before
  // gRPC's own shutdown, which would fail a call arriving in that instant
  // with CANCELLED (gRPC 1.51; grpc/grpc#41785). Default: 250 ms.
  absl::Duration refuse_period = absl::Milliseconds(250);
  // Serve bearer tokens over plaintext on a non-loopback address: only when
  // TLS is terminated in front of the server (a service mesh). Start()
  // refuses plaintext on a non-loopback address without it, and warns with
  // it (CheckListenPolicy). Default: false.
  bool allow_plaintext_tokens_on_network = false;
  // Largest request message accepted, in bytes (after decompression). gRPC
  // refuses a larger one with RESOURCE_EXHAUSTED before any Baton code sees
  // it, so it bounds what one call can make the server buffer and parse.
  // Must be > 0. Default: 4 MiB (gRPC's own default, made explicit).
  int max_receive_message_bytes = 4 * 1024 * 1024;
  // How long in-flight calls get to finish on shutdown before they are
  // cancelled. Default: 10 s.
  absl::Duration drain_timeout = absl::Seconds(10);
};

// One gRPC server with Baton's bootstrap: the identity interceptor, standard
// health checking (one status per service name, plus "" for the server),
// server reflection, TLS by option, and an orderly shutdown.
class ServerHost {
 public:
  // `identity` must outlive the host. In dev mode (no verifier) the address
  // must be a loopback one, and so must a plaintext one unless
  // allow_plaintext_tokens_on_network: Start() refuses anything else.
  ServerHost(ServerHostOptions options, CallIdentity* identity);
  ~ServerHost();

  // Registers a service under its full name (e.g.
  // "baton.handoff.v1.HandoffService") for health. Before Start(). Its
  // health at Start() is SERVING, or NOT_SERVING when `serving_at_start` is
  // false (a service that must first get ready: SetServing(name, true)).
  void AddService(grpc::Service* service, std::string health_name, bool serving_at_start = true);
  // Runs at the start of Shutdown(), before calls are drained, the hook
  // added last first: close event logs here so that their streams end.
  void OnShutdown(std::function<void()> hook);

  // Binds and starts serving. FAILED_PRECONDITION when the listen policy
  // refuses the address (CheckListenPolicy); INVALID_ARGUMENT or NOT_FOUND
  // naming the file when the TLS files are incomplete, missing or do not
  // parse (LoadServerCredentials), or max_receive_message_bytes is not
  // positive; UNAVAILABLE when the address cannot be bound.
  absl::Status Start();
  // The bound port (after Start()).
  int port() const { return port_; }

  // Sets the health of every registered service and of the server ("").
  // After Start().
  void SetServing(bool serving);
  // Sets the health of one registered service (or, for "", of the server).
  // After Start(); not thread-safe with the other SetServing calls (callers
  // serialise them).
  void SetServing(const std::string& health_name, bool serving);

  // Marks every service NOT_SERVING, keeps serving for the lame-duck
  // period, runs the shutdown hooks (which end streams with UNAVAILABLE),
  // stops accepting calls and waits up to drain_timeout for running ones.
  // Idempotent.
  void Shutdown();

 private:
  ServerHostOptions options_;
  CallIdentity* identity_;
  struct Registered {
    grpc::Service* service;
    std::string health_name;
    bool serving_at_start;
  };
  std::vector<Registered> services_;
  std::vector<std::function<void()>> shutdown_hooks_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts
// later; call first thing in main(). WaitForTerminationSignal() then returns
// the signal number when one arrives.
void BlockTerminationSignals();
int WaitForTerminationSignal();

}  // namespace baton::server

#endif  // BATON_COMMON_SERVER_SERVER_HOST_H_
