#ifndef BATON_COMMON_SERVER_SERVER_HOST_H_
#define BATON_COMMON_SERVER_SERVER_HOST_H_

#include <cstdint>
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

  // Transport bounds (the design and the reasons are below the struct).

  // Calls one connection may have open at once (HTTP/2
  // SETTINGS_MAX_CONCURRENT_STREAMS). gRPC clients queue further calls on
  // the client until one ends; a peer that opens more anyway breaks the
  // protocol, and gRPC refuses the streams or closes the connection. High
  // enough for a proxy or mesh carrying many clients' watch streams on one
  // connection. Must be > 0. Default: 2048.
  int max_streams_per_connection = 2048;
  // The server pings each connection this often (HTTP/2 PING), with or
  // without calls in progress, and closes it when the
  // answer does not come within keepalive_timeout: a peer that vanished
  // (host down, process stopped, cable cut) stops holding its calls and
  // watch slots after at most keepalive_time + keepalive_timeout (80 s by
  // default). Must be > 0. Defaults: 60 s and 20 s.
  absl::Duration keepalive_time = absl::Seconds(60);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  // The shortest interval between client keepalive pings the server
  // tolerates (with or without calls in progress); a client pinging more
  // often is told GOAWAY "too_many_pings" at the third such ping. 10 s is
  // the shortest keepalive time gRPC clients allow themselves (grpc-go,
  // grpc-java); grpc-js and gRPC C++ send no keepalive pings unless asked.
  // Must be > 0. Default: 10 s.
  absl::Duration min_client_ping_interval = absl::Seconds(10);
};

// Design of the transport bounds (gRPC 1.51):
//  - Memory: gRPC's only server-wide memory bound is a ResourceQuota. In
//    1.51 it holds a flood of unauthenticated 4 MiB calls on one
//    connection near the quota, but with the flood spread over 2-8
//    connections usage overshot it many times over and ended higher than
//    with no quota (0.7-2.9 GB peak with 16-256 MiB, against 0.4-0.7 GB;
//    gRPC reworked its pressure controller after 1.51, grpc/grpc#31918 and
//    #32625). An option that makes the hostile case worse is a trap, so
//    there is none.
//  - Authentication happens after the request is buffered: for a unary
//    method gRPC reads the whole message before it matches the call to a
//    handler, so even the interceptor's POST_RECV_INITIAL_METADATA hook runs
//    after the body arrived, and an interceptor cannot end a call with a
//    status. Refusing earlier means serving unary methods as streams at the
//    core (payload not read before the handler), which every service's
//    registration would have to change for: not done yet. Until then one
//    unauthenticated call holds at most max_receive_message_bytes, one
//    connection at most max_streams_per_connection such calls, and nothing
//    bounds the number of connections.
//  - Connections: 1.51 has no cap on accepted connections
//    (grpc.max_allowed_incoming_connections came later).
//    max_streams_per_connection bounds the calls of one well-behaved
//    connection (one that acknowledges SETTINGS).
//  - Liveness: server keepalive pings (keepalive_time, keepalive_timeout,
//    permitted without calls, not limited to pings without data) find dead
//    peers; an idle but live client answers them and keeps its connection
//    (no max_connection_idle: an idle batonctl `watch` must not be
//    disconnected). Client pings are allowed every min_client_ping_interval
//    with or without calls, with gRPC's default of 2 strikes.

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
  // parse (LoadServerCredentials), or a transport bound above is out of
  // range (the message names the batond flag that sets it); UNAVAILABLE
  // when the address cannot be bound.
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
