#ifndef BATON_BENCH_BENCH_TOKENS_H_
#define BATON_BENCH_BENCH_TOKENS_H_

// Bearer tokens the benchmark programs mint with the server's HS256 key
// (the key file run.sh gives both the server and the program).

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/auth/jwt_signer.h"
#include "common/auth/jwt_verifier.h"

namespace baton::bench {

// A token of `subject` in `team` and `department` with `role`, valid 6 h
// (longer than any run).
inline absl::StatusOr<std::string> MintToken(const std::string& key, const std::string& subject,
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

}  // namespace baton::bench

#endif  // BATON_BENCH_BENCH_TOKENS_H_
