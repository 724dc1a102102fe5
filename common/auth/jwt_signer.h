#ifndef BATON_COMMON_AUTH_JWT_SIGNER_H_
#define BATON_COMMON_AUTH_JWT_SIGNER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/jwt_verifier.h"
#include "common/auth/principal.h"

namespace baton::auth {

// The claims SignToken writes. Mirrors what JwtVerifier reads.
struct TokenClaims {
  std::string subject{};                // `sub`. Required, non-empty.
  std::string team{};                   // `team`; omitted when empty.
  std::string department{};             // `department`; omitted when empty.
  std::vector<Role> roles{};            // `roles`, as an array of role names.
  absl::Time issued_at{};               // `iat` (whole seconds). Usually clock->Now().
  absl::Duration ttl = absl::Hours(1);  // `exp` = issued_at + ttl. Must be > 0.
  std::string issuer{};                 // `iss`; omitted when empty.
  std::string audience{};               // `aud` (a single string); omitted when empty.
  std::string key_id{};  // the `kid` header naming the signing key; omitted when empty.
};

// Mints a compact JWS token signed with `alg`. `key` is the HS256 shared
// secret, or for RS256 a PEM private key ("-----BEGIN PRIVATE KEY-----" or
// "-----BEGIN RSA PRIVATE KEY-----").
// Errors: InvalidArgument on an empty key or subject, a non-positive ttl, an
// infinite issued_at, strings that are not UTF-8, or a key libjwt cannot sign
// with (e.g. a public key given for RS256). Thread-safe.
absl::StatusOr<std::string> SignToken(JwtVerifierOptions::Algorithm alg, std::string_view key,
                                      const TokenClaims& claims);

// Signs arbitrary claims given as a JSON object, without any checks on their
// content. For tests that need tokens SignToken refuses to make (no `sub`,
// unknown roles, `nbf` in the future, ...).
// Errors: InvalidArgument on an empty key, `claims_json` that is not a JSON
// object, or a key libjwt cannot sign with. Thread-safe.
absl::StatusOr<std::string> SignRawClaims(JwtVerifierOptions::Algorithm alg, std::string_view key,
                                          std::string_view claims_json);

}  // namespace baton::auth

#endif  // BATON_COMMON_AUTH_JWT_SIGNER_H_
