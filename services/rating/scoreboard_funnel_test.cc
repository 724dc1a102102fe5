#include <string>
#include <vector>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/rating/queries_testing.h"

namespace baton::rating {
namespace {

using ::baton::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::baton::rating::testing;  // NOLINT: the fixture and builders

TEST_F(RatingQueriesTest, ScoreboardOrders) {
  Script();
  const v1::Window day = Days("2026-11-23", "2026-11-23");
  auto teams = [&](v1::ScoreboardOrder order) {
    std::vector<std::string> names;
    auto board = queries_->DepartmentScoreboard("ops", day, order);
    EXPECT_TRUE(board.ok()) << board.status();
    if (!board.ok()) return names;
    for (int i = 0; i < board->rows_size(); ++i) {
      EXPECT_EQ(board->rows(i).rank(), i + 1);
      names.push_back(board->rows(i).team());
    }
    return names;
  };
  // outreach: score 80.98, CSAT 2/3, FPY 0.6, on time 0.8, trend 80.98 − 81.82;
  // front-desk: 80.39, 1, 0.5, 1, trend 80.39 − 78.18; audit and billing
  // have no data: last, by name.
  const auto score_order =
      ElementsAre("teams/outreach", "teams/front-desk", "teams/audit", "teams/billing");
  const auto front_first =
      ElementsAre("teams/front-desk", "teams/outreach", "teams/audit", "teams/billing");
  EXPECT_THAT(teams(v1::SCOREBOARD_ORDER_UNSPECIFIED), score_order);
  EXPECT_THAT(teams(v1::SCOREBOARD_ORDER_SCORE), score_order);
  EXPECT_THAT(teams(v1::SCOREBOARD_ORDER_CSAT), front_first);
  EXPECT_THAT(teams(v1::SCOREBOARD_ORDER_FIRST_PASS_YIELD), score_order);
  EXPECT_THAT(teams(v1::SCOREBOARD_ORDER_ON_TIME_RATE), front_first);
  EXPECT_THAT(teams(v1::SCOREBOARD_ORDER_TREND), front_first);

  auto board = queries_->DepartmentScoreboard("ops", day, v1::SCOREBOARD_ORDER_UNSPECIFIED);
  ASSERT_TRUE(board.ok()) << board.status();
  EXPECT_EQ(board->department(), "departments/ops");
  EXPECT_EQ(board->order(), v1::SCOREBOARD_ORDER_SCORE);
  EXPECT_EQ(board->window().start_day(), "2026-11-23");
  const double m = 565.0 / 7;
  EXPECT_NEAR(board->department_mean(), m, kEps);
  const v1::ScoreboardRow& outreach = board->rows(0);
  EXPECT_EQ(outreach.display_name(), "outreach");
  EXPECT_NEAR(outreach.as_supplier().score(), (10 * m + 407.5) / 15, kEps);
  EXPECT_NEAR(outreach.score_trend(), (10 * m + 407.5) / 15 - 900.0 / 11, kEps);
  EXPECT_EQ(outreach.escalated_feedback(), 1);
  EXPECT_EQ(outreach.open_feedback(), 3);
  const v1::ScoreboardRow& front_desk = board->rows(1);
  EXPECT_NEAR(front_desk.score_trend(), (10 * m + 157.5) / 12 - 860.0 / 11, kEps);
  EXPECT_EQ(front_desk.as_supplier().drops(), 1);
  const v1::ScoreboardRow& audit = board->rows(2);
  EXPECT_NEAR(audit.as_supplier().score(), m, kEps);  // no data: at the mean
  EXPECT_NEAR(audit.score_trend(), m - 80, kEps);
  EXPECT_EQ(audit.display_name(), "audit");  // created without one
  EXPECT_EQ(board->rows(3).display_name(), "收费处");
  EXPECT_EQ(front_desk.open_feedback(), 0);

  EXPECT_THAT(queries_->DepartmentScoreboard("ops", day, static_cast<v1::ScoreboardOrder>(99)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("order")));
}

TEST_F(RatingQueriesTest, FunnelOfOneDayAndTwo) {
  Script();
  auto funnel = queries_->ChainFunnel("new-patient", Days("2026-11-23", "2026-11-23"));
  ASSERT_TRUE(funnel.ok()) << funnel.status();
  EXPECT_EQ(funnel->chain(), "chains/new-patient");
  ASSERT_EQ(funnel->stages_size(), 3);
  const char* teams[] = {"teams/outreach", "teams/front-desk", "teams/consult"};
  const int64_t entered[] = {6, 4, 1}, passed[] = {4, 1, 1}, dropped[] = {1, 1, 0};
  for (int i = 0; i < 3; ++i) {
    const v1::FunnelStage& s = funnel->stages(i);
    EXPECT_EQ(s.stage_index(), i);
    EXPECT_EQ(s.team(), teams[i]);
    EXPECT_EQ(s.entered(), entered[i]) << i;
    EXPECT_EQ(s.passed(), passed[i]) << i;
    EXPECT_EQ(s.dropped(), dropped[i]) << i;
    EXPECT_NEAR(s.conversion(), double(passed[i]) / entered[i], kEps) << i;
  }
  // The verdicts by stage reached: i3 (2) was dropped at stage 1, i1 (5)
  // completed at stage 2.
  EXPECT_FALSE(funnel->stages(0).has_mean_verdict());
  EXPECT_NEAR(funnel->stages(1).mean_verdict(), 2, kEps);
  EXPECT_NEAR(funnel->stages(2).mean_verdict(), 5, kEps);
  EXPECT_NEAR(funnel->stages(0).first_pass_yield(), 3.0 / 5, kEps);  // a1, a2, a5 of 5
  EXPECT_NEAR(funnel->stages(1).first_pass_yield(), 1.0 / 2, kEps);  // b1 of b1, b2
  EXPECT_FALSE(funnel->stages(2).has_first_pass_yield());
  EXPECT_NEAR(funnel->overall_conversion(), 4.0 / 6 * 1.0 / 4 * 1.0, kEps);
  EXPECT_NEAR(funnel->rolled_throughput_yield(), 0.6 * 0.5, kEps);

  // With the 22nd: stage 0 entered 7, passed 5 (+p1); stage 1 entered 5,
  // passed 2 (+p2); stage 2 entered 2 (+p2), passed 1; handoffs out of
  // stage 0: 4 first pass of 6, of stage 1: 2 of 3.
  funnel = queries_->ChainFunnel("new-patient", Days("2026-11-22", "2026-11-23"));
  ASSERT_TRUE(funnel.ok()) << funnel.status();
  EXPECT_EQ(funnel->stages(0).entered(), 7);
  EXPECT_EQ(funnel->stages(1).passed(), 2);
  EXPECT_EQ(funnel->stages(2).entered(), 2);
  EXPECT_NEAR(funnel->overall_conversion(), 5.0 / 7 * 2.0 / 5 * 1.0 / 2, kEps);
  EXPECT_NEAR(funnel->rolled_throughput_yield(), 4.0 / 6 * 2.0 / 3, kEps);
}

}  // namespace
}  // namespace baton::rating
