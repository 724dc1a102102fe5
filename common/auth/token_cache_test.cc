#include "common/auth/token_cache.h"

#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace baton::auth {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

Principal Alice() {
  Principal p;
  p.subject = "alice";
  p.team = "front-desk";
  p.roles = {Role::kMember};
  return p;
}

TEST(TokenCacheTest, FindsAnInsertedTokenUntilItsValidityEnds) {
  TokenCache cache(10);
  EXPECT_FALSE(cache.Find("t1", kNow).has_value());
  cache.Insert("t1", Alice(), kNow + absl::Minutes(5), kNow);
  std::optional<Principal> found = cache.Find("t1", kNow + absl::Minutes(4));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->subject, "alice");
  EXPECT_EQ(found->team, "front-desk");
  EXPECT_FALSE(cache.Find("t1", kNow + absl::Minutes(5)).has_value());
  EXPECT_FALSE(cache.Find("t1x", kNow).has_value());
  EXPECT_FALSE(cache.Find("t", kNow).has_value());
}

TEST(TokenCacheTest, WhenFullDropsExpiredEntriesFirst) {
  TokenCache cache(3);
  cache.Insert("old-1", Alice(), kNow + absl::Seconds(1), kNow);
  cache.Insert("old-2", Alice(), kNow + absl::Seconds(1), kNow);
  cache.Insert("live", Alice(), kNow + absl::Hours(1), kNow);
  ASSERT_EQ(cache.size(), 3u);
  const absl::Time later = kNow + absl::Minutes(1);
  cache.Insert("new", Alice(), later + absl::Hours(1), later);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.Find("live", later).has_value());
  EXPECT_TRUE(cache.Find("new", later).has_value());
}

TEST(TokenCacheTest, StaysBoundedWhenEverythingIsLive) {
  TokenCache cache(4);
  for (int i = 0; i < 100; ++i) {
    cache.Insert("token-" + std::to_string(i), Alice(), kNow + absl::Hours(1), kNow);
    ASSERT_LE(cache.size(), 4u);
  }
  EXPECT_TRUE(cache.Find("token-99", kNow).has_value());
}

TEST(TokenCacheTest, ZeroCapacityRemembersNothing) {
  TokenCache cache(0);
  cache.Insert("t1", Alice(), kNow + absl::Hours(1), kNow);
  EXPECT_FALSE(cache.Find("t1", kNow).has_value());
}

}  // namespace
}  // namespace baton::auth
