#include "services/rating/figures.h"

#include <vector>

#include "common/storage/counters_merge.h"
#include "common/time/proto_time.h"
#include "services/rating/histogram.h"
#include "services/rating/rollup_layout.h"

namespace baton::rating {
namespace {

int64_t At(std::span<const int64_t> c, uint32_t slot) { return storage::CounterAt(c, slot); }

// p50 and p90 of the latency histogram at `first_slot` into the two fields.
template <typename Message, typename Setter>
void Percentiles(std::span<const int64_t> c, uint32_t first_slot, Message& message, Setter set) {
  const std::vector<int64_t> counts = HistogramCounts(c, first_slot);
  const std::optional<absl::Duration> p50 = LatencyPercentile(counts, 0.5);
  const std::optional<absl::Duration> p90 = LatencyPercentile(counts, 0.9);
  set(message, p50, p90);
}

}  // namespace

std::optional<double> MeanQualityOf(std::span<const int64_t> c) {
  return MeanQuality(QualityFromFixed(At(c, slot::kScoreSum)), At(c, slot::kScoreCount));
}

v1::SideFigures SideFiguresOf(std::span<const int64_t> c, std::optional<double> department_mean,
                              const ScoringRules& rules) {
  v1::SideFigures f;
  f.set_decided(At(c, slot::kDecided));
  f.set_offers(At(c, slot::kOffers));
  f.set_accepts(At(c, slot::kAccepts));
  f.set_returns(At(c, slot::kReturns));
  f.set_drops(At(c, slot::kDrops));
  f.set_overdue(At(c, slot::kOverdue));
  const double sum = QualityFromFixed(At(c, slot::kScoreSum));
  const int64_t scored = At(c, slot::kScoreCount);
  f.set_scored(scored);
  if (auto score = BayesianScore(department_mean, sum, scored, rules.prior_weight)) {
    f.set_score(*score);
  }
  if (auto mean = MeanQuality(sum, scored)) f.set_mean_quality(*mean);

  const std::vector<int64_t> overall = RatingCounts(c, Dimension::kOverall);
  int64_t ratings = 0;
  for (int64_t n : overall) {
    f.add_overall_ratings(n);
    ratings += n;
  }
  const int64_t satisfied =
      SatisfiedCount(std::span<const int64_t, 5>(overall.data(), 5), rules.satisfied_from);
  if (auto csat = Csat(satisfied, ratings)) f.set_csat(*csat);
  if (auto fpy = FirstPassYield(At(c, slot::kFirstPass), f.decided())) f.set_first_pass_yield(*fpy);
  if (auto rework = ReworkRate(f.returns(), f.offers())) f.set_rework_rate(*rework);
  if (auto on_time = OnTimeRate(At(c, slot::kOnTime), f.decided())) f.set_on_time_rate(*on_time);
  Percentiles(c, slot::kAcceptLatency, f, [](v1::SideFigures& m, auto p50, auto p90) {
    if (p50) *m.mutable_accept_latency_p50() = ToProto(*p50);
    if (p90) *m.mutable_accept_latency_p90() = ToProto(*p90);
  });
  f.set_overturned_ratings(At(c, slot::kOverturned));
  return f;
}

v1::FeedbackFigures FeedbackFiguresOf(std::span<const int64_t> c) {
  v1::FeedbackFigures f;
  f.set_praise(At(c, slot::kPraise));
  f.set_complaints(At(c, slot::kComplaints));
  f.set_suggestions(At(c, slot::kSuggestions));
  f.set_escalated(At(c, slot::kEscalations));
  Percentiles(c, slot::kComplaintResponse, f, [](v1::FeedbackFigures& m, auto p50, auto p90) {
    if (p50) *m.mutable_complaint_response_p50() = ToProto(*p50);
    if (p90) *m.mutable_complaint_response_p90() = ToProto(*p90);
  });
  f.set_disputes_filed(At(c, slot::kDisputesFiled));
  f.set_disputes_upheld(At(c, slot::kDisputesUpheld));
  f.set_disputes_overturned(At(c, slot::kDisputesOverturned));
  return f;
}

v1::VerdictFigures VerdictFiguresOf(std::span<const int64_t> c) {
  v1::VerdictFigures f;
  f.set_verdicts(At(c, slot::kVerdicts));
  if (auto mean = Ratio(At(c, slot::kVerdictSum), f.verdicts())) f.set_mean(*mean);
  if (auto mean = Ratio(At(c, slot::kVerdictSumFirstPass), At(c, slot::kVerdictsFirstPass))) {
    f.set_mean_first_pass(*mean);
  }
  if (auto mean = Ratio(At(c, slot::kVerdictSumReworked), At(c, slot::kVerdictsReworked))) {
    f.set_mean_reworked(*mean);
  }
  return f;
}

}  // namespace baton::rating
