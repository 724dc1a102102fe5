#ifndef BATON_COMMON_AUTH_JWT_VERIFIER_H_
#define BATON_COMMON_AUTH_JWT_VERIFIER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "common/time/clock.h"

namespace baton::auth {

// One verification key.
struct JwtKey {
  // The `kid` (key id) that tokens name this key by. Non-empty, at most
  // kMaxKeyIdBytes, no NUL.
  std::string id{};
  // HS256: the shared secret bytes (at least kMinHs256KeyBytes); RS256: a
  // PEM RSA public key ("-----BEGIN PUBLIC KEY-----").
  std::string material{};

  friend bool operator==(const JwtKey&, const JwtKey&) = default;
};

// RFC 7518 §3.2: an HS256 key must be at least as long as the hash, 256 bits.
inline constexpr size_t kMinHs256KeyBytes = 32;
inline constexpr size_t kMaxKeyIdBytes = 256;

struct JwtVerifierOptions {
  enum class Algorithm { kHs256, kRs256 };
  Algorithm algorithm = Algorithm::kHs256;  // Default: HS256.
  // A key without an id (e.g. --jwt_key_file): HS256, the shared secret
  // bytes (at least kMinHs256KeyBytes); RS256, a PEM public key
  // ("-----BEGIN PUBLIC KEY-----", RSA). Default: empty (none).
  std::string key{};
  // Keys with ids (e.g. one file per key in --jwt_key_dir), for rotation: a
  // token whose header names a `kid` is verified with the key of that id
  // only. Ids are unique. Default: empty (none).
  std::vector<JwtKey> keys{};
  // When non-empty, the `iss` claim must equal it. Default: empty.
  std::string issuer{};
  // When non-empty, `aud` (a string or an array of strings) must contain it.
  // Default: empty.
  std::string audience{};
  // Allowed clock skew for `exp` and `nbf`. Must be >= 0. Default: 30 s.
  absl::Duration leeway = absl::Seconds(30);

  // `key` and `keys` together: at least one key is required. A token
  // without `kid` is accepted only when exactly one key is configured
  // (either `key` or a single entry of `keys`); a token with `kid` needs
  // that id in `keys` (`key` has no id).
  size_t key_count() const { return keys.size() + (key.empty() ? 0 : 1); }

  friend bool operator==(const JwtVerifierOptions&, const JwtVerifierOptions&) = default;
};

// "HS256" or "RS256".
std::string_view AlgorithmName(JwtVerifierOptions::Algorithm alg);

// The latest NumericDate accepted in `exp`, `nbf` and `iat`:
// 9999-12-31T23:59:59Z. The earliest is 0 (1970).
inline constexpr int64_t kMaxNumericDate = 253402300799;

// Verifies signed JWTs (compact JWS) and turns their claims into a Principal.
//
// Order, so that each failure says what is wrong and a forged token learns
// nothing but "signature does not verify":
//  1. structure (size, characters, three parts) and the header: `alg` must
//     be the configured algorithm (so "none" and HS/RS confusion never
//     verify), `typ` JWT when present, `kid` picks the key;
//  2. the signature over the exact bytes of header and payload (OpenSSL:
//     HMAC-SHA256 compared in constant time, or RSASSA-PKCS1-v1_5 SHA-256);
//  3. only then the payload is decoded and its claims checked, each with
//     its own message: types, ranges (NumericDates in [0, kMaxNumericDate],
//     finite), no NUL in string claims, exp/nbf against the clock, iss, aud.
// The signature is checked on the raw bytes rather than through libjwt,
// whose JSON parser (jansson) refuses genuine tokens holding a number
// beyond 64 bits or a NUL character before it checks the signature, so
// that such a token could only be called "does not verify".
//
// Claims read: `sub` (required, non-empty string), `team` and `department`
// (optional strings), `roles` (optional array of role names, see ParseRole),
// `exp` (required NumericDate), `nbf` and `iat` (optional NumericDates),
// `iss` and `aud` (checked when configured).
//
// Immutable after Create; Verify is thread-safe.
class JwtVerifier {
 public:
  // `clock` is not owned and must outlive the verifier; nullptr means
  // Clock::Real().
  // Errors: InvalidArgument on no key at all, an HS256 key shorter than
  // kMinHs256KeyBytes, a key id that is empty, repeated, too long or holds
  // NUL, a negative leeway, or (RS256) a key that is not a PEM RSA public
  // key; each message names the key id when there is one.
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(JwtVerifierOptions options,
                                                             const Clock* clock);

  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;
  ~JwtVerifier();

  // Every failure is Unauthenticated with an actionable message, e.g.
  // "token expired at 2026-09-21T12:00:00Z ...", "signature does not
  // verify", "unknown key id 'k9'", "claim 'exp' is out of range",
  // "claim 'team' contains a NUL character", "claim 'sub' is missing",
  // "unknown role 'root' in claim 'roles'".
  // When `valid_until` is given, it receives the first instant this token
  // will be refused for expiry (exp + leeway).
  absl::StatusOr<Principal> Verify(std::string_view token, absl::Time* valid_until = nullptr) const;

  // Decodes the claims WITHOUT verifying the signature, alg, expiry, issuer
  // or audience. Dev mode only. Malformed tokens, a missing `sub`, a NUL in
  // a string claim or an unknown role → Unauthenticated.
  static absl::StatusOr<Principal> DecodeUnverified(std::string_view token);

  const JwtVerifierOptions& options() const { return options_; }
  const Clock* clock() const { return clock_; }

 private:
  struct Key;
  JwtVerifier(JwtVerifierOptions options, const Clock* clock, std::vector<Key> keys);

  // The key a token with header `kid` (nullptr: none) is verified with.
  absl::StatusOr<const Key*> KeyFor(const std::string* kid) const;

  const JwtVerifierOptions options_;
  const Clock* const clock_;
  const std::vector<Key> keys_;  // `key` first (id ""), then `keys`
};

// Reads the keys in `dir` for JwtVerifierOptions::keys, one per file, the
// file's name being the key id and its bytes (unchanged) the key: the way a
// Kubernetes secret is mounted. Names starting with '.' (Kubernetes'
// "..data" links) and entries that are not regular files (after following
// symlinks) are skipped. Keys come sorted by id.
// Errors name the path: NotFound when `dir` does not exist; InvalidArgument
// when it is not a directory, holds no key, or a key file cannot be read or
// is empty.
absl::StatusOr<std::vector<JwtKey>> ReadKeyDir(const std::string& dir);

// Reads the whole key file at `path` (for flags such as --jwt_key_file) and
// returns its bytes unchanged. Errors name the path: NotFound when the file
// does not exist; InvalidArgument when it is not a regular readable file or is
// empty.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path);

}  // namespace baton::auth

#endif  // BATON_COMMON_AUTH_JWT_VERIFIER_H_
