#include "cmd/upstream/upstream_channel.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cmd/server_main/server_main.h"
#include "common/log/log.h"
#include "common/server/listen_policy.h"
#include "common/server/pem_files.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

ABSL_FLAG(std::string, upstream_tls_ca_file, "",
          "PEM CA that the certificates of the Baton services this server calls must chain to; "
          "turns TLS on for every such call");
ABSL_FLAG(std::string, upstream_tls_cert_file, "",
          "PEM client certificate for those calls, for peers that require mutual TLS; needs "
          "--upstream_tls_key_file and --upstream_tls_ca_file");
ABSL_FLAG(std::string, upstream_tls_key_file, "", "PEM private key of --upstream_tls_cert_file");
ABSL_FLAG(std::string, upstream_tls_server_name, "",
          "name to check in the peers' certificates instead of the address's host (e.g. when "
          "the address is an IP); needs --upstream_tls_ca_file");

namespace baton::cmd {
namespace {

absl::Status ValidateUpstreamOptions(const UpstreamOptions& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError(
        options.key_file.empty()
            ? "--upstream_tls_cert_file is set without --upstream_tls_key_file: give the "
              "certificate's private key too"
            : "--upstream_tls_key_file is set without --upstream_tls_cert_file: give the "
              "certificate too (or neither, to present no client certificate)");
  }
  if (options.ca_file.empty()) {
    if (!options.cert_file.empty()) {
      return absl::InvalidArgumentError(
          "--upstream_tls_cert_file (a client certificate for mutual TLS) is set without "
          "--upstream_tls_ca_file: give the CA that the peers' certificates chain to");
    }
    if (!options.server_name.empty()) {
      return absl::InvalidArgumentError(
          "--upstream_tls_server_name is set without --upstream_tls_ca_file: the name is checked "
          "in the peer's certificate, which only TLS has");
    }
  }
  return absl::OkStatus();
}

// The plaintext channel, when the policy allows it.
absl::StatusOr<std::shared_ptr<grpc::Channel>> PlaintextChannel(const std::string& address,
                                                                const UpstreamOptions& options) {
  if (!server::IsLoopbackAddress(address)) {
    if (!options.allow_plaintext_tokens_on_network) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing to send bearer tokens in plaintext to '", address,
          "', which is not a loopback address: anyone on the network path could read and replay "
          "them. Give --upstream_tls_ca_file (the CA of the peer's certificate); or, when a "
          "service mesh sidecar encrypts the hop, say so with "
          "--allow_plaintext_tokens_on_network"));
    }
    log::Warn(absl::StrCat("PLAINTEXT TOKENS ON THE NETWORK: bearer tokens are sent unencrypted "
                           "to '",
                           address,
                           "' (--allow_plaintext_tokens_on_network). Only safe when a service "
                           "mesh or proxy encrypts the hop and it cannot be observed."),
              {{"address", address}});
  }
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

}  // namespace

UpstreamOptions UpstreamOptionsFromFlags() {
  return {.ca_file = absl::GetFlag(FLAGS_upstream_tls_ca_file),
          .cert_file = absl::GetFlag(FLAGS_upstream_tls_cert_file),
          .key_file = absl::GetFlag(FLAGS_upstream_tls_key_file),
          .server_name = absl::GetFlag(FLAGS_upstream_tls_server_name),
          .allow_plaintext_tokens_on_network = AllowPlaintextTokensOnNetwork()};
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> UpstreamChannel(const std::string& address,
                                                               const UpstreamOptions& options) {
  if (absl::Status s = ValidateUpstreamOptions(options); !s.ok()) return s;
  if (options.ca_file.empty()) return PlaintextChannel(address, options);

  grpc::SslCredentialsOptions ssl;
  auto ca_pem = server::ReadPemCertificates(options.ca_file, "--upstream_tls_ca_file");
  if (!ca_pem.ok()) return ca_pem.status();
  ssl.pem_root_certs = *std::move(ca_pem);
  if (!options.cert_file.empty()) {
    auto pair = server::ReadPemKeyCertPair(options.cert_file, "--upstream_tls_cert_file",
                                           options.key_file, "--upstream_tls_key_file");
    if (!pair.ok()) return pair.status();
    ssl.pem_cert_chain = std::move(pair->cert_pem);
    ssl.pem_private_key = std::move(pair->key_pem);
  }
  grpc::ChannelArguments args;
  if (!options.server_name.empty()) args.SetSslTargetNameOverride(options.server_name);
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
}

}  // namespace baton::cmd
