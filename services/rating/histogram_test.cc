#include "services/rating/histogram.h"

#include <cstdint>
#include <optional>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::rating {
namespace {

using ::testing::Optional;

TEST(LatencyBucketTest, Bounds) {
  EXPECT_EQ(LatencyBucket(-absl::Seconds(5)), 0);
  EXPECT_EQ(LatencyBucket(absl::ZeroDuration()), 0);
  EXPECT_EQ(LatencyBucket(absl::Milliseconds(999)), 0);
  EXPECT_EQ(LatencyBucket(absl::Seconds(1)), 1);  // bounds are exclusive above
  EXPECT_EQ(LatencyBucket(absl::Seconds(4)), 2);
  EXPECT_EQ(LatencyBucket(absl::Minutes(1)), 7);
  EXPECT_EQ(LatencyBucket(absl::Minutes(90)), 13);
  EXPECT_EQ(LatencyBucket(absl::Hours(23)), 19);
  EXPECT_EQ(LatencyBucket(absl::Hours(24 * 30) - absl::Nanoseconds(1)), 28);
  EXPECT_EQ(LatencyBucket(absl::Hours(24 * 30)), 29);
  EXPECT_EQ(LatencyBucket(absl::InfiniteDuration()), 29);
  EXPECT_EQ(LatencyBucketLower(0), absl::ZeroDuration());
  EXPECT_EQ(LatencyBucketLower(13), absl::Hours(1));
  EXPECT_THAT(LatencyBucketUpper(13), Optional(absl::Hours(2)));
  EXPECT_EQ(LatencyBucketUpper(kLatencyBuckets - 1), std::nullopt);
  // Every bucket's bounds map back to it, and they tile [0, ∞).
  for (int i = 0; i < kLatencyBuckets; ++i) {
    EXPECT_EQ(LatencyBucket(LatencyBucketLower(i)), i);
    if (i + 1 < kLatencyBuckets) {
      EXPECT_EQ(LatencyBucketUpper(i), LatencyBucketLower(i + 1));
      EXPECT_EQ(LatencyBucket(*LatencyBucketUpper(i) - absl::Nanoseconds(1)), i);
      // Log-spaced: each bound at most 2.5 times the one before.
      if (i > 0) {
        EXPECT_LE(absl::FDivDuration(*LatencyBucketUpper(i), LatencyBucketLower(i)), 2.5) << i;
      }
    }
  }
}

std::vector<int64_t> Histogram(std::initializer_list<std::pair<int, int64_t>> counts) {
  std::vector<int64_t> h(kLatencyBuckets, 0);
  for (const auto& [bucket, count] : counts) h[bucket] = count;
  return h;
}

TEST(LatencyPercentileTest, InterpolatesWithinTheBucket) {
  // 10 in [1h, 2h): p50 has rank 5 of 10 → 1h + 1h*5/10 = 1.5h; p90 → 1.9h.
  const auto h = Histogram({{13, 10}});
  EXPECT_THAT(LatencyPercentile(h, 0.5), Optional(absl::Minutes(90)));
  EXPECT_THAT(LatencyPercentile(h, 0.9), Optional(absl::Minutes(114)));
  EXPECT_THAT(LatencyPercentile(h, 1.0), Optional(absl::Hours(2)));
  EXPECT_THAT(LatencyPercentile(h, 0.0), Optional(absl::Hours(1)));
}

TEST(LatencyPercentileTest, AcrossBuckets) {
  // 4 in [0, 1s), 4 in [1m, 2m), 2 in [1d, 36h). n = 10.
  const auto h = Histogram({{0, 4}, {7, 4}, {20, 2}});
  // p50: rank 5, 4 below, 1 of 4 into [60s, 120s) → 75 s.
  EXPECT_THAT(LatencyPercentile(h, 0.5), Optional(absl::Seconds(75)));
  // p90: rank 9, 8 below, 1 of 2 into [24h, 36h) → 30h.
  EXPECT_THAT(LatencyPercentile(h, 0.9), Optional(absl::Hours(30)));
  // p40: rank 4 reached at the end of bucket 0 → 1 s.
  EXPECT_THAT(LatencyPercentile(h, 0.4), Optional(absl::Seconds(1)));
}

TEST(LatencyPercentileTest, OpenLastBucketAndEdgeCases) {
  EXPECT_THAT(LatencyPercentile(Histogram({{29, 3}}), 0.9), Optional(absl::Hours(24 * 30)));
  EXPECT_EQ(LatencyPercentile(Histogram({}), 0.5), std::nullopt);
  EXPECT_EQ(LatencyPercentile({}, 0.5), std::nullopt);
  // A short value (trailing buckets missing) reads as zeros; negatives as 0.
  EXPECT_THAT(LatencyPercentile(std::vector<int64_t>{0, 2}, 0.5),
              Optional(absl::Milliseconds(1500)));
  EXPECT_THAT(LatencyPercentile(std::vector<int64_t>{-5, 2}, 0.5),
              Optional(absl::Milliseconds(1500)));
  // p clamped.
  EXPECT_THAT(LatencyPercentile(Histogram({{13, 10}}), 7), Optional(absl::Hours(2)));
}

}  // namespace
}  // namespace baton::rating
