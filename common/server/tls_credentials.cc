#include "common/server/tls_credentials.h"

#include "absl/strings/str_cat.h"
#include "common/server/pem_files.h"
#include "grpcpp/security/server_credentials.h"

namespace baton::server {

absl::Status ValidateTlsOptions(const TlsOptions& tls) {
  if (!tls.enabled()) {
    if (!tls.key_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls_key_file is set without --tls_cert_file: TLS needs the certificate and its key "
          "(give both, or neither to serve plaintext)");
    }
    if (tls.mutual()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca_file (mutual TLS) is set without --tls_cert_file: mutual TLS needs "
          "TLS; give --tls_cert_file and --tls_key_file too");
    }
    return absl::OkStatus();
  }
  if (tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert_file is set without --tls_key_file: give the certificate's private key too");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> LoadServerCredentials(
    const TlsOptions& tls) {
  if (absl::Status s = ValidateTlsOptions(tls); !s.ok()) return s;
  if (!tls.enabled()) return grpc::InsecureServerCredentials();

  auto pair =
      ReadPemKeyCertPair(tls.cert_file, "TLS certificate file", tls.key_file, "TLS key file");
  if (!pair.ok()) return pair.status();

  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_key_cert_pairs.push_back({std::move(pair->key_pem), std::move(pair->cert_pem)});
  if (tls.mutual()) {
    auto ca_pem = ReadPemCertificates(tls.client_ca_file, "TLS client CA file");
    if (!ca_pem.ok()) return ca_pem.status();
    ssl.pem_root_certs = *std::move(ca_pem);
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

}  // namespace baton::server
