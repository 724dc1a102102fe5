#ifndef BATON_BENCH_PERCENTILE_H_
#define BATON_BENCH_PERCENTILE_H_

// Latency percentiles of the benchmark programs.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace baton::bench {

// The p-th percentile (0 < p ≤ 100, nearest rank) of `sorted` (ascending);
// 0 when empty.
inline uint32_t Percentile(const std::vector<uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * sorted.size()));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

}  // namespace baton::bench

#endif  // BATON_BENCH_PERCENTILE_H_
