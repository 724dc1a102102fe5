#ifndef BATON_SERVICES_RATING_HISTOGRAM_H_
#define BATON_SERVICES_RATING_HISTOGRAM_H_

// Fixed latency buckets, so that a latency histogram is kLatencyBuckets
// counters in a rollup value (common/storage/counters_merge.h) and its
// percentiles are read from the summed counts of a window.
//
// The buckets, fixed forever (a change is a new set of rollup slots):
// roughly log-spaced from 1 s to 30 days, each bound at most 2.5 times the
// one before, on round human durations. Bucket i holds durations in
// [lower(i), upper(i)); bucket 0 starts at 0 (negative durations — clock
// skew — count there) and the last, [30 d, ∞), has no upper bound:
//    0: <1s    1: <2s    2: <5s    3: <10s   4: <20s   5: <30s
//    6: <1m    7: <2m    8: <5m    9: <10m  10: <20m  11: <30m
//   12: <1h   13: <2h   14: <3h   15: <4h   16: <6h   17: <8h
//   18: <12h  19: <1d   20: <36h  21: <2d   22: <3d   23: <5d
//   24: <7d   25: <10d  26: <14d  27: <21d  28: <30d  29: ≥30d
//
// Percentiles interpolate linearly within the bucket that holds the rank
// (as Prometheus' histogram_quantile): the p-quantile of n counts has rank
// r = p·n; in the first bucket whose cumulative count reaches r (and that
// holds any), with c_before counts below it and c in it, the answer is
//   lower + (upper − lower) × (r − c_before) / c.
// In the open last bucket the answer is its lower bound, 30 days ("at
// least"). The error is at most the bucket's width. Thread-safe: pure.

#include <cstdint>
#include <optional>
#include <span>

#include "absl/time/time.h"

namespace baton::rating {

inline constexpr int kLatencyBuckets = 30;

// The bucket of `d`: 0 for d < 1 s (also negative), 29 for d ≥ 30 days.
int LatencyBucket(absl::Duration d);

// Bucket `i`'s bounds; `i` in [0, kLatencyBuckets) (aborts otherwise).
// The upper bound is nullopt for the last bucket.
absl::Duration LatencyBucketLower(int i);
std::optional<absl::Duration> LatencyBucketUpper(int i);

// The p-quantile (p clamped to [0, 1]; 0.5 for p50, 0.9 for p90) of the
// histogram `counts` (bucket i's count at index i; missing trailing
// buckets count 0, a negative count — a writer's bug — counts 0, entries
// past kLatencyBuckets are ignored); nullopt when it holds no counts.
std::optional<absl::Duration> LatencyPercentile(std::span<const int64_t> counts, double p);

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_HISTOGRAM_H_
