#ifndef BATON_COMMON_AUTH_AUTHENTICATOR_H_
#define BATON_COMMON_AUTH_AUTHENTICATOR_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/jwt_verifier.h"
#include "common/auth/principal.h"
#include "common/auth/token_cache.h"

namespace baton::auth {

// Turns a call's `authorization` metadata value into a Principal.
// Verified tokens are remembered until they expire (TokenCache), so a client
// that reuses its token pays for JWT verification once. The verifier (its
// keys) may be replaced while serving, for key rotation: tokens remembered
// under the old verifier are forgotten at once. Thread-safe.
class Authenticator {
 public:
  // verifier == nullptr means open dev mode: a bearer token, when present, is
  // decoded without verification (JwtVerifier::DecodeUnverified); with no
  // token the caller is DevPrincipal().
  explicit Authenticator(std::unique_ptr<JwtVerifier> verifier,
                         size_t token_cache_capacity = kDefaultTokenCacheCapacity);
  ~Authenticator();

  static constexpr size_t kDefaultTokenCacheCapacity = 10000;

  // True when constructed without a verifier. Never changes.
  bool dev_mode() const { return dev_mode_; }

  // `authorization`: the raw metadata value, or std::nullopt when absent.
  // Accepted form: "Bearer <token>": the scheme is case-insensitive and is
  // followed by one or more spaces; surrounding spaces are ignored.
  // Errors (all Unauthenticated):
  //  - absent outside dev mode: "missing 'authorization: Bearer <token>'
  //    metadata";
  //  - another scheme (also in dev mode): names the expected "Bearer" scheme;
  //  - "Bearer" with no token;
  //  - any JwtVerifier::Verify / DecodeUnverified failure.
  // May first reload the verifier (ReloadEvery).
  absl::StatusOr<Principal> Authenticate(std::optional<std::string_view> authorization) const;

  // Uses `verifier` for every later call, unless it is configured exactly
  // like the current one (JwtVerifierOptions ==), and forgets every
  // remembered token, so that a token whose key was removed is refused from
  // the next call on. Returns whether it replaced the verifier.
  // Errors: FAILED_PRECONDITION in dev mode; INVALID_ARGUMENT on nullptr.
  absl::StatusOr<bool> ReplaceVerifier(std::unique_ptr<JwtVerifier> verifier);

  // Loads a verifier anew, e.g. by re-reading key files.
  using VerifierLoader = std::function<absl::StatusOr<std::unique_ptr<JwtVerifier>>()>;
  // Once `interval` has passed since the last load (by the verifier's
  // clock), the next Authenticate call runs `load` (one call per interval
  // claims it; the others go on with the current verifier) and passes the
  // result to ReplaceVerifier. So keys are re-read on a request thread, at
  // most once per interval: meant for small local files (a mounted secret).
  // A failed load keeps the current verifier (a half-written key update must
  // not lock every caller out) and is logged. `load` must be thread-safe.
  // Call before serving; ignored in dev mode or with a non-positive
  // `interval`.
  void ReloadEvery(absl::Duration interval, VerifierLoader load);

  // The verifier in use (null in dev mode); it may be replaced at any time.
  std::shared_ptr<const JwtVerifier> verifier() const;

  // Principal{subject="dev", roles={kAdmin, kService}}.
  static Principal DevPrincipal();

 private:
  // A verifier and the tokens it verified: replaced together.
  struct State {
    State(std::unique_ptr<JwtVerifier> v, size_t capacity)
        : verifier(std::move(v)), verified(capacity) {}
    const std::shared_ptr<const JwtVerifier> verifier;
    TokenCache verified;
  };

  std::shared_ptr<State> Current() const;
  absl::StatusOr<bool> Install(std::unique_ptr<JwtVerifier> verifier) const;
  void MaybeReload(absl::Time now) const;

  const bool dev_mode_;
  const size_t token_cache_capacity_;
  mutable absl::Mutex mu_;
  // Replaced by Install (a const method: the verifier is configuration a
  // const Authenticate may reload).
  mutable std::shared_ptr<State> state_ ABSL_GUARDED_BY(mu_);  // null in dev mode

  // ReloadEvery: set before serving, then read-only.
  absl::Duration reload_interval_ = absl::ZeroDuration();
  VerifierLoader load_;
  // When the next load is due, in Unix nanoseconds; claimed by CAS.
  mutable std::atomic<int64_t> next_reload_ns_{0};
};

}  // namespace baton::auth

#endif  // BATON_COMMON_AUTH_AUTHENTICATOR_H_
