#ifndef BATON_COMMON_SERVER_LISTEN_POLICY_H_
#define BATON_COMMON_SERVER_LISTEN_POLICY_H_

// Where a server may listen, given how it authenticates and whether the
// transport is encrypted: the rules that keep open dev mode and clear-text
// bearer tokens off the network.

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace baton::server {

// True when `address` ("host:port", "[v6]:port") names only loopback
// interfaces: the host is resolved (getaddrinfo, numeric forms without any
// lookup) and every address it resolves to must be in 127.0.0.0/8 or be
// ::1 (or ::ffff:127.x.y.z). So "127.0.0.1:0", "[::1]:0" and "localhost:0"
// pass, while "127.evil.com:80", "0.0.0.0:0", "[::]:0", ":0" and names that
// do not resolve do not. Blocks for as long as name resolution takes (a
// numeric or /etc/hosts name: microseconds). Thread-safe.
//
// gRPC resolves a name again when it binds; a name whose DNS answer could
// change between the two (anything but a numeric address or "localhost")
// should not be relied on.
bool IsLoopbackAddress(const std::string& address);

struct ListenPolicyInput {
  std::string address;    // what the server listens on, host:port
  bool tls = false;       // the transport is TLS
  bool dev_mode = false;  // open dev mode: tokens are not verified
  // The operator says TLS is terminated in front of this server (a service
  // mesh sidecar), so bearer tokens in plaintext on a non-loopback address
  // are acceptable.
  bool allow_plaintext_tokens_on_network = false;
};

// The policy:
//  - open dev mode only on a loopback address (TLS or not), with a warning;
//  - bearer tokens over plaintext on a non-loopback address only with
//    allow_plaintext_tokens_on_network, with a warning;
//  - everything else (TLS, or loopback) is allowed silently.
// Returns the warnings to log loudly (empty when none), or
// FAILED_PRECONDITION saying what to change. Thread-safe.
absl::StatusOr<std::vector<std::string>> CheckListenPolicy(const ListenPolicyInput& input);

}  // namespace baton::server

#endif  // BATON_COMMON_SERVER_LISTEN_POLICY_H_
