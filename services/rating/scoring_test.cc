#include "services/rating/scoring.h"

#include <array>
#include <cstdint>
#include <optional>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::rating {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::DoubleNear;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Optional;

const absl::Time kDue = absl::FromUnixSeconds(1'800'000'000);
const absl::Duration kSla = absl::Hours(4);

HandoffFacts Facts(std::optional<int> rating, int attempt, absl::Duration after_due) {
  return {.overall_rating = rating,
          .attempt = attempt,
          .decide_time = kDue + after_due,
          .due_time = kDue,
          .sla = kSla};
}

ScoreParts Score(const HandoffFacts& facts, const ScoringRules& rules = {}) {
  auto parts = ScoreHandoff(facts, rules);
  EXPECT_THAT(parts, IsOk());
  return parts.ok() ? *parts : ScoreParts{};
}

TEST(ScoreHandoffTest, RatedFourOnSecondAttemptHalfSlaLate) {
  // R = (4-1)*25 = 75, F = 100-50 = 50, T = 100*(1 - 2h/4h) = 50;
  // q = 0.5*75 + 0.3*50 + 0.2*50 = 37.5 + 15 + 10 = 62.5.
  const ScoreParts p = Score(Facts(4, 2, kSla / 2));
  EXPECT_THAT(p.rating, Optional(75.0));
  EXPECT_DOUBLE_EQ(p.first_pass, 50);
  EXPECT_DOUBLE_EQ(p.timeliness, 50);
  EXPECT_DOUBLE_EQ(p.quality, 62.5);
  EXPECT_EQ(p.rules_version, 1);
  EXPECT_EQ(QualityToFixed(p.quality), 62500);
  EXPECT_DOUBLE_EQ(QualityFromFixed(62500), 62.5);
}

TEST(ScoreHandoffTest, UnratedFirstAttemptOnTimeIsHundred) {
  const ScoreParts p = Score(Facts(std::nullopt, 1, -absl::Minutes(5)));
  EXPECT_EQ(p.rating, std::nullopt);
  EXPECT_DOUBLE_EQ(p.first_pass, 100);
  EXPECT_DOUBLE_EQ(p.timeliness, 100);
  EXPECT_DOUBLE_EQ(p.quality, 100);
}

TEST(ScoreHandoffTest, UnratedSpreadsRatingWeightInProportion) {
  // F = 50 (2nd attempt), T = 25 (3/4 SLA late): (0.3*50 + 0.2*25)/0.5 = 40.
  EXPECT_DOUBLE_EQ(Score(Facts(std::nullopt, 2, kSla * 3 / 4)).quality, 40);
}

TEST(ScoreHandoffTest, RatingMapsLinearly) {
  // All on time, first attempt: q = 0.5*R + 50.
  EXPECT_DOUBLE_EQ(Score(Facts(1, 1, absl::ZeroDuration())).quality, 50);
  EXPECT_DOUBLE_EQ(Score(Facts(3, 1, absl::ZeroDuration())).quality, 75);
  EXPECT_DOUBLE_EQ(Score(Facts(5, 1, absl::ZeroDuration())).quality, 100);
}

TEST(ScoreHandoffTest, FloorsAtZero) {
  // Third attempt: F = 0; fourth: still 0. Decided at due + SLA and later: T = 0.
  EXPECT_DOUBLE_EQ(Score(Facts(1, 3, kSla)).quality, 0);
  const ScoreParts p = Score(Facts(2, 4, kSla * 3));
  EXPECT_DOUBLE_EQ(p.first_pass, 0);
  EXPECT_DOUBLE_EQ(p.timeliness, 0);
  EXPECT_DOUBLE_EQ(p.quality, 12.5);  // 0.5 * 25
}

TEST(ScoreHandoffTest, ConfiguredRulesAndVersion) {
  ScoringRules rules{.version = 3,
                     .rating_weight = 0.2,
                     .first_pass_weight = 0.4,
                     .timeliness_weight = 0.4,
                     .return_penalty = 25};
  // R = 100, F = 75, T = 50: 20 + 30 + 20 = 70.
  const ScoreParts p = Score(Facts(5, 2, kSla / 2), rules);
  EXPECT_DOUBLE_EQ(p.quality, 70);
  EXPECT_EQ(p.rules_version, 3);
}

TEST(ScoreHandoffTest, RejectsBadInput) {
  EXPECT_THAT(ScoreHandoff(Facts(6, 1, absl::ZeroDuration()), {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rating 6")));
  EXPECT_THAT(ScoreHandoff(Facts(0, 1, absl::ZeroDuration()), {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rating 0")));
  EXPECT_THAT(ScoreHandoff(Facts(3, 0, absl::ZeroDuration()), {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("attempt")));
  HandoffFacts no_sla = Facts(3, 1, absl::ZeroDuration());
  no_sla.sla = absl::ZeroDuration();
  EXPECT_THAT(ScoreHandoff(no_sla, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("SLA")));
  HandoffFacts infinite = Facts(3, 1, absl::ZeroDuration());
  infinite.decide_time = absl::InfiniteFuture();
  EXPECT_THAT(ScoreHandoff(infinite, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("finite")));
  EXPECT_THAT(ScoreHandoff(Facts(3, 1, absl::ZeroDuration()), {.rating_weight = 0.6}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sum")));
}

TEST(ValidateRulesTest, DefaultsAreVersionOneAndValid) {
  EXPECT_OK(ValidateRules({}));
  EXPECT_EQ(ScoringRules{}.version, 1);
  EXPECT_THAT(ValidateRules({.version = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("version")));
  EXPECT_THAT(ValidateRules({.rating_weight = 1, .first_pass_weight = 0, .timeliness_weight = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("> 0")));
  EXPECT_THAT(
      ValidateRules({.rating_weight = -0.5, .first_pass_weight = 1, .timeliness_weight = 0.5}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("[0, 1]")));
  EXPECT_THAT(ValidateRules({.return_penalty = -1}),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_THAT(ValidateRules({.prior_weight = -1}), StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_THAT(ValidateRules({.satisfied_from = 6}),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
}

TEST(BayesianScoreTest, PullsTowardsTheDepartmentMean) {
  // m = 70, C = 10, one lucky 100: (700 + 100) / 11 = 72.727...
  EXPECT_THAT(BayesianScore(70.0, 100, 1, 10), Optional(DoubleNear(800.0 / 11, 1e-12)));
  // 30 scores averaging 90: (700 + 2700) / 40 = 85.
  EXPECT_THAT(BayesianScore(70.0, 2700, 30, 10), Optional(85.0));
  // No data: the department's mean.
  EXPECT_THAT(BayesianScore(70.0, 0, 0, 10), Optional(70.0));
  // No department mean: the plain mean, or no data.
  EXPECT_THAT(BayesianScore(std::nullopt, 180, 2, 10), Optional(90.0));
  EXPECT_EQ(BayesianScore(std::nullopt, 0, 0, 10), std::nullopt);
  // C = 0 and n = 0: nothing to average.
  EXPECT_EQ(BayesianScore(70.0, 0, 0, 0), std::nullopt);
  EXPECT_THAT(MeanQuality(150, 2), Optional(75.0));
  EXPECT_EQ(MeanQuality(0, 0), std::nullopt);
}

TEST(RatesTest, HandComputedAndNoData) {
  EXPECT_THAT(Csat(3, 4), Optional(0.75));
  EXPECT_EQ(Csat(0, 0), std::nullopt);
  const std::array<int64_t, 5> overall = {1, 0, 2, 3, 4};  // ratings of 1..5
  EXPECT_EQ(SatisfiedCount(overall, 4), 7);
  EXPECT_EQ(SatisfiedCount(overall, 1), 10);
  EXPECT_EQ(SatisfiedCount(overall, 5), 4);
  EXPECT_THAT(Csat(SatisfiedCount(overall, 4), 10), Optional(0.7));
  EXPECT_THAT(FirstPassYield(8, 10), Optional(0.8));
  EXPECT_EQ(FirstPassYield(0, 0), std::nullopt);
  EXPECT_THAT(ReworkRate(1, 4), Optional(0.25));
  EXPECT_EQ(ReworkRate(1, 0), std::nullopt);
  EXPECT_THAT(OnTimeRate(9, 12), Optional(0.75));
  EXPECT_EQ(OnTimeRate(0, -1), std::nullopt);
}

}  // namespace
}  // namespace baton::rating
