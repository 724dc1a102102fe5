#ifndef BATON_SERVICES_RATING_FIGURES_H_
#define BATON_SERVICES_RATING_FIGURES_H_

// The API's figures (baton.rating.v1 SideFigures, FeedbackFigures,
// VerdictFigures) from a window's summed rollup counters (rollup_layout.h
// slots; a missing slot reads 0). Rates are unset where scoring.h says
// "no data". Pure functions; thread-safe.

#include <cstdint>
#include <optional>
#include <span>

#include "baton/rating/v1/resources.pb.h"
#include "services/rating/scoring.h"

namespace baton::rating {

// One side's figures. `department_mean` is the prior m of the Bayesian
// score (C = rules.prior_weight); CSAT counts overall ratings ≥
// rules.satisfied_from in the overall histogram.
v1::SideFigures SideFiguresOf(std::span<const int64_t> counters,
                              std::optional<double> department_mean, const ScoringRules& rules);

// Feedback by kind, escalations, complaint response p50/p90, disputes.
// `open` stays 0: it is a standing count, not a window's
// (RatingQueries fills it).
v1::FeedbackFigures FeedbackFiguresOf(std::span<const int64_t> counters);

// Verdict count and means (1–5): overall, first-pass and reworked splits.
v1::VerdictFigures VerdictFiguresOf(std::span<const int64_t> counters);

// The department's mean quality from its counters (nullopt without scores).
std::optional<double> MeanQualityOf(std::span<const int64_t> counters);

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_FIGURES_H_
