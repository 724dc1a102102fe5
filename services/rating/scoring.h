#ifndef BATON_SERVICES_RATING_SCORING_H_
#define BATON_SERVICES_RATING_SCORING_H_

// The scores of DESIGN.md "Scores", as pure functions: one handoff's quality
// and its parts, a team's Bayesian score over a window, and the rates shown
// beside it. Nothing here reads storage or the clock; all are thread-safe.

#include <cstdint>
#include <optional>
#include <span>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace baton::rating {

// How a chain's handoffs are scored (mirrors baton.rating.v1.ScoringRules).
// The defaults are version 1; every change of a chain's rules is a new
// version, and a score records the version it was computed with.
struct ScoringRules {
  // 1 for these defaults. Default: 1.
  int version = 1;
  // Weights of R (the customer's rating), F (first pass) and T
  // (timeliness): each in [0, 1], summing to 1, F + T > 0.
  // Defaults: 0.5, 0.3, 0.2.
  double rating_weight = 0.5;
  double first_pass_weight = 0.3;
  double timeliness_weight = 0.2;
  // F loses this much per return before the accepted attempt; ≥ 0.
  // Default: 50.
  double return_penalty = 50;
  // The prior's weight C of the Bayesian team score; ≥ 0. Default: 10.
  double prior_weight = 10;
  // A rating counts as satisfied (CSAT) from this overall score, 1–5.
  // Default: 4.
  int satisfied_from = 4;
};

// OK, or INVALID_ARGUMENT naming the first field out of its range above
// (weights summing to 1 within 1e-9).
absl::Status ValidateRules(const ScoringRules& rules);

// What one decided handoff contributes.
struct HandoffFacts {
  // The customer's overall rating, 1–5; nullopt when unrated or when the
  // rating was overturned on dispute.
  std::optional<int> overall_rating;
  // 1 for the first offer of the item into the stage; one more per return.
  int attempt = 1;
  // When it was decided and when it was due (offer time + SLA).
  absl::Time decide_time;
  absl::Time due_time;
  // The stage's SLA (time to accept); > 0.
  absl::Duration sla;
};

// One handoff's score and its parts, each in [0, 100].
struct ScoreParts {
  // R = (overall − 1) × 25: 1 → 0, 3 → 50, 5 → 100; nullopt when unrated.
  std::optional<double> rating;
  // F = max(0, 100 − return_penalty × (attempt − 1)).
  double first_pass = 0;
  // T = 100 when decided at or before due; after due
  // max(0, 100 × (1 − (decide − due) / SLA)): 50 at due + SLA/2, 0 from
  // due + SLA (twice the SLA after the offer).
  double timeliness = 0;
  // q = w_r·R + w_f·F + w_t·T when rated; unrated, R's weight spread over F
  // and T in proportion: q = (w_f·F + w_t·T) / (w_f + w_t).
  double quality = 0;
  // The ScoringRules::version used.
  int rules_version = 0;
};

// The score of one handoff under `rules`. INVALID_ARGUMENT when the rules
// are invalid (ValidateRules), the rating is outside 1–5, the attempt < 1
// or the SLA ≤ 0 (or either time infinite).
absl::StatusOr<ScoreParts> ScoreHandoff(const HandoffFacts& facts, const ScoringRules& rules);

// Rollups keep quality sums as integers: q × kQualityScale, rounded to the
// nearest (so 62.5 is 62500). Sums of up to ~9e13 scores fit in int64.
inline constexpr int64_t kQualityScale = 1000;
int64_t QualityToFixed(double quality);
double QualityFromFixed(int64_t fixed);

// Every rate below is numerator / denominator, or nullopt ("no data") when
// the denominator is ≤ 0; a numerator is not checked against it.
std::optional<double> Ratio(int64_t numerator, int64_t denominator);

// Mean quality: quality_sum / count; nullopt without scores.
std::optional<double> MeanQuality(double quality_sum, int64_t count);

// A team's score over a window: the Bayesian average
//   (C·m + Σq) / (C + n)
// with C = prior_weight, m = the department's mean quality over the window,
// Σq and n the team's quality sum and count. With n = 0 it is m: a team
// without data sits at its department's mean, and one lucky score moves it
// by (q − m)/(C + 1). Without a department mean (no data in the
// department) the prior drops out: Σq/n, or nullopt when n = 0. nullopt
// also when C + n ≤ 0.
std::optional<double> BayesianScore(std::optional<double> department_mean, double quality_sum,
                                    int64_t count, double prior_weight);

// CSAT = satisfied ratings / ratings, a rating being satisfied when its
// overall score ≥ rules.satisfied_from; nullopt without ratings.
std::optional<double> Csat(int64_t satisfied, int64_t ratings);

// Of a histogram of overall ratings (counts of 1, 2, 3, 4, 5), how many are
// ≥ satisfied_from.
int64_t SatisfiedCount(std::span<const int64_t, 5> overall_counts, int satisfied_from);

// First-pass yield = handoffs accepted at their first attempt / handoffs
// decided (accepted or returned).
std::optional<double> FirstPassYield(int64_t accepted_first_attempt, int64_t decided);

// Rework rate = returns / offers.
std::optional<double> ReworkRate(int64_t returns, int64_t offers);

// On-time rate = handoffs decided by their due time / handoffs decided.
std::optional<double> OnTimeRate(int64_t on_time, int64_t decided);

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_SCORING_H_
