#ifndef BATON_COMMON_AUTH_JWT_VERIFIER_H_
#define BATON_COMMON_AUTH_JWT_VERIFIER_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "common/time/clock.h"

namespace baton::auth {

struct JwtVerifierOptions {
  enum class Algorithm { kHs256, kRs256 };
  Algorithm algorithm = Algorithm::kHs256;  // Default: HS256.
  // HS256: the shared secret bytes; RS256: a PEM public key
  // ("-----BEGIN PUBLIC KEY-----", RSA). Required.
  std::string key{};
  // When non-empty, the `iss` claim must equal it. Default: empty.
  std::string issuer{};
  // When non-empty, `aud` (a string or an array of strings) must contain it.
  // Default: empty.
  std::string audience{};
  // Allowed clock skew for `exp` and `nbf`. Must be >= 0. Default: 30 s.
  absl::Duration leeway = absl::Seconds(30);
};

// "HS256" or "RS256".
std::string_view AlgorithmName(JwtVerifierOptions::Algorithm alg);

// Verifies signed JWTs (compact JWS) and turns their claims into a Principal.
//
// Claims read: `sub` (required, non-empty string), `team` and `department`
// (optional strings), `roles` (optional array of role names, see ParseRole),
// `exp` (required, NumericDate), `nbf` (optional), `iss` and `aud` (checked
// when configured).
//
// Immutable after Create; Verify is thread-safe.
class JwtVerifier {
 public:
  // `clock` is not owned and must outlive the verifier; nullptr means
  // Clock::Real().
  // Errors: InvalidArgument on an empty key, a negative leeway, or (RS256) a
  // key that is not a PEM RSA public key.
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(JwtVerifierOptions options,
                                                             const Clock* clock);

  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  // Checks the signature with exactly the configured algorithm (a token whose
  // header names any other alg, including "none", is rejected), then exp
  // (required), nbf, iss and aud against the clock and options, then maps the
  // claims to a Principal.
  // Every failure is Unauthenticated with an actionable message, e.g.
  // "token expired at 2026-09-21T12:00:00Z ...", "signature does not verify",
  // "claim 'sub' is missing", "unknown role 'root' in claim 'roles'".
  // When `valid_until` is given, it receives the first instant this token
  // will be refused for expiry (exp + leeway).
  absl::StatusOr<Principal> Verify(std::string_view token, absl::Time* valid_until = nullptr) const;

  // Decodes the claims WITHOUT verifying the signature, alg, expiry, issuer
  // or audience. Dev mode only. Malformed tokens, a missing `sub` or an
  // unknown role → Unauthenticated.
  static absl::StatusOr<Principal> DecodeUnverified(std::string_view token);

  const JwtVerifierOptions& options() const { return options_; }
  const Clock* clock() const { return clock_; }

 private:
  JwtVerifier(JwtVerifierOptions options, const Clock* clock);

  const JwtVerifierOptions options_;
  const Clock* const clock_;
};

// Reads the whole key file at `path` (for flags such as --jwt_key_file) and
// returns its bytes unchanged. Errors name the path: NotFound when the file
// does not exist; InvalidArgument when it is not a regular readable file or is
// empty.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path);

}  // namespace baton::auth

#endif  // BATON_COMMON_AUTH_JWT_VERIFIER_H_
