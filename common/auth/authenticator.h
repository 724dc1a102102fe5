#ifndef BATON_COMMON_AUTH_AUTHENTICATOR_H_
#define BATON_COMMON_AUTH_AUTHENTICATOR_H_

#include <memory>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/auth/jwt_verifier.h"
#include "common/auth/principal.h"
#include "common/auth/token_cache.h"

namespace baton::auth {

// Turns a call's `authorization` metadata value into a Principal.
// Verified tokens are remembered until they expire (TokenCache), so a client
// that reuses its token pays for JWT verification once. Thread-safe.
class Authenticator {
 public:
  // verifier == nullptr means open dev mode: a bearer token, when present, is
  // decoded without verification (JwtVerifier::DecodeUnverified); with no
  // token the caller is DevPrincipal().
  explicit Authenticator(std::unique_ptr<JwtVerifier> verifier,
                         size_t token_cache_capacity = kDefaultTokenCacheCapacity);

  static constexpr size_t kDefaultTokenCacheCapacity = 10000;

  // True when constructed without a verifier.
  bool dev_mode() const { return verifier_ == nullptr; }

  // `authorization`: the raw metadata value, or std::nullopt when absent.
  // Accepted form: "Bearer <token>": the scheme is case-insensitive and is
  // followed by one or more spaces; surrounding spaces are ignored.
  // Errors (all Unauthenticated):
  //  - absent outside dev mode: "missing 'authorization: Bearer <token>'
  //    metadata";
  //  - another scheme (also in dev mode): names the expected "Bearer" scheme;
  //  - "Bearer" with no token;
  //  - any JwtVerifier::Verify / DecodeUnverified failure.
  absl::StatusOr<Principal> Authenticate(std::optional<std::string_view> authorization) const;

  // Principal{subject="dev", roles={kAdmin, kService}}.
  static Principal DevPrincipal();

 private:
  const std::unique_ptr<JwtVerifier> verifier_;
  mutable TokenCache verified_;  // a cache: Authenticate stays logically const
};

}  // namespace baton::auth

#endif  // BATON_COMMON_AUTH_AUTHENTICATOR_H_
