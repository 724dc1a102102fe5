#include "services/rating/scoring.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace baton::rating {
namespace {

bool InUnit(double w) { return w >= 0 && w <= 1; }

}  // namespace

absl::Status ValidateRules(const ScoringRules& rules) {
  if (rules.version < 1) {
    return absl::InvalidArgumentError(absl::StrCat("rules version ", rules.version, " < 1"));
  }
  if (!InUnit(rules.rating_weight) || !InUnit(rules.first_pass_weight) ||
      !InUnit(rules.timeliness_weight)) {
    return absl::InvalidArgumentError("rule weights must each be in [0, 1]");
  }
  const double sum = rules.rating_weight + rules.first_pass_weight + rules.timeliness_weight;
  if (std::abs(sum - 1) > 1e-9) {
    return absl::InvalidArgumentError(absl::StrCat("rule weights sum to ", sum, ", not 1"));
  }
  if (rules.first_pass_weight + rules.timeliness_weight <= 0) {
    // An unrated handoff spreads R's weight over F and T: they need some.
    return absl::InvalidArgumentError("first_pass_weight + timeliness_weight must be > 0");
  }
  if (!(rules.return_penalty >= 0)) {
    return absl::InvalidArgumentError("return_penalty must be >= 0");
  }
  if (!(rules.prior_weight >= 0)) {
    return absl::InvalidArgumentError("prior_weight must be >= 0");
  }
  if (rules.satisfied_from < 1 || rules.satisfied_from > 5) {
    return absl::InvalidArgumentError(
        absl::StrCat("satisfied_from ", rules.satisfied_from, " is not in 1-5"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ScoreParts> ScoreHandoff(const HandoffFacts& facts, const ScoringRules& rules) {
  if (absl::Status s = ValidateRules(rules); !s.ok()) return s;
  if (facts.overall_rating && (*facts.overall_rating < 1 || *facts.overall_rating > 5)) {
    return absl::InvalidArgumentError(
        absl::StrCat("overall rating ", *facts.overall_rating, " is not in 1-5"));
  }
  if (facts.attempt < 1) {
    return absl::InvalidArgumentError(absl::StrCat("attempt ", facts.attempt, " < 1"));
  }
  if (facts.sla <= absl::ZeroDuration() || facts.sla == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError("the SLA must be positive and finite");
  }
  if (facts.decide_time == absl::InfiniteFuture() || facts.decide_time == absl::InfinitePast() ||
      facts.due_time == absl::InfiniteFuture() || facts.due_time == absl::InfinitePast()) {
    return absl::InvalidArgumentError("decide and due times must be finite");
  }
  ScoreParts parts;
  parts.rules_version = rules.version;
  if (facts.overall_rating) parts.rating = (*facts.overall_rating - 1) * 25.0;
  parts.first_pass = std::max(0.0, 100.0 - rules.return_penalty * (facts.attempt - 1));
  const absl::Duration late = facts.decide_time - facts.due_time;
  parts.timeliness = late <= absl::ZeroDuration()
                         ? 100.0
                         : std::max(0.0, 100.0 * (1.0 - absl::FDivDuration(late, facts.sla)));
  const double ft =
      rules.first_pass_weight * parts.first_pass + rules.timeliness_weight * parts.timeliness;
  const double q = parts.rating ? rules.rating_weight * *parts.rating + ft
                                : ft / (rules.first_pass_weight + rules.timeliness_weight);
  // Rounding can step a hair outside [0, 100]; the contract is the range.
  parts.quality = std::clamp(q, 0.0, 100.0);
  return parts;
}

int64_t QualityToFixed(double quality) { return std::llround(quality * kQualityScale); }

double QualityFromFixed(int64_t fixed) { return static_cast<double>(fixed) / kQualityScale; }

std::optional<double> Ratio(int64_t numerator, int64_t denominator) {
  if (denominator <= 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

std::optional<double> MeanQuality(double quality_sum, int64_t count) {
  if (count <= 0) return std::nullopt;
  return quality_sum / static_cast<double>(count);
}

std::optional<double> BayesianScore(std::optional<double> department_mean, double quality_sum,
                                    int64_t count, double prior_weight) {
  if (!department_mean) return MeanQuality(quality_sum, count);
  const double weight = prior_weight + static_cast<double>(count);
  if (!(weight > 0)) return std::nullopt;
  return (prior_weight * *department_mean + quality_sum) / weight;
}

std::optional<double> Csat(int64_t satisfied, int64_t ratings) { return Ratio(satisfied, ratings); }

int64_t SatisfiedCount(std::span<const int64_t, 5> overall_counts, int satisfied_from) {
  int64_t satisfied = 0;
  for (int score = std::max(1, satisfied_from); score <= 5; ++score) {
    satisfied += overall_counts[score - 1];
  }
  return satisfied;
}

std::optional<double> FirstPassYield(int64_t accepted_first_attempt, int64_t decided) {
  return Ratio(accepted_first_attempt, decided);
}

std::optional<double> ReworkRate(int64_t returns, int64_t offers) { return Ratio(returns, offers); }

std::optional<double> OnTimeRate(int64_t on_time, int64_t decided) {
  return Ratio(on_time, decided);
}

}  // namespace baton::rating
