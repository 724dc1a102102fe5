#include "common/auth/authenticator_config.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/time/time.h"
#include "common/auth/jwt_signer.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::auth {
namespace {

using ::baton::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using Algorithm = JwtVerifierOptions::Algorithm;

constexpr char kOldKey[] = "old-key-0123456789abcdef0123456789abcdef";
constexpr char kNewKey[] = "new-key-0123456789abcdef0123456789abcdef";

class AuthConfigTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& contents) {
    const std::string path = dir_.Sub(name);
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }
  std::string Token(const std::string& key, const std::string& kid) {
    absl::StatusOr<std::string> t = SignToken(
        Algorithm::kHs256, key, {.subject = "alice", .issued_at = clock_.Now(), .key_id = kid});
    EXPECT_TRUE(t.ok()) << t.status();
    return "Bearer " + t.value_or("");
  }
  std::unique_ptr<Authenticator> Make(const AuthConfig& config) {
    auto authenticator = MakeAuthenticator(config, &clock_);
    EXPECT_TRUE(authenticator.ok()) << authenticator.status();
    return authenticator.ok() ? *std::move(authenticator) : nullptr;
  }
  static void ExpectUnauthenticated(const absl::StatusOr<Principal>& p, std::string_view substr) {
    ASSERT_FALSE(p.ok()) << p->DebugString();
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated) << p.status();
    EXPECT_THAT(std::string(p.status().message()), HasSubstr(substr));
  }

  FakeClock clock_;
  baton::testing::TempDir dir_;
};

TEST_F(AuthConfigTest, DevMode) {
  std::unique_ptr<Authenticator> dev = Make({.insecure_dev_mode = true});
  ASSERT_NE(dev, nullptr);
  EXPECT_TRUE(dev->dev_mode());
  EXPECT_THAT(
      MakeAuthenticator({.insecure_dev_mode = true, .key_file = Write("k", kOldKey)}, &clock_),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("--insecure_dev_mode"), HasSubstr("not both"))));
}

TEST_F(AuthConfigTest, CombinationsAreCheckedWithMessagesNamingTheFlags) {
  EXPECT_THAT(MakeAuthenticator({}, &clock_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--jwt_key_file"), HasSubstr("--jwt_key_dir"),
                             HasSubstr("--insecure_dev_mode"))));
  EXPECT_THAT(MakeAuthenticator({.key_file = Write("k", kOldKey), .key_dir = dir_.path()}, &clock_),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not both")));
  EXPECT_THAT(MakeAuthenticator({.key_file = Write("k", kOldKey), .algorithm = "ES256"}, &clock_),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'ES256' is not HS256")));
  EXPECT_THAT(MakeAuthenticator({.key_file = dir_.Sub("missing")}, &clock_),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(dir_.Sub("missing"))));
  EXPECT_THAT(MakeAuthenticator({.key_dir = dir_.Sub("nodir")}, &clock_),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(dir_.Sub("nodir"))));
}

TEST_F(AuthConfigTest, ShortHs256KeyIsAStartupError) {
  EXPECT_THAT(MakeAuthenticator({.key_file = Write("short", "0123456789")}, &clock_),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("10 bytes; at least 32")));
  EXPECT_THAT(MakeAuthenticator({.key_dir = dir_.path()}, &clock_),  // "short" is in it
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'short'")));
}

TEST_F(AuthConfigTest, KeyFileVerifiesTokensWithIssuerAndAudience) {
  std::unique_ptr<Authenticator> auth =
      Make({.key_file = Write("k", kOldKey), .issuer = "baton-auth", .audience = "baton"});
  ASSERT_NE(auth, nullptr);
  EXPECT_FALSE(auth->dev_mode());
  ExpectUnauthenticated(auth->Authenticate(Token(kOldKey, "")), "claim 'iss' is missing");
  EXPECT_EQ(auth->verifier()->options().audience, "baton");
}

// Rotation as an operator does it with a mounted secret: add the new key,
// move the issuer over, remove the old key; no restart, no refused caller
// while both keys are in.
TEST_F(AuthConfigTest, KeysInTheDirectoryRotateWithoutARestart) {
  const std::string keys = dir_.Sub("keys");
  Write("keys/2026-01", kOldKey);
  std::unique_ptr<Authenticator> auth =
      Make({.key_dir = keys, .key_reload_interval = absl::Seconds(30)});
  ASSERT_NE(auth, nullptr);
  const std::string old_token = Token(kOldKey, "2026-01");
  const std::string new_token = Token(kNewKey, "2026-02");
  ASSERT_TRUE(auth->Authenticate(old_token).ok());  // now remembered
  ExpectUnauthenticated(auth->Authenticate(new_token), "unknown key id '2026-02'");
  // One key: a token without kid is fine.
  EXPECT_TRUE(auth->Authenticate(Token(kOldKey, "")).ok());

  // Overlap: both keys are valid.
  Write("keys/2026-02", kNewKey);
  clock_.Advance(absl::Seconds(30));
  EXPECT_TRUE(auth->Authenticate(old_token).ok());
  EXPECT_TRUE(auth->Authenticate(new_token).ok());
  ExpectUnauthenticated(auth->Authenticate(Token(kOldKey, "")), "no 'kid' header, but 2 keys");

  // The old key removed: its tokens are refused, remembered or not.
  std::filesystem::remove(dir_.Sub("keys/2026-01"));
  clock_.Advance(absl::Seconds(29));
  EXPECT_TRUE(auth->Authenticate(old_token).ok()) << "reloaded before the interval";
  clock_.Advance(absl::Seconds(1));
  ExpectUnauthenticated(auth->Authenticate(old_token), "unknown key id '2026-01'");
  EXPECT_TRUE(auth->Authenticate(new_token).ok());

  // A broken update (the directory emptied mid-way) keeps the keys in use.
  std::filesystem::remove(dir_.Sub("keys/2026-02"));
  clock_.Advance(absl::Seconds(30));
  EXPECT_TRUE(auth->Authenticate(new_token).ok());
}

TEST_F(AuthConfigTest, ZeroIntervalNeverReloads) {
  const std::string key = Write("k", kOldKey);
  std::unique_ptr<Authenticator> auth =
      Make({.key_file = key, .key_reload_interval = absl::ZeroDuration()});
  ASSERT_NE(auth, nullptr);
  Write("k", kNewKey);
  clock_.Advance(absl::Hours(1));
  EXPECT_TRUE(auth->Authenticate(Token(kOldKey, "")).ok());
}

}  // namespace
}  // namespace baton::auth
