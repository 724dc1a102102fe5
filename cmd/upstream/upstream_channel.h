#ifndef BATON_CMD_UPSTREAM_UPSTREAM_CHANNEL_H_
#define BATON_CMD_UPSTREAM_UPSTREAM_CHANNEL_H_

// The channel a server binary opens to another Baton service (baton-feedback
// asking handoff for facts, baton-rating streaming both event logs): TLS or
// mutual TLS by flag, and the same rule for bearer tokens in plaintext as
// the server's own listen policy (common/server/listen_policy.h).
//
// A sibling of cmd/service_token rather than part of it: the token is what
// each call carries, the channel is the transport it travels on, with its
// own flags, files and gRPC dependency. Every upstream channel carries a
// service token, so the plaintext rule always applies. Linked only by
// executables (it defines the --upstream_tls_* flags).
//
//   auto channel = cmd::UpstreamChannel(address, cmd::UpstreamOptionsFromFlags());
//   if (!channel.ok()) return channel.status();  // a start-up error

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"

namespace baton::cmd {

struct UpstreamOptions {
  // PEM CA certificate(s) that the peer's certificate must chain to. TLS is
  // on when set. Default: empty (plaintext).
  std::string ca_file;
  // PEM certificate chain and its unencrypted private key, presented to
  // peers that require mutual TLS. Both or neither; only with ca_file.
  // Default: empty (no client certificate).
  std::string cert_file;
  std::string key_file;
  // The name checked in the peer's certificate instead of the address's
  // host (an address by IP, a certificate naming the service's DNS name).
  // Only with ca_file. Default: empty (the address's host).
  std::string server_name;
  // Send bearer tokens in plaintext to a non-loopback address: only when a
  // service mesh or proxy encrypts the hop (logged as a warning).
  // Default: false.
  bool allow_plaintext_tokens_on_network = false;
};

// The options of --upstream_tls_ca_file, --upstream_tls_cert_file,
// --upstream_tls_key_file, --upstream_tls_server_name and
// --allow_plaintext_tokens_on_network (cmd/server_main). After
// ParseServerFlags.
UpstreamOptions UpstreamOptionsFromFlags();

// A channel to the Baton service at `address` (host:port, non-empty): TLS
// verified against ca_file (with a client certificate when given) when
// ca_file is set, else plaintext. Connects lazily: a peer that is down or
// whose certificate does not verify shows on the calls (UNAVAILABLE), not
// here. Every file is read and checked now (common/server/pem_files.h).
// Errors, each naming the --upstream_tls_* flag concerned:
//  - INVALID_ARGUMENT: a certificate without its key or a key without its
//    certificate; a certificate or server name without ca_file; a file that
//    is not a regular file, cannot be read, holds no PEM certificate (or
//    key), or a key that is not the certificate's;
//  - NOT_FOUND: a file that does not exist;
//  - FAILED_PRECONDITION: plaintext (no ca_file) to an address that is not
//    loopback (server::IsLoopbackAddress) without
//    allow_plaintext_tokens_on_network; with it, a warning is logged.
// Plaintext to a loopback address is allowed silently. Thread-safe.
absl::StatusOr<std::shared_ptr<grpc::Channel>> UpstreamChannel(const std::string& address,
                                                               const UpstreamOptions& options);

}  // namespace baton::cmd

#endif  // BATON_CMD_UPSTREAM_UPSTREAM_CHANNEL_H_
