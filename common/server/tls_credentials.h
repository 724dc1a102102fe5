#ifndef BATON_COMMON_SERVER_TLS_CREDENTIALS_H_
#define BATON_COMMON_SERVER_TLS_CREDENTIALS_H_

// The server's transport credentials: plaintext, TLS, or mutual TLS, from
// PEM files. Every file is read and parsed at start-up (pem_files.h), so
// that a wrong path, a file that is not PEM, or a key that does not belong
// to the certificate is a start-up error naming the file, not a server that
// fails to start with a bare "cannot listen" (or, worse, one that serves in
// plaintext).

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"

namespace baton::server {

struct TlsOptions {
  // PEM certificate chain (the server's certificate first). TLS is on when
  // set. Default: empty (plaintext).
  std::string cert_file;
  // PEM private key of cert_file (unencrypted). Required with cert_file,
  // refused without it. Default: empty.
  std::string key_file;
  // PEM CA certificate(s). When set, clients must present a certificate
  // signed by one of them (mTLS); needs cert_file. Default: empty.
  std::string client_ca_file;

  bool enabled() const { return !cert_file.empty(); }
  bool mutual() const { return !client_ca_file.empty(); }
};

// Checks which files are given, without reading them: a key or a client CA
// without a certificate, or a certificate without a key, is
// INVALID_ARGUMENT saying what is missing (in terms of the --tls_* flags).
absl::Status ValidateTlsOptions(const TlsOptions& tls);

// The credentials for `tls`: InsecureServerCredentials() when TLS is off,
// else SSL credentials (requiring and verifying a client certificate when
// client_ca_file is set). Errors, each naming the file:
//  - INVALID_ARGUMENT from ValidateTlsOptions;
//  - NOT_FOUND when a file does not exist, INVALID_ARGUMENT when it cannot
//    be read;
//  - INVALID_ARGUMENT when the certificate or CA file holds no PEM
//    certificate, the key file no (unencrypted) PEM private key, or the key
//    is not the certificate's.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> LoadServerCredentials(
    const TlsOptions& tls);

}  // namespace baton::server

#endif  // BATON_COMMON_SERVER_TLS_CREDENTIALS_H_
