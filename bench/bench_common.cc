#include "bench/bench_common.h"

#include <algorithm>
#include <cmath>

#include "absl/time/clock.h"
#include "common/auth/jwt_signer.h"
#include "common/auth/jwt_verifier.h"

namespace baton::bench {

absl::StatusOr<std::string> MintToken(const std::string& key, const std::string& subject,
                                      const std::string& team, const std::string& department,
                                      auth::Role role) {
  auth::TokenClaims claims;
  claims.subject = subject;
  claims.team = team;
  claims.department = department;
  claims.roles = {role};
  claims.issued_at = absl::Now();
  claims.ttl = absl::Hours(6);
  return auth::SignToken(auth::JwtVerifierOptions::Algorithm::kHs256, key, claims);
}

uint32_t Percentile(const std::vector<uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * sorted.size()));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

}  // namespace baton::bench
