#include "common/auth/authenticator.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/jwt_signer.h"
#include "common/auth/jwt_verifier.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Algorithm = JwtVerifierOptions::Algorithm;

constexpr char kSecret[] = "authenticator-test-secret-0123456789abcdef";

class AuthenticatorTest : public ::testing::Test {
 protected:
  Authenticator Verifying() {
    absl::StatusOr<std::unique_ptr<JwtVerifier>> v = JwtVerifier::Create({.key = kSecret}, &clock_);
    EXPECT_TRUE(v.ok()) << v.status();
    return Authenticator(v.ok() ? *std::move(v) : nullptr);
  }
  std::string Token(std::string_view key = kSecret) {
    absl::StatusOr<std::string> t = SignToken(Algorithm::kHs256, key,
                                              {.subject = "alice",
                                               .team = "front-desk",
                                               .roles = {Role::kMember},
                                               .issued_at = clock_.Now()});
    EXPECT_TRUE(t.ok()) << t.status();
    return t.value_or("");
  }
  static void ExpectUnauthenticated(const absl::StatusOr<Principal>& p, std::string_view substr) {
    ASSERT_FALSE(p.ok()) << p->DebugString();
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated) << p.status();
    EXPECT_THAT(std::string(p.status().message()), HasSubstr(substr));
  }

  FakeClock clock_;
};

TEST_F(AuthenticatorTest, AcceptsBearerTokenCaseInsensitivelyWithSpaces) {
  Authenticator auth = Verifying();
  EXPECT_FALSE(auth.dev_mode());
  const std::string token = Token();
  for (std::string value : {"Bearer " + token, "bearer " + token, "BEARER " + token,
                            "Bearer    " + token, "  Bearer " + token + "  "}) {
    SCOPED_TRACE(value);
    absl::StatusOr<Principal> p = auth.Authenticate(value);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->subject, "alice");
    EXPECT_EQ(p->team, "front-desk");
    EXPECT_THAT(p->roles, ElementsAre(Role::kMember));
  }
}

TEST_F(AuthenticatorTest, MissingMetadataIsUnauthenticated) {
  ExpectUnauthenticated(Verifying().Authenticate(std::nullopt),
                        "missing 'authorization: Bearer <token>' metadata");
  ExpectUnauthenticated(Verifying().Authenticate(""), "empty");
}

TEST_F(AuthenticatorTest, WrongSchemeNamesBearer) {
  Authenticator auth = Verifying();
  ExpectUnauthenticated(auth.Authenticate("Basic YWxpY2U6cHc="), "'Bearer'");
  ExpectUnauthenticated(auth.Authenticate("Basic YWxpY2U6cHc="), "'Basic'");
  ExpectUnauthenticated(auth.Authenticate(Token()), "'Bearer' scheme");
  ExpectUnauthenticated(auth.Authenticate("Bearer\t" + Token()), "'Bearer' scheme");
}

TEST_F(AuthenticatorTest, BearerWithoutToken) {
  Authenticator auth = Verifying();
  ExpectUnauthenticated(auth.Authenticate("Bearer"), "no token");
  ExpectUnauthenticated(auth.Authenticate("Bearer    "), "no token");
}

TEST_F(AuthenticatorTest, VerificationFailuresPropagate) {
  Authenticator auth = Verifying();
  ExpectUnauthenticated(auth.Authenticate("Bearer " + Token("wrong-key")),
                        "signature does not verify");
  const std::string token = Token();
  clock_.Advance(absl::Hours(2));
  ExpectUnauthenticated(auth.Authenticate("Bearer " + token), "expired");
  ExpectUnauthenticated(auth.Authenticate("Bearer a b"), "base64url");
}

TEST_F(AuthenticatorTest, ARememberedTokenStillExpiresOnTime) {
  Authenticator auth = Verifying();
  const std::string token = Token();  // valid for an hour, 30 s leeway
  ASSERT_TRUE(auth.Authenticate("Bearer " + token).ok());
  clock_.Advance(absl::Minutes(60));
  absl::StatusOr<Principal> again = auth.Authenticate("Bearer " + token);
  ASSERT_TRUE(again.ok()) << again.status();  // within the leeway
  EXPECT_EQ(again->subject, "alice");
  clock_.Advance(absl::Seconds(30));
  ExpectUnauthenticated(auth.Authenticate("Bearer " + token), "expired");
}

TEST_F(AuthenticatorTest, ARememberedTokenDoesNotVouchForAnAlteredOne) {
  Authenticator auth = Verifying();
  const std::string token = Token();
  ASSERT_TRUE(auth.Authenticate("Bearer " + token).ok());
  std::string altered = token;
  char& c = altered[altered.size() - 5];  // inside the signature, all 6 bits used
  c = c == 'A' ? 'Q' : 'A';
  ExpectUnauthenticated(auth.Authenticate("Bearer " + altered), "signature does not verify");
  ExpectUnauthenticated(auth.Authenticate("Bearer " + token + "x"), "signature");
}

TEST_F(AuthenticatorTest, DevModeWithoutTokenIsDevAdmin) {
  Authenticator auth(nullptr);
  EXPECT_TRUE(auth.dev_mode());
  absl::StatusOr<Principal> p = auth.Authenticate(std::nullopt);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "dev");
  EXPECT_THAT(p->roles, ElementsAre(Role::kAdmin, Role::kService));
}

TEST_F(AuthenticatorTest, DevModeDecodesTokensWithoutVerifying) {
  Authenticator auth(nullptr);
  const std::string token = Token("any-key-at-all");
  clock_.Advance(absl::Hours(48));
  absl::StatusOr<Principal> p = auth.Authenticate("bearer " + token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "alice");
  EXPECT_THAT(p->roles, ElementsAre(Role::kMember));
  // Malformed headers and tokens are still errors.
  ExpectUnauthenticated(auth.Authenticate("Basic abc"), "'Bearer'");
  ExpectUnauthenticated(auth.Authenticate("Bearer garbage"), "malformed");
}

// Replacing the keys must not leave tokens of a removed key in the cache.
TEST_F(AuthenticatorTest, ReplacingTheVerifierForgetsRememberedTokens) {
  Authenticator auth = Verifying();
  const std::string token = Token();
  ASSERT_TRUE(auth.Authenticate("Bearer " + token).ok());
  const std::string other_key(40, 'o');
  auto other = JwtVerifier::Create({.key = other_key}, &clock_);
  ASSERT_TRUE(other.ok()) << other.status();
  absl::StatusOr<bool> replaced = auth.ReplaceVerifier(*std::move(other));
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_TRUE(*replaced);
  ExpectUnauthenticated(auth.Authenticate("Bearer " + token), "signature does not verify");
  EXPECT_TRUE(auth.Authenticate("Bearer " + Token(other_key)).ok());
}

TEST_F(AuthenticatorTest, ReplacingWithTheSameConfigurationKeepsTheVerifier) {
  Authenticator auth = Verifying();
  std::shared_ptr<const JwtVerifier> before = auth.verifier();
  auto same = JwtVerifier::Create({.key = kSecret}, &clock_);
  ASSERT_TRUE(same.ok());
  absl::StatusOr<bool> replaced = auth.ReplaceVerifier(*std::move(same));
  ASSERT_TRUE(replaced.ok());
  EXPECT_FALSE(*replaced);
  EXPECT_EQ(auth.verifier(), before);
  EXPECT_EQ(auth.ReplaceVerifier(nullptr).status().code(), absl::StatusCode::kInvalidArgument);
  Authenticator dev(nullptr);
  auto any = JwtVerifier::Create({.key = kSecret}, &clock_);
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(dev.ReplaceVerifier(*std::move(any)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(AuthenticatorTest, ReloadsOnTheFirstCallAfterTheInterval) {
  Authenticator auth = Verifying();
  const std::string other_key(40, 'o');
  int loads = 0;
  std::string next_key = kSecret;
  auth.ReloadEvery(absl::Seconds(30), [&]() -> absl::StatusOr<std::unique_ptr<JwtVerifier>> {
    ++loads;
    if (next_key.empty()) return absl::NotFoundError("key file vanished");
    return JwtVerifier::Create({.key = next_key}, &clock_);
  });
  const std::string token = Token();
  ASSERT_TRUE(auth.Authenticate("Bearer " + token).ok());
  EXPECT_EQ(loads, 0);
  clock_.Advance(absl::Seconds(30));
  ASSERT_TRUE(auth.Authenticate("Bearer " + token).ok());
  EXPECT_EQ(loads, 1);
  ASSERT_TRUE(auth.Authenticate("Bearer " + token).ok());
  EXPECT_EQ(loads, 1);  // not before another interval

  // A failed load keeps the keys in use.
  next_key = "";
  clock_.Advance(absl::Seconds(30));
  ASSERT_TRUE(auth.Authenticate("Bearer " + token).ok());
  EXPECT_EQ(loads, 2);

  // A changed key takes over, and the remembered token goes with the old one.
  next_key = other_key;
  clock_.Advance(absl::Seconds(30));
  ExpectUnauthenticated(auth.Authenticate("Bearer " + token), "signature does not verify");
  EXPECT_EQ(loads, 3);
  EXPECT_TRUE(auth.Authenticate("Bearer " + Token(other_key)).ok());
}

}  // namespace
}  // namespace baton::auth
