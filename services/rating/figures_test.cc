#include "services/rating/figures.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/rating/rollup_layout.h"

namespace baton::rating {
namespace {

using ::testing::ElementsAre;

// No counters at all: counts 0, every rate and mean unset; the score is the
// department's mean when there is one, unset when not.
TEST(FiguresTest, EmptyCountersHaveNoRates) {
  const std::vector<int64_t> none;
  v1::SideFigures f = SideFiguresOf(none, 70.0, ScoringRules());
  EXPECT_EQ(f.decided(), 0);
  EXPECT_DOUBLE_EQ(f.score(), 70.0);
  EXPECT_FALSE(f.has_mean_quality() || f.has_csat() || f.has_first_pass_yield() ||
               f.has_rework_rate() || f.has_on_time_rate() || f.has_accept_latency_p50());
  EXPECT_THAT(f.overall_ratings(), ElementsAre(0, 0, 0, 0, 0));
  EXPECT_FALSE(SideFiguresOf(none, std::nullopt, ScoringRules()).has_score());
  EXPECT_FALSE(VerdictFiguresOf(none).has_mean());
  EXPECT_FALSE(FeedbackFiguresOf(none).has_complaint_response_p50());
  EXPECT_FALSE(MeanQualityOf(none).has_value());
}

// CSAT follows rules.satisfied_from: of ratings 3, 4, 5, two are ≥ 4 and
// three ≥ 3.
TEST(FiguresTest, CsatUsesTheRulesThreshold) {
  std::vector<int64_t> c(slot::kEnd, 0);
  for (int score : {3, 4, 5}) c[RatingSlot(Dimension::kOverall, score)] = 1;
  ScoringRules rules;
  EXPECT_DOUBLE_EQ(SideFiguresOf(c, std::nullopt, rules).csat(), 2.0 / 3);
  rules.satisfied_from = 3;
  EXPECT_DOUBLE_EQ(SideFiguresOf(c, std::nullopt, rules).csat(), 1.0);
}

}  // namespace
}  // namespace baton::rating
