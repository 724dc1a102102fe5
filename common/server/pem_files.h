#ifndef BATON_COMMON_SERVER_PEM_FILES_H_
#define BATON_COMMON_SERVER_PEM_FILES_H_

// The PEM files a server process reads for TLS, on either side of a
// connection: its certificate and private key, and the CA certificates it
// trusts. Each is read and parsed at start-up, so that a wrong path, a file
// that is not PEM, or a key that is not the certificate's is an error naming
// the file and the role or flag it was given as, not a handshake that fails
// later (or a connection that silently stays plaintext). Used by the
// server's own credentials (tls_credentials.h) and by the channels a server
// opens to its peers (cmd/upstream). Thread-safe; no state.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace baton::server {

// A certificate chain and its private key, both in PEM, as gRPC takes them.
struct PemKeyCertPair {
  std::string cert_pem;
  std::string key_pem;
};

// The contents of `path`, which must start with (or hold) a PEM
// certificate; only the first certificate is parsed. `what` names the file
// in every error: a role ("TLS client CA file") or a flag
// ("--upstream_tls_ca_file"). Errors:
//  - NOT_FOUND when `path` does not exist;
//  - INVALID_ARGUMENT when it is not a regular file, cannot be read, or
//    holds no PEM certificate.
absl::StatusOr<std::string> ReadPemCertificates(const std::string& path, absl::string_view what);

// The certificate chain in `cert_path` and the private key in `key_path`,
// checked to belong together. `cert_what` and `key_what` name the files in
// errors, as for ReadPemCertificates. Errors: those of ReadPemCertificates
// for either file (a key file that does not exist or cannot be read
// likewise); INVALID_ARGUMENT when the key file holds no unencrypted PEM
// private key, or a key that is not the certificate's.
absl::StatusOr<PemKeyCertPair> ReadPemKeyCertPair(const std::string& cert_path,
                                                  absl::string_view cert_what,
                                                  const std::string& key_path,
                                                  absl::string_view key_what);

}  // namespace baton::server

#endif  // BATON_COMMON_SERVER_PEM_FILES_H_
