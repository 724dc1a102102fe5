#ifndef BATON_COMMON_AUTH_AUTHENTICATOR_CONFIG_H_
#define BATON_COMMON_AUTH_AUTHENTICATOR_CONFIG_H_

// How a server authenticates its callers, as configured by its flags, and
// the Authenticator that configuration makes. Flags live in main(); this is
// where their combinations are checked and the key files read.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/authenticator.h"
#include "common/auth/jwt_verifier.h"
#include "common/time/clock.h"

namespace baton::auth {

struct AuthConfig {
  // Serve without verifying tokens (--insecure_dev_mode); excludes every key
  // option. Where such a server may listen is ServerHost's business.
  // Default: false.
  bool insecure_dev_mode = false;
  // One verification key, for tokens without a `kid` (--jwt_key_file).
  // Default: empty.
  std::string key_file;
  // A directory of verification keys, one file per key named by its `kid`
  // (--jwt_key_dir; a mounted Kubernetes secret): several keys let them
  // rotate without downtime. Exclusive with key_file. Default: empty.
  std::string key_dir;
  // "HS256" or "RS256" (--jwt_algorithm). Default: "HS256".
  std::string algorithm = "HS256";
  // When set, tokens must carry this `iss` / `aud`. Default: empty.
  std::string issuer;
  std::string audience;
  // How often the key files are read again while serving, so that a key
  // added to or removed from key_dir (or a replaced key_file) takes effect
  // without a restart; zero never re-reads. Default: 30 s.
  absl::Duration key_reload_interval = absl::Seconds(30);
};

// The verifier options `config` describes, its key files read now.
// Errors (INVALID_ARGUMENT, or NOT_FOUND for a missing file or directory),
// each naming the flag or file: dev mode together with a key option; no key
// option outside dev mode; both key_file and key_dir; an unknown
// algorithm; a key file or directory that cannot be read (ReadKeyFile,
// ReadKeyDir). Not for dev mode (INVALID_ARGUMENT).
absl::StatusOr<JwtVerifierOptions> LoadVerifierOptions(const AuthConfig& config);

// The Authenticator for `config`: open dev mode, or a JwtVerifier with the
// keys read now (LoadVerifierOptions, then JwtVerifier::Create: e.g. an
// HS256 key shorter than 32 bytes is refused), which re-reads them every
// key_reload_interval (Authenticator::ReloadEvery). `clock` (nullptr: the
// real one) must outlive the authenticator.
absl::StatusOr<std::unique_ptr<Authenticator>> MakeAuthenticator(const AuthConfig& config,
                                                                 const Clock* clock);

}  // namespace baton::auth

#endif  // BATON_COMMON_AUTH_AUTHENTICATOR_CONFIG_H_
