#ifndef BATON_BENCH_BENCH_COMMON_H_
#define BATON_BENCH_BENCH_COMMON_H_

// What Baton's benchmark programs share: bearer tokens minted from the
// server's HS256 key (as a real client would present them) and latency
// percentiles. Benchmarks only; nothing here is used by a server.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/principal.h"

namespace baton::bench {

// A token for `subject` (member of `team` in `department`, or neither) with
// `role`, signed with the HS256 secret `key`, valid for 6 hours.
absl::StatusOr<std::string> MintToken(const std::string& key, const std::string& subject,
                                      const std::string& team, const std::string& department,
                                      auth::Role role);

// The p-th percentile (0 < p ≤ 100, nearest rank) of `sorted` (ascending);
// 0 when empty.
uint32_t Percentile(const std::vector<uint32_t>& sorted, double p);

}  // namespace baton::bench

#endif  // BATON_BENCH_BENCH_COMMON_H_
