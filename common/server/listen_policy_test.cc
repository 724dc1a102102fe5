#include "common/server/listen_policy.h"

#include <string>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::server {
namespace {

using ::baton::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(IsLoopbackAddressTest, LoopbackAddressesPass) {
  for (const char* address : {"127.0.0.1:0", "127.0.0.1:7400", "127.1.2.3:80", "[::1]:0",
                              "localhost:0", "[::ffff:127.0.0.1]:0"}) {
    EXPECT_TRUE(IsLoopbackAddress(address)) << address;
  }
}

// The old check matched the text prefix "127." and let the first of these
// through (and so open dev mode onto whatever the name resolves to).
TEST(IsLoopbackAddressTest, NamesAndWildcardsThatOnlyLookLocalFail) {
  for (const char* address :
       {"127.evil.com:80", "0.0.0.0:0", "[::]:0", ":7400", "", "10.0.0.1:80", "[::2]:0", "[::1",
        "::1:80", "no-such-host.invalid:80", "[::ffff:10.0.0.1]:0"}) {
    EXPECT_FALSE(IsLoopbackAddress(address)) << address;
  }
}

TEST(CheckListenPolicyTest, DevModeOnlyOnLoopbackAndWarns) {
  auto ok = CheckListenPolicy({.address = "127.0.0.1:0", .dev_mode = true});
  ASSERT_OK(ok);
  EXPECT_THAT(*ok, ElementsAre(HasSubstr("OPEN DEV MODE")));
  EXPECT_THAT(CheckListenPolicy({.address = "0.0.0.0:7400", .dev_mode = true}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("loopback"), HasSubstr("0.0.0.0:7400"))));
  // TLS or the plaintext flag do not make dev mode acceptable elsewhere.
  EXPECT_THAT(CheckListenPolicy({.address = "0.0.0.0:7400",
                                 .tls = true,
                                 .dev_mode = true,
                                 .allow_plaintext_tokens_on_network = true}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("loopback")));
  EXPECT_THAT(CheckListenPolicy({.address = "127.evil.com:80", .dev_mode = true}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("loopback")));
}

TEST(CheckListenPolicyTest, PlaintextTokensOnTheNetworkNeedTheFlagAndWarn) {
  EXPECT_THAT(CheckListenPolicy({.address = "0.0.0.0:7400"}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("plaintext"), HasSubstr("0.0.0.0:7400"),
                             HasSubstr("--tls_cert_file"),
                             HasSubstr("--allow_plaintext_tokens_on_network"))));
  auto allowed =
      CheckListenPolicy({.address = "0.0.0.0:7400", .allow_plaintext_tokens_on_network = true});
  ASSERT_OK(allowed);
  EXPECT_THAT(*allowed, ElementsAre(HasSubstr("PLAINTEXT TOKENS ON THE NETWORK")));
}

TEST(CheckListenPolicyTest, TlsOrLoopbackIsSilent) {
  auto tls = CheckListenPolicy({.address = "0.0.0.0:7400", .tls = true});
  ASSERT_OK(tls);
  EXPECT_THAT(*tls, IsEmpty());
  auto loopback = CheckListenPolicy({.address = "127.0.0.1:7400"});
  ASSERT_OK(loopback);
  EXPECT_THAT(*loopback, IsEmpty());
  // The flag on a loopback address changes nothing.
  auto flagged =
      CheckListenPolicy({.address = "[::1]:0", .allow_plaintext_tokens_on_network = true});
  ASSERT_OK(flagged);
  EXPECT_THAT(*flagged, IsEmpty());
}

}  // namespace
}  // namespace baton::server
