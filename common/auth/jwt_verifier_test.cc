#include "common/auth/jwt_verifier.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/auth/jwt_signer.h"
#include "common/auth/principal.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Algorithm = JwtVerifierOptions::Algorithm;

constexpr char kSecret[] = "a-shared-secret-of-at-least-32-bytes!!";

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

// Generates a key with the OpenSSL 3 EVP API; `pkey` is consumed.
KeyPair ToPem(EVP_PKEY* pkey) {
  KeyPair kp;
  BIO* priv = BIO_new(BIO_s_mem());
  BIO* pub = BIO_new(BIO_s_mem());
  if (pkey != nullptr && priv != nullptr && pub != nullptr &&
      PEM_write_bio_PrivateKey(priv, pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1 &&
      PEM_write_bio_PUBKEY(pub, pkey) == 1) {
    kp.private_pem = BioToString(priv);
    kp.public_pem = BioToString(pub);
  }
  BIO_free(priv);
  BIO_free(pub);
  EVP_PKEY_free(pkey);
  return kp;
}

const KeyPair& RsaKey() {
  static const KeyPair* const kp = new KeyPair(ToPem(EVP_RSA_gen(2048)));
  return *kp;
}
const KeyPair& OtherRsaKey() {
  static const KeyPair* const kp = new KeyPair(ToPem(EVP_RSA_gen(2048)));
  return *kp;
}

std::string B64(std::string_view s) {
  return absl::WebSafeBase64Escape(absl::string_view(s.data(), s.size()));
}

// An HS256 token over exactly these header and payload bytes. libjwt (and
// so SignRawClaims) cannot make tokens whose claims its JSON parser refuses,
// such as 1e400 or "\u0000".
std::string HmacToken(std::string_view header_json, std::string_view payload_json,
                      std::string_view key) {
  const std::string input = absl::StrCat(B64(header_json), ".", B64(payload_json));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &size);
  return absl::StrCat(input, ".", B64(std::string(reinterpret_cast<char*>(mac), size)));
}
constexpr char kHs256Header[] = R"({"alg":"HS256","typ":"JWT"})";

class JwtVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(RsaKey().private_pem, HasSubstr("BEGIN PRIVATE KEY"));
    ASSERT_THAT(RsaKey().public_pem, HasSubstr("BEGIN PUBLIC KEY"));
  }

  std::unique_ptr<JwtVerifier> MakeVerifier(JwtVerifierOptions options) {
    absl::StatusOr<std::unique_ptr<JwtVerifier>> v =
        JwtVerifier::Create(std::move(options), &clock_);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *std::move(v) : nullptr;
  }
  std::unique_ptr<JwtVerifier> Hs256Verifier() {
    return MakeVerifier({.algorithm = Algorithm::kHs256, .key = kSecret});
  }
  std::unique_ptr<JwtVerifier> Rs256Verifier() {
    return MakeVerifier({.algorithm = Algorithm::kRs256, .key = RsaKey().public_pem});
  }

  TokenClaims Claims() {
    return TokenClaims{.subject = "alice",
                       .team = "front-desk",
                       .department = "ops",
                       .roles = {Role::kMember, Role::kHead},
                       .issued_at = clock_.Now()};
  }
  std::string Hs256Token(const TokenClaims& claims) {
    absl::StatusOr<std::string> t = SignToken(Algorithm::kHs256, kSecret, claims);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.value_or("");
  }
  std::string RawHs256(std::string_view json) {
    absl::StatusOr<std::string> t = SignRawClaims(Algorithm::kHs256, kSecret, json);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.value_or("");
  }
  // Claims JSON with a valid exp relative to the fake clock.
  std::string Exp() { return absl::StrCat("\"exp\":", absl::ToUnixSeconds(clock_.Now()) + 3600); }

  static void ExpectUnauthenticated(const absl::StatusOr<Principal>& p, std::string_view substr) {
    ASSERT_FALSE(p.ok()) << p->DebugString();
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated) << p.status();
    EXPECT_THAT(std::string(p.status().message()), HasSubstr(substr));
  }

  FakeClock clock_;
};

TEST_F(JwtVerifierTest, ValidHs256Token) {
  std::unique_ptr<JwtVerifier> v = Hs256Verifier();
  absl::StatusOr<Principal> p = v->Verify(Hs256Token(Claims()));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "alice");
  EXPECT_EQ(p->team, "front-desk");
  EXPECT_EQ(p->department, "ops");
  EXPECT_THAT(p->roles, ElementsAre(Role::kMember, Role::kHead));
}

TEST_F(JwtVerifierTest, ValidRs256Token) {
  std::unique_ptr<JwtVerifier> v = Rs256Verifier();
  absl::StatusOr<std::string> token = SignToken(Algorithm::kRs256, RsaKey().private_pem, Claims());
  ASSERT_TRUE(token.ok()) << token.status();
  absl::StatusOr<Principal> p = v->Verify(*token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "alice");
  EXPECT_THAT(p->roles, ElementsAre(Role::kMember, Role::kHead));
}

TEST_F(JwtVerifierTest, OptionalClaimsMayBeAbsent) {
  absl::StatusOr<Principal> p =
      Hs256Verifier()->Verify(RawHs256(absl::StrCat("{\"sub\":\"bob\",", Exp(), "}")));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "bob");
  EXPECT_EQ(p->team, "");
  EXPECT_EQ(p->department, "");
  EXPECT_TRUE(p->roles.empty());
}

TEST_F(JwtVerifierTest, ChineseSubjectAndTeamRoundTrip) {
  TokenClaims claims = Claims();
  claims.subject = "张伟";
  claims.team = "前台";
  claims.department = "运营部";
  absl::StatusOr<Principal> p = Hs256Verifier()->Verify(Hs256Token(claims));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "张伟");
  EXPECT_EQ(p->team, "前台");
  EXPECT_EQ(p->department, "运营部");

  absl::StatusOr<std::string> rs = SignToken(Algorithm::kRs256, RsaKey().private_pem, claims);
  ASSERT_TRUE(rs.ok()) << rs.status();
  p = Rs256Verifier()->Verify(*rs);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "张伟");
  EXPECT_EQ(p->team, "前台");
}

TEST_F(JwtVerifierTest, WrongHs256KeyIsRejected) {
  absl::StatusOr<std::string> token = SignToken(Algorithm::kHs256, "some-other-secret", Claims());
  ASSERT_TRUE(token.ok()) << token.status();
  ExpectUnauthenticated(Hs256Verifier()->Verify(*token), "signature does not verify");
}

TEST_F(JwtVerifierTest, WrongRs256KeyIsRejected) {
  absl::StatusOr<std::string> token =
      SignToken(Algorithm::kRs256, OtherRsaKey().private_pem, Claims());
  ASSERT_TRUE(token.ok()) << token.status();
  ExpectUnauthenticated(Rs256Verifier()->Verify(*token), "signature does not verify");
}

TEST_F(JwtVerifierTest, TamperedPayloadIsRejected) {
  for (Algorithm alg : {Algorithm::kHs256, Algorithm::kRs256}) {
    SCOPED_TRACE(AlgorithmName(alg));
    const std::string key = alg == Algorithm::kHs256 ? kSecret : RsaKey().private_pem;
    absl::StatusOr<std::string> token = SignToken(alg, key, Claims());
    ASSERT_TRUE(token.ok()) << token.status();
    std::vector<std::string> parts = absl::StrSplit(*token, '.');
    ASSERT_EQ(parts.size(), 3u);
    // Same claims, but promoted to admin.
    parts[1] = B64(absl::StrCat("{\"sub\":\"alice\",\"roles\":[\"admin\"],", Exp(), "}"));
    std::unique_ptr<JwtVerifier> v = alg == Algorithm::kHs256 ? Hs256Verifier() : Rs256Verifier();
    ExpectUnauthenticated(v->Verify(absl::StrJoin(parts, ".")), "signature does not verify");
  }
}

TEST_F(JwtVerifierTest, TamperedSignatureIsRejected) {
  std::string token = Hs256Token(Claims());
  token.back() = token.back() == 'A' ? 'B' : 'A';
  ExpectUnauthenticated(Hs256Verifier()->Verify(token), "signature does not verify");
  std::string stripped = Hs256Token(Claims());
  stripped.erase(stripped.rfind('.') + 1);  // "header.payload."
  ExpectUnauthenticated(Hs256Verifier()->Verify(stripped), "signature does not verify");
}

TEST_F(JwtVerifierTest, ExpiredTokenIsRejectedAfterLeeway) {
  std::unique_ptr<JwtVerifier> v = Hs256Verifier();
  const std::string token = Hs256Token(Claims());      // ttl 1h
  clock_.Advance(absl::Hours(1) + absl::Seconds(29));  // within 30 s leeway
  EXPECT_TRUE(v->Verify(token).ok());
  clock_.Advance(absl::Seconds(1));
  const std::string exp =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", clock_.Now() - absl::Seconds(30), absl::UTCTimeZone());
  ExpectUnauthenticated(v->Verify(token), absl::StrCat("token expired at ", exp));
}

TEST_F(JwtVerifierTest, ZeroLeewayIsExact) {
  std::unique_ptr<JwtVerifier> v = MakeVerifier({.key = kSecret, .leeway = absl::ZeroDuration()});
  const std::string token = Hs256Token(Claims());
  clock_.Advance(absl::Hours(1) - absl::Seconds(1));
  EXPECT_TRUE(v->Verify(token).ok());
  clock_.Advance(absl::Seconds(1));
  ExpectUnauthenticated(v->Verify(token), "expired");
}

TEST_F(JwtVerifierTest, MissingOrBadExpIsRejected) {
  ExpectUnauthenticated(Hs256Verifier()->Verify(RawHs256("{\"sub\":\"a\"}")),
                        "claim 'exp' is missing");
  ExpectUnauthenticated(Hs256Verifier()->Verify(RawHs256("{\"sub\":\"a\",\"exp\":\"soon\"}")),
                        "claim 'exp' must be a number");
}

TEST_F(JwtVerifierTest, NotBeforeInTheFutureIsRejected) {
  std::unique_ptr<JwtVerifier> v = Hs256Verifier();
  const int64_t nbf = absl::ToUnixSeconds(clock_.Now()) + 300;
  const std::string token = RawHs256(absl::StrCat("{\"sub\":\"a\",", Exp(), ",\"nbf\":", nbf, "}"));
  ExpectUnauthenticated(v->Verify(token), "token is not valid before");
  clock_.Advance(absl::Seconds(300 - 30));  // leeway covers the rest
  EXPECT_TRUE(v->Verify(token).ok());
}

TEST_F(JwtVerifierTest, AlgNoneIsRejected) {
  const std::string payload =
      B64(absl::StrCat("{\"sub\":\"mallory\",\"roles\":[\"admin\"],", Exp(), "}"));
  const std::string signed_token = Hs256Token(Claims());
  const std::string real_sig = signed_token.substr(signed_token.rfind('.') + 1);
  for (std::string header :
       {R"({"alg":"none"})", R"({"alg":"none","typ":"JWT"})", R"({"alg":"None","typ":"JWT"})"}) {
    SCOPED_TRACE(header);
    const std::string token = absl::StrCat(B64(header), ".", payload, ".");
    ExpectUnauthenticated(Hs256Verifier()->Verify(token), "is signed with alg '");
    ExpectUnauthenticated(Rs256Verifier()->Verify(token), "is signed with alg '");
    // A "none" header with a real signature glued on is still refused.
    ExpectUnauthenticated(Hs256Verifier()->Verify(token + real_sig), "is signed with alg '");
    // Sanity: the token is otherwise well formed.
    EXPECT_TRUE(JwtVerifier::DecodeUnverified(token).ok());
  }
  ExpectUnauthenticated(
      Hs256Verifier()->Verify(absl::StrCat(B64("{\"typ\":\"JWT\"}"), ".", payload, ".")),
      "no 'alg'");
}

TEST_F(JwtVerifierTest, Hs256TokenSignedWithPublicKeyIsRejectedByRs256Verifier) {
  // Classic alg confusion: HMAC keyed with the (public) RSA PEM.
  absl::StatusOr<std::string> token = SignToken(Algorithm::kHs256, RsaKey().public_pem, Claims());
  ASSERT_TRUE(token.ok()) << token.status();
  ExpectUnauthenticated(Rs256Verifier()->Verify(*token),
                        "signed with alg 'HS256' but only 'RS256' is accepted");
  // And a plain HS256 token.
  ExpectUnauthenticated(Rs256Verifier()->Verify(Hs256Token(Claims())), "only 'RS256'");
}

TEST_F(JwtVerifierTest, Rs256TokenIsRejectedByHs256Verifier) {
  absl::StatusOr<std::string> token = SignToken(Algorithm::kRs256, RsaKey().private_pem, Claims());
  ASSERT_TRUE(token.ok()) << token.status();
  ExpectUnauthenticated(Hs256Verifier()->Verify(*token), "only 'HS256'");
}

TEST_F(JwtVerifierTest, SubjectIsRequired) {
  ExpectUnauthenticated(Hs256Verifier()->Verify(RawHs256(absl::StrCat("{", Exp(), "}"))),
                        "claim 'sub' is missing");
  ExpectUnauthenticated(
      Hs256Verifier()->Verify(RawHs256(absl::StrCat("{\"sub\":\"\",", Exp(), "}"))),
      "claim 'sub' is empty");
  ExpectUnauthenticated(Hs256Verifier()->Verify(RawHs256(absl::StrCat("{\"sub\":7,", Exp(), "}"))),
                        "claim 'sub' must be a string");
}

TEST_F(JwtVerifierTest, UnknownRoleIsRejectedByName) {
  ExpectUnauthenticated(Hs256Verifier()->Verify(RawHs256(absl::StrCat(
                            "{\"sub\":\"a\",\"roles\":[\"member\",\"root\"],", Exp(), "}"))),
                        "unknown role 'root'");
  ExpectUnauthenticated(Hs256Verifier()->Verify(RawHs256(
                            absl::StrCat("{\"sub\":\"a\",\"roles\":\"admin\",", Exp(), "}"))),
                        "claim 'roles' must be an array");
  ExpectUnauthenticated(
      Hs256Verifier()->Verify(RawHs256(absl::StrCat("{\"sub\":\"a\",\"team\":3,", Exp(), "}"))),
      "claim 'team' must be a string");
}

TEST_F(JwtVerifierTest, IssuerIsCheckedWhenConfigured) {
  std::unique_ptr<JwtVerifier> v = MakeVerifier({.key = kSecret, .issuer = "baton-auth"});
  TokenClaims claims = Claims();
  claims.issuer = "baton-auth";
  EXPECT_TRUE(v->Verify(Hs256Token(claims)).ok());
  claims.issuer = "evil";
  ExpectUnauthenticated(v->Verify(Hs256Token(claims)),
                        "token issuer 'evil' is not the expected issuer 'baton-auth'");
  claims.issuer = "";
  ExpectUnauthenticated(v->Verify(Hs256Token(claims)), "claim 'iss' is missing");
  // Not configured: any issuer passes.
  claims.issuer = "evil";
  EXPECT_TRUE(Hs256Verifier()->Verify(Hs256Token(claims)).ok());
}

TEST_F(JwtVerifierTest, AudienceIsCheckedWhenConfigured) {
  std::unique_ptr<JwtVerifier> v = MakeVerifier({.key = kSecret, .audience = "baton"});
  TokenClaims claims = Claims();
  claims.audience = "baton";
  EXPECT_TRUE(v->Verify(Hs256Token(claims)).ok());
  claims.audience = "other";
  ExpectUnauthenticated(v->Verify(Hs256Token(claims)),
                        "token audience 'other' does not include 'baton'");
  claims.audience = "";
  ExpectUnauthenticated(v->Verify(Hs256Token(claims)), "claim 'aud' is missing");
  EXPECT_TRUE(
      v->Verify(RawHs256(absl::StrCat("{\"sub\":\"a\",\"aud\":[\"x\",\"baton\"],", Exp(), "}")))
          .ok());
  ExpectUnauthenticated(
      v->Verify(RawHs256(absl::StrCat("{\"sub\":\"a\",\"aud\":[\"x\",\"y\"],", Exp(), "}"))),
      "token audience ['x', 'y'] does not include 'baton'");
}

TEST_F(JwtVerifierTest, MalformedTokensAreUnauthenticated) {
  std::unique_ptr<JwtVerifier> v = Hs256Verifier();
  const std::string good = Hs256Token(Claims());
  ExpectUnauthenticated(v->Verify(""), "token is empty");
  ExpectUnauthenticated(v->Verify("abc"), "expected 3");
  ExpectUnauthenticated(v->Verify("a.b"), "expected 3");
  ExpectUnauthenticated(v->Verify(good + ".x"), "expected 3");
  ExpectUnauthenticated(v->Verify("Bearer " + good), "base64url");
  ExpectUnauthenticated(v->Verify(std::string("ab\0c.d.e", 8)), "base64url");
  // A payload that is not JSON: only a signed one hears so.
  ExpectUnauthenticated(v->Verify("e30.bm90IGpzb24.sig"), "no 'alg'");
  ExpectUnauthenticated(v->Verify(absl::StrCat(B64(kHs256Header), ".bm90IGpzb24.sig")),
                        "signature does not verify");
  ExpectUnauthenticated(v->Verify(HmacToken(kHs256Header, "not json", kSecret)),
                        "payload is not valid JSON");
  ExpectUnauthenticated(v->Verify(HmacToken(kHs256Header, "[1]", kSecret)),
                        "payload is not a JSON object");
  ExpectUnauthenticated(v->Verify(".e30.sig"), "header is not base64url");
  ExpectUnauthenticated(v->Verify(std::string(20000, 'a')), "at most");
}

TEST_F(JwtVerifierTest, CreateValidatesOptions) {
  auto code = [&](JwtVerifierOptions o) {
    return JwtVerifier::Create(std::move(o), &clock_).status().code();
  };
  EXPECT_EQ(code({.key = ""}), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code({.algorithm = Algorithm::kRs256, .key = ""}), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code({.algorithm = Algorithm::kRs256, .key = "not a pem"}),
            absl::StatusCode::kInvalidArgument);
  // A private key is not a public key.
  EXPECT_EQ(code({.algorithm = Algorithm::kRs256, .key = RsaKey().private_pem}),
            absl::StatusCode::kInvalidArgument);
  // An EC public key is not RSA.
  const KeyPair ec = ToPem(EVP_EC_gen("P-256"));
  ASSERT_FALSE(ec.public_pem.empty());
  EXPECT_EQ(code({.algorithm = Algorithm::kRs256, .key = ec.public_pem}),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code({.key = kSecret, .leeway = absl::Seconds(-1)}),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code({.algorithm = Algorithm::kRs256, .key = RsaKey().public_pem}),
            absl::StatusCode::kOk);
  // nullptr clock means the real clock: a fresh token verifies.
  absl::StatusOr<std::unique_ptr<JwtVerifier>> real =
      JwtVerifier::Create({.key = kSecret}, nullptr);
  ASSERT_TRUE(real.ok());
  TokenClaims claims = Claims();
  claims.issued_at = absl::Now();
  EXPECT_TRUE((*real)->Verify(Hs256Token(claims)).ok());
}

TEST_F(JwtVerifierTest, DecodeUnverifiedIgnoresSignatureAndExpiry) {
  absl::StatusOr<std::string> token = SignToken(Algorithm::kHs256, "unknown-key", Claims());
  ASSERT_TRUE(token.ok());
  clock_.Advance(absl::Hours(100));
  absl::StatusOr<Principal> p = JwtVerifier::DecodeUnverified(*token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "alice");
  EXPECT_EQ(p->team, "front-desk");
  EXPECT_THAT(p->roles, ElementsAre(Role::kMember, Role::kHead));
  ExpectUnauthenticated(JwtVerifier::DecodeUnverified(RawHs256("{\"team\":\"t\"}")),
                        "claim 'sub' is missing");
  ExpectUnauthenticated(JwtVerifier::DecodeUnverified("garbage"), "malformed");
}

TEST_F(JwtVerifierTest, ConcurrentVerify) {
  std::unique_ptr<JwtVerifier> hs = Hs256Verifier();
  std::unique_ptr<JwtVerifier> rs = Rs256Verifier();
  const std::string hs_token = Hs256Token(Claims());
  const std::string rs_token =
      SignToken(Algorithm::kRs256, RsaKey().private_pem, Claims()).value_or("");
  const std::string bad = Hs256Token(Claims()) + "x";
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (!hs->Verify(hs_token).ok()) ++failures;
        if (!rs->Verify(rs_token).ok()) ++failures;
        if (hs->Verify(bad).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

// libjwt refused all of these before checking the signature (its JSON
// parser rejects numbers beyond 64 bits and NUL), so a genuine token was
// told "signature does not verify"; each now hears what is wrong with it.
TEST_F(JwtVerifierTest, OutOfRangeNumericDatesAreRefusedByName) {
  std::unique_ptr<JwtVerifier> v = Hs256Verifier();
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  for (const char* claim : {"exp", "nbf", "iat"}) {
    SCOPED_TRACE(claim);
    auto token = [&](const std::string& value) {
      std::string json = absl::StrCat(R"({"sub":"a")");
      if (std::string(claim) != "exp") absl::StrAppend(&json, ",\"exp\":", now + 3600);
      absl::StrAppend(&json, ",\"", claim, "\":", value, "}");
      return HmacToken(kHs256Header, json, kSecret);
    };
    ExpectUnauthenticated(
        v->Verify(token("1e400")),
        absl::StrCat("claim '", claim, "' holds a number out of range ('1e400')"));
    ExpectUnauthenticated(v->Verify(token("-1e400")), "holds a number out of range");
    for (const char* value : {"-5", "-0.5", "99999999999999999999999", "18446744073709551615",
                              "9223372036854775807", "1e300", "253402300800"}) {
      SCOPED_TRACE(value);
      ExpectUnauthenticated(v->Verify(token(value)),
                            absl::StrCat("claim '", claim, "' is out of range"));
    }
    for (const char* value : {"\"soon\"", "true", "[1]", "{}"}) {
      SCOPED_TRACE(value);
      ExpectUnauthenticated(v->Verify(token(value)),
                            absl::StrCat("claim '", claim, "' must be a number"));
    }
  }
  // In range, and fractional (RFC 7519 allows it): fine.
  EXPECT_TRUE(v->Verify(HmacToken(kHs256Header,
                                  absl::StrCat(R"({"sub":"a","exp":)", now + 3600,
                                               R"(.5,"iat":0,"nbf":)", now - 1, ".25}"),
                                  kSecret))
                  .ok());
  // An out-of-range number in a claim Baton does not read is nobody's business.
  EXPECT_TRUE(v->Verify(HmacToken(kHs256Header,
                                  absl::StrCat(R"({"sub":"a","exp":)", now + 3600,
                                               R"(,"x":18446744073709551615})"),
                                  kSecret))
                  .ok());
}

TEST_F(JwtVerifierTest, NulInStringClaimsIsRefusedByName) {
  std::unique_ptr<JwtVerifier> v = Hs256Verifier();
  const std::string exp = Exp();
  for (const auto& [claim, json] : std::vector<std::pair<std::string, std::string>>{
           {"sub", R"("sub":"ali\u0000ce")"},
           {"team", R"("sub":"a","team":"front\u0000desk")"},
           {"department", R"("sub":"a","department":"\u0000")"},
           {"roles", R"("sub":"a","roles":["member\u0000"])"}}) {
    SCOPED_TRACE(claim);
    const std::string token =
        HmacToken(kHs256Header, absl::StrCat("{", json, ",", exp, "}"), kSecret);
    ExpectUnauthenticated(v->Verify(token),
                          absl::StrCat("claim '", claim, "' contains a NUL character"));
    ExpectUnauthenticated(JwtVerifier::DecodeUnverified(token), "contains a NUL character");
  }
}

// Whatever is wrong with the claims, a token that is not signed with the
// key hears only that: the payload is not read before the signature holds.
TEST_F(JwtVerifierTest, ForgedTokensOnlyHearThatTheSignatureDoesNotVerify) {
  const std::string other_key(40, 'k');
  std::unique_ptr<JwtVerifier> v = Hs256Verifier();
  for (const std::string& payload :
       {std::string(R"({"sub":"a","exp":1e400})"), std::string(R"({"sub":"a\u0000","exp":1})"),
        std::string(R"({"sub":"a","exp":-5})"), std::string(R"({"sub":"a"})"),
        std::string(R"({"exp":1})"), std::string("not json"), std::string("[]"),
        absl::StrCat(R"({"sub":"a","roles":["root"],)", Exp(), "}")}) {
    SCOPED_TRACE(payload);
    absl::StatusOr<Principal> p = v->Verify(HmacToken(kHs256Header, payload, other_key));
    ExpectUnauthenticated(p, "signature does not verify");
    EXPECT_THAT(std::string(p.status().message()), ::testing::Not(HasSubstr("claim")));
  }
}

TEST_F(JwtVerifierTest, Hs256KeysShorterThan32BytesAreRefused) {
  absl::Status short_key = JwtVerifier::Create({.key = std::string(31, 's')}, &clock_).status();
  EXPECT_EQ(short_key.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(short_key.message(), HasSubstr("31 bytes; at least 32"));
  EXPECT_THAT(short_key.message(), HasSubstr("RFC 7518"));
  EXPECT_TRUE(JwtVerifier::Create({.key = std::string(32, 's')}, &clock_).ok());
  absl::Status short_named =
      JwtVerifier::Create({.keys = {{.id = "k2", .material = "short"}}}, &clock_).status();
  EXPECT_EQ(short_named.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(short_named.message(), HasSubstr("'k2'"));
}

class KeyIdTest : public JwtVerifierTest {
 protected:
  static constexpr char kKeyA[] = "key-a-0123456789abcdef0123456789abcdef";
  static constexpr char kKeyB[] = "key-b-0123456789abcdef0123456789abcdef";
  std::string Signed(const std::string& key, const std::string& kid) {
    TokenClaims claims = Claims();
    claims.key_id = kid;
    absl::StatusOr<std::string> t = SignToken(Algorithm::kHs256, key, claims);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.value_or("");
  }
};

TEST_F(KeyIdTest, ATokenIsVerifiedWithTheKeyItNamesOnly) {
  std::unique_ptr<JwtVerifier> v = MakeVerifier(
      {.keys = {{.id = "2026-01", .material = kKeyA}, {.id = "2026-02", .material = kKeyB}}});
  EXPECT_TRUE(v->Verify(Signed(kKeyA, "2026-01")).ok());
  EXPECT_TRUE(v->Verify(Signed(kKeyB, "2026-02")).ok());
  // Signed with B but naming A: A alone is tried.
  ExpectUnauthenticated(v->Verify(Signed(kKeyB, "2026-01")),
                        "signature does not verify with the configured HS256 key '2026-01'");
  ExpectUnauthenticated(v->Verify(Signed(kKeyA, "2025-12")), "unknown key id '2025-12'");
  ExpectUnauthenticated(v->Verify(Signed(kKeyA, "")), "no 'kid' header, but 2 keys");
  // A kid is the caller's text: escaped in the message.
  const std::string control = "a\x01\n";
  ExpectUnauthenticated(v->Verify(Signed(kKeyA, control)),
                        absl::StrCat("unknown key id '", absl::CHexEscape(control), "'"));
  ExpectUnauthenticated(
      v->Verify(absl::StrCat(B64(R"({"alg":"HS256","kid":7})"), ".", B64("{}"), ".sig")),
      "'kid' is not a string");
}

TEST_F(KeyIdTest, WithOneKeyATokenWithoutKidIsAccepted) {
  std::unique_ptr<JwtVerifier> one_named = MakeVerifier({.keys = {{.id = "a", .material = kKeyA}}});
  EXPECT_TRUE(one_named->Verify(Signed(kKeyA, "")).ok());
  EXPECT_TRUE(one_named->Verify(Signed(kKeyA, "a")).ok());
  // The single key without an id answers to no kid.
  std::unique_ptr<JwtVerifier> anonymous = MakeVerifier({.key = kKeyA});
  EXPECT_TRUE(anonymous->Verify(Signed(kKeyA, "")).ok());
  ExpectUnauthenticated(anonymous->Verify(Signed(kKeyA, "a")), "unknown key id 'a'");
}

TEST_F(KeyIdTest, Rs256KeysWithIds) {
  std::unique_ptr<JwtVerifier> v =
      MakeVerifier({.algorithm = Algorithm::kRs256,
                    .keys = {{.id = "old", .material = RsaKey().public_pem},
                             {.id = "new", .material = OtherRsaKey().public_pem}}});
  TokenClaims claims = Claims();
  claims.key_id = "new";
  absl::StatusOr<std::string> token =
      SignToken(Algorithm::kRs256, OtherRsaKey().private_pem, claims);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_TRUE(v->Verify(*token).ok());
  claims.key_id = "old";
  token = SignToken(Algorithm::kRs256, OtherRsaKey().private_pem, claims);
  ASSERT_TRUE(token.ok()) << token.status();
  ExpectUnauthenticated(v->Verify(*token),
                        "signature does not verify with the configured RS256 key 'old'");
}

TEST_F(KeyIdTest, CreateValidatesKeyIds) {
  auto error = [&](JwtVerifierOptions o) {
    return JwtVerifier::Create(std::move(o), &clock_).status();
  };
  EXPECT_THAT(error({.keys = {{.id = "", .material = kKeyA}}}).message(), HasSubstr("empty id"));
  EXPECT_THAT(
      error({.keys = {{.id = "a", .material = kKeyA}, {.id = "a", .material = kKeyB}}}).message(),
      HasSubstr("'a' is given twice"));
  EXPECT_EQ(error({.keys = {{.id = std::string("a\0b", 3), .material = kKeyA}}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(error({.keys = {{.id = std::string(300, 'a'), .material = kKeyA}}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(error({.keys = {{.id = "a", .material = ""}}}).message(), HasSubstr("'a' is empty"));
  EXPECT_THAT(error({}).message(), HasSubstr("no JWT key"));
  EXPECT_THAT(
      error({.algorithm = Algorithm::kRs256, .keys = {{.id = "r", .material = "junk"}}}).message(),
      HasSubstr("RS256 key 'r' is not a PEM public key"));
}

TEST(SignTokenTest, RejectsBadInput) {
  TokenClaims claims{.subject = "a", .issued_at = absl::Now()};
  EXPECT_TRUE(SignToken(Algorithm::kHs256, kSecret, claims).ok());
  EXPECT_EQ(SignToken(Algorithm::kHs256, "", claims).status().code(),
            absl::StatusCode::kInvalidArgument);
  TokenClaims no_sub = claims;
  no_sub.subject = "";
  EXPECT_EQ(SignToken(Algorithm::kHs256, kSecret, no_sub).status().code(),
            absl::StatusCode::kInvalidArgument);
  TokenClaims no_ttl = claims;
  no_ttl.ttl = absl::ZeroDuration();
  EXPECT_EQ(SignToken(Algorithm::kHs256, kSecret, no_ttl).status().code(),
            absl::StatusCode::kInvalidArgument);
  TokenClaims bad_utf8 = claims;
  bad_utf8.team = "\xff\xfe";
  EXPECT_EQ(SignToken(Algorithm::kHs256, kSecret, bad_utf8).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignToken(Algorithm::kRs256, RsaKey().public_pem, claims).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignToken(Algorithm::kRs256, "junk", claims).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignRawClaims(Algorithm::kHs256, kSecret, "[1]").status().code(),
            absl::StatusCode::kInvalidArgument);
}

class ReadKeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("baton_auth_test_", getpid(), "_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string Write(const std::string& name, const std::string& contents) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ReadKeyFileTest, ReadsBytesUnchanged) {
  const std::string contents = std::string("sec\0ret\n", 8);
  absl::StatusOr<std::string> key = ReadKeyFile(Write("k", contents));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, contents);
}

TEST_F(ReadKeyFileTest, ErrorsNameThePath) {
  const std::string missing = (dir_ / "missing.pem").string();
  absl::Status s = ReadKeyFile(missing).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr(missing));

  s = ReadKeyFile(dir_.string()).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(dir_.string()));

  const std::string empty = Write("empty", "");
  s = ReadKeyFile(empty).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(empty));
}

TEST_F(ReadKeyFileTest, PemFromFileWorksForVerifier) {
  absl::StatusOr<std::string> key = ReadKeyFile(Write("pub.pem", RsaKey().public_pem));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_TRUE(JwtVerifier::Create({.algorithm = Algorithm::kRs256, .key = *key}, nullptr).ok());
}

TEST_F(ReadKeyFileTest, KeyDirReadsOneKeyPerFileNamedByItsId) {
  Write("2026-02", "secret-b");
  Write("2026-01", "secret-a");
  Write(".hidden", "not a key");
  std::filesystem::create_directories(dir_ / "subdir");
  absl::StatusOr<std::vector<JwtKey>> keys = ReadKeyDir(dir_.string());
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(*keys, (std::vector<JwtKey>{{.id = "2026-01", .material = "secret-a"},
                                        {.id = "2026-02", .material = "secret-b"}}));
}

// How Kubernetes mounts a secret: the files live in a timestamped directory
// that "..data" points to, and each key is a symlink through "..data".
TEST_F(ReadKeyFileTest, KeyDirReadsAKubernetesSecretMount) {
  std::filesystem::create_directories(dir_ / "..2026_01_01_00_00_00.1");
  Write("..2026_01_01_00_00_00.1/k1", "secret-1");
  std::filesystem::create_directory_symlink("..2026_01_01_00_00_00.1", dir_ / "..data");
  std::filesystem::create_symlink("..data/k1", dir_ / "k1");
  absl::StatusOr<std::vector<JwtKey>> keys = ReadKeyDir(dir_.string());
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(*keys, (std::vector<JwtKey>{{.id = "k1", .material = "secret-1"}}));
}

TEST_F(ReadKeyFileTest, KeyDirErrorsNameThePath) {
  const std::string missing = (dir_ / "missing").string();
  absl::Status s = ReadKeyDir(missing).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr(missing));

  s = ReadKeyDir(dir_.string()).status();  // empty
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("holds no key"));

  const std::string file = Write("k", "x");
  s = ReadKeyDir(file).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("not a directory"));

  const std::string empty = Write("empty", "");
  s = ReadKeyDir(dir_.string()).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(empty));
}

}  // namespace
}  // namespace baton::auth
