// Fuzzes the JWT verifier (common/auth/jwt_verifier.h), the first thing an
// unauthenticated caller's bytes reach. The first input byte picks how the
// rest becomes a token:
//   even: the rest is the token text, as sent after "Bearer ";
//   odd:  the rest is "<header JSON>\n<payload JSON>", made into a token
//         signed with the HS256 key, so that the fuzzer explores the checks
//         after the signature (alg, typ, exp, nbf, iss, aud, claims).
// The token goes to Verify with an HS256 key (with and without issuer and
// audience), Verify with an RS256 key, and DecodeUnverified. Every result is
// OK or UNAUTHENTICATED; an OK principal has a subject and no role twice;
// RS256 accepts nothing (nobody has its private key).

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/auth/jwt_verifier.h"
#include "common/time/clock.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_keys.h"

namespace baton::fuzz {
namespace {

using auth::JwtVerifier;
using auth::JwtVerifierOptions;
using auth::Principal;

// The verifiers' clock: 2026-09-21, before the seed tokens' expiry.
const FakeClock* const kClock = new FakeClock();

std::unique_ptr<JwtVerifier> MakeVerifier(JwtVerifierOptions options) {
  absl::StatusOr<std::unique_ptr<JwtVerifier>> verifier =
      JwtVerifier::Create(std::move(options), kClock);
  FUZZ_CHECK(verifier.ok(), "cannot make a verifier: ", verifier.status().ToString());
  return *std::move(verifier);
}

const JwtVerifier& Hs256() {
  static const JwtVerifier* const verifier =
      MakeVerifier({.algorithm = JwtVerifierOptions::Algorithm::kHs256, .key = kHs256Secret})
          .release();
  return *verifier;
}

const JwtVerifier& Hs256WithIssuerAndAudience() {
  static const JwtVerifier* const verifier =
      MakeVerifier({.algorithm = JwtVerifierOptions::Algorithm::kHs256,
                    .key = kHs256Secret,
                    .issuer = "baton-fuzz",
                    .audience = "baton"})
          .release();
  return *verifier;
}

const JwtVerifier& Rs256() {
  static const JwtVerifier* const verifier =
      MakeVerifier({.algorithm = JwtVerifierOptions::Algorithm::kRs256, .key = kRsaPublicKeyPem})
          .release();
  return *verifier;
}

// "<header>\n<payload>" → a compact JWS signed with the HS256 key.
std::string SignedToken(std::string_view parts) {
  const size_t newline = std::min(parts.find('\n'), parts.size());
  const std::string_view header = parts.substr(0, newline);
  const std::string_view payload = parts.substr(std::min(newline + 1, parts.size()));
  std::string signing_input =
      absl::StrCat(absl::WebSafeBase64Escape({header.data(), header.size()}), ".",
                   absl::WebSafeBase64Escape({payload.data(), payload.size()}));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  const std::string_view key = kHs256Secret;
  FUZZ_CHECK(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                  reinterpret_cast<const unsigned char*>(signing_input.data()),
                  signing_input.size(), mac, &mac_size) != nullptr,
             "HMAC failed");
  absl::StrAppend(&signing_input, ".",
                  absl::WebSafeBase64Escape({reinterpret_cast<const char*>(mac), mac_size}));
  return signing_input;
}

// (absl::StrCat here takes absl::string_view, not std::string_view.)
void CheckResult(const absl::StatusOr<Principal>& result, absl::string_view what,
                 absl::string_view token) {
  if (!result.ok()) {
    FUZZ_CHECK(result.status().code() == absl::StatusCode::kUnauthenticated, what,
               " refused a token with ", result.status().ToString(), "; token: ", token);
    FUZZ_CHECK(!result.status().message().empty(), what, " refused without a message");
    return;
  }
  FUZZ_CHECK(!result->subject.empty(), what, " accepted a token without a subject: ", token);
  for (size_t i = 0; i < result->roles.size(); ++i) {
    for (size_t j = i + 1; j < result->roles.size(); ++j) {
      FUZZ_CHECK(result->roles[i] != result->roles[j], what, " gave a role twice: ", token);
    }
  }
}

void CheckVerify(const JwtVerifier& verifier, absl::string_view what, const std::string& token) {
  absl::Time valid_until = absl::InfinitePast();
  absl::StatusOr<Principal> result = verifier.Verify(token, &valid_until);
  CheckResult(result, what, token);
  if (result.ok()) {
    FUZZ_CHECK(valid_until > kClock->Now(), what, " accepted a token that is no longer valid");
  }
}

}  // namespace
}  // namespace baton::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace baton::fuzz;  // NOLINT(build/namespaces): a fuzz entry point
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string token = data[0] % 2 == 0 ? std::string(rest) : SignedToken(rest);

  CheckVerify(Hs256(), "HS256 Verify", token);
  CheckVerify(Hs256WithIssuerAndAudience(), "HS256 Verify (iss, aud)", token);
  absl::StatusOr<Principal> rs256 = Rs256().Verify(token);
  CheckResult(rs256, "RS256 Verify", token);
  FUZZ_CHECK(!rs256.ok(), "RS256 accepted a token no one could sign: ", token);
  CheckResult(JwtVerifier::DecodeUnverified(token), "DecodeUnverified", token);
  return 0;
}
