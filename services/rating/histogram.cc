#include "services/rating/histogram.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <iostream>

namespace baton::rating {
namespace {

// Upper bounds of buckets 0..28, in seconds (the table in the header).
constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr std::array<int64_t, kLatencyBuckets - 1> kUpperSeconds = {
    1,          2,           5,           10,           20,           30,
    kMinute,    2 * kMinute, 5 * kMinute, 10 * kMinute, 20 * kMinute, 30 * kMinute,
    kHour,      2 * kHour,   3 * kHour,   4 * kHour,    6 * kHour,    8 * kHour,
    12 * kHour, kDay,        36 * kHour,  2 * kDay,     3 * kDay,     5 * kDay,
    7 * kDay,   10 * kDay,   14 * kDay,   21 * kDay,    30 * kDay};

constexpr bool Ascending() {
  for (size_t i = 1; i < kUpperSeconds.size(); ++i) {
    if (kUpperSeconds[i] <= kUpperSeconds[i - 1]) return false;
  }
  return true;
}
static_assert(Ascending(), "bucket bounds must ascend");

void CheckBucket(int i) {
  if (i < 0 || i >= kLatencyBuckets) {
    std::cerr << "baton: latency bucket " << i << " out of range\n";
    std::abort();
  }
}

}  // namespace

int LatencyBucket(absl::Duration d) {
  // The first bound d is below; the last bucket when none.
  const auto it = std::upper_bound(
      kUpperSeconds.begin(), kUpperSeconds.end(), d,
      [](absl::Duration value, int64_t upper) { return value < absl::Seconds(upper); });
  return static_cast<int>(it - kUpperSeconds.begin());
}

absl::Duration LatencyBucketLower(int i) {
  CheckBucket(i);
  return i == 0 ? absl::ZeroDuration() : absl::Seconds(kUpperSeconds[i - 1]);
}

std::optional<absl::Duration> LatencyBucketUpper(int i) {
  CheckBucket(i);
  if (i == kLatencyBuckets - 1) return std::nullopt;
  return absl::Seconds(kUpperSeconds[i]);
}

std::optional<absl::Duration> LatencyPercentile(std::span<const int64_t> counts, double p) {
  const size_t n = std::min<size_t>(counts.size(), kLatencyBuckets);
  auto count_at = [&](size_t i) { return std::max<int64_t>(0, counts[i]); };
  double total = 0;
  for (size_t i = 0; i < n; ++i) total += static_cast<double>(count_at(i));
  if (total == 0) return std::nullopt;
  const double rank = std::clamp(p, 0.0, 1.0) * total;
  double below = 0;
  for (size_t i = 0; i < n; ++i) {
    const double c = static_cast<double>(count_at(i));
    if (c == 0 || below + c < rank) {
      below += c;
      continue;
    }
    const int bucket = static_cast<int>(i);
    const absl::Duration lower = LatencyBucketLower(bucket);
    const std::optional<absl::Duration> upper = LatencyBucketUpper(bucket);
    if (!upper) return lower;
    return lower + (*upper - lower) * ((rank - below) / c);
  }
  // Not reached: the last non-empty bucket brings `below` to `total`.
  return std::nullopt;
}

}  // namespace baton::rating
