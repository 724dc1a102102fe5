#include "services/rating/rating_queries.h"

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

TEST_F(RatingQueriesTest, HandoffScoreHasItsParts) {
  Script();
  auto a4 = queries_->GetHandoffScore("a4");
  ASSERT_TRUE(a4.ok()) << a4.status();
  EXPECT_EQ(a4->handoff(), "handoffs/a4");
  EXPECT_EQ(a4->work_item(), "workItems/i3");
  EXPECT_EQ(a4->chain(), "chains/new-patient");
  EXPECT_EQ(a4->to_stage(), 1);
  EXPECT_EQ(a4->supplier_team(), "teams/outreach");
  EXPECT_EQ(a4->customer_team(), "teams/front-desk");
  EXPECT_EQ(a4->attempt(), 2);
  EXPECT_EQ(FromProto(a4->decide_time()), At(13));
  EXPECT_EQ(FromProto(a4->due_time()), At(14));
  EXPECT_NEAR(a4->rating_part(), 75, kEps);
  EXPECT_NEAR(a4->first_pass_part(), 50, kEps);
  EXPECT_NEAR(a4->timeliness_part(), 100, kEps);
  EXPECT_NEAR(a4->quality(), 72.5, kEps);
  EXPECT_EQ(a4->rules_version(), 1);
  EXPECT_FALSE(a4->rating_overturned());

  auto a5 = queries_->GetHandoffScore("a5");  // rated 2, overturned: unrated
  ASSERT_TRUE(a5.ok()) << a5.status();
  EXPECT_FALSE(a5->has_rating_part());
  EXPECT_NEAR(a5->quality(), 100, kEps);
  EXPECT_TRUE(a5->rating_overturned());

  auto a3 = queries_->GetHandoffScore("a3");  // returned: F counts the return
  ASSERT_TRUE(a3.ok()) << a3.status();
  EXPECT_NEAR(a3->first_pass_part(), 50, kEps);
  EXPECT_NEAR(a3->quality(), 70, kEps);

  auto a2 = queries_->GetHandoffScore("a2");  // an hour late of a 2 h SLA
  ASSERT_TRUE(a2.ok()) << a2.status();
  EXPECT_NEAR(a2->timeliness_part(), 50, kEps);
  EXPECT_NEAR(a2->quality(), 65, kEps);
}

// The parts GetHandoffScore recomputes add up to what the appliers put in
// the rollups: outreach's five scores sum to its scorecard's Σq (fails
// when the two drift apart, e.g. a change of Reconcile's facts).
TEST_F(RatingQueriesTest, HandoffScoresSumToTheRollup) {
  Script();
  double sum = 0;
  for (const char* id : {"a1", "a2", "a3", "a4", "a5"}) {
    auto score = queries_->GetHandoffScore(id);
    ASSERT_TRUE(score.ok()) << score.status();
    sum += score->quality();
  }
  EXPECT_NEAR(sum, 407.5, kEps);
  auto card = queries_->TeamScorecard("outreach", Days("2026-11-23", "2026-11-23"));
  ASSERT_TRUE(card.ok()) << card.status();
  EXPECT_NEAR(card->as_supplier().mean_quality() * card->as_supplier().scored(), sum, 1e-6);
}

TEST_F(RatingQueriesTest, HandoffScoreNotFoundUntilDecided) {
  Offer(Handoff("u1", "i9", 1, "outreach", "front-desk", 1, At(10), absl::Hours(2)));
  // Each says why: it read "handoffs/u1 not found" for a handoff that exists.
  EXPECT_THAT(queries_->GetHandoffScore("u1"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("handoffs/u1 has no score: it is not decided yet")));
  EXPECT_THAT(queries_->GetHandoffScore("zz"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("handoffs/zz has no score: the rating service has not seen it")));
}

TEST_F(RatingQueriesTest, ScorecardOfOutreach) {
  Script();
  auto card = queries_->TeamScorecard("outreach", Days("2026-11-23", "2026-11-23"));
  ASSERT_TRUE(card.ok()) << card.status();
  EXPECT_EQ(card->team(), "teams/outreach");
  EXPECT_EQ(card->department(), "departments/ops");
  EXPECT_EQ(card->window().start_day(), "2026-11-23");
  EXPECT_EQ(card->window().end_day(), "2026-11-23");
  EXPECT_EQ(card->previous_window().start_day(), "2026-11-22");
  EXPECT_EQ(card->previous_window().end_day(), "2026-11-22");
  EXPECT_EQ(FromProto(card->as_of()), At(12));

  const double m = 565.0 / 7;
  const v1::SideFigures& s = card->as_supplier();
  EXPECT_EQ(s.decided(), 5);
  EXPECT_EQ(s.offers(), 5);
  EXPECT_EQ(s.accepts(), 4);
  EXPECT_EQ(s.returns(), 1);
  EXPECT_EQ(s.drops(), 1);
  EXPECT_EQ(s.overdue(), 1);
  EXPECT_EQ(s.scored(), 5);
  EXPECT_NEAR(s.mean_quality(), 407.5 / 5, kEps);
  EXPECT_NEAR(s.score(), (10 * m + 407.5) / (10 + 5), kEps);
  EXPECT_NEAR(s.csat(), 2.0 / 3, kEps);  // 5 and 4 of 5, 4, 3
  EXPECT_NEAR(s.first_pass_yield(), 3.0 / 5, kEps);
  EXPECT_NEAR(s.rework_rate(), 1.0 / 5, kEps);
  EXPECT_NEAR(s.on_time_rate(), 4.0 / 5, kEps);
  // Buckets 12, 12, 13, 13, 15: p50 rank 2.5 is half-way into bucket 13's
  // two ([1h, 2h)): 1h15m; p90 rank 4.5 half-way into bucket 15: 3h30m.
  EXPECT_NEAR(Seconds(s.accept_latency_p50()), 75 * 60, 1e-3);
  EXPECT_NEAR(Seconds(s.accept_latency_p90()), 210 * 60, 1e-3);
  EXPECT_THAT(s.overall_ratings(), ElementsAre(0, 0, 1, 1, 1));
  EXPECT_EQ(s.overturned_ratings(), 1);
  ExpectEmptySide(card->as_customer(), m);

  const v1::SideFigures& p = card->previous_as_supplier();
  EXPECT_EQ(p.decided(), 1);
  EXPECT_EQ(p.offers(), 1);
  EXPECT_EQ(p.accepts(), 1);
  EXPECT_EQ(p.returns() + p.drops() + p.overdue() + p.overturned_ratings(), 0);
  EXPECT_EQ(p.scored(), 1);
  EXPECT_NEAR(p.mean_quality(), 100, kEps);
  EXPECT_NEAR(p.score(), (10 * 80.0 + 100) / 11, kEps);
  EXPECT_FALSE(p.has_csat());
  EXPECT_NEAR(p.first_pass_yield(), 1, kEps);
  EXPECT_NEAR(p.rework_rate(), 0, kEps);
  EXPECT_NEAR(p.on_time_rate(), 1, kEps);
  EXPECT_NEAR(Seconds(p.accept_latency_p50()), 90 * 60, 1e-3);   // 1h + 0.5h
  EXPECT_NEAR(Seconds(p.accept_latency_p90()), 114 * 60, 1e-3);  // 1h + 0.9h
  EXPECT_THAT(p.overall_ratings(), ElementsAre(0, 0, 0, 0, 0));
  ExpectEmptySide(card->previous_as_customer(), 80);

  const v1::FeedbackFigures& f = card->feedback();
  EXPECT_EQ(f.praise(), 1);
  EXPECT_EQ(f.complaints(), 1);
  EXPECT_EQ(f.suggestions(), 1);
  EXPECT_EQ(f.open(), 3);  // none resolved or dismissed
  EXPECT_EQ(f.escalated(), 1);
  // One response of 3 h in bucket 15 ([3h, 4h)): 3h30m and 3h54m.
  EXPECT_NEAR(Seconds(f.complaint_response_p50()), 210 * 60, 1e-3);
  EXPECT_NEAR(Seconds(f.complaint_response_p90()), 234 * 60, 1e-3);
  EXPECT_EQ(f.disputes_filed(), 1);
  EXPECT_EQ(f.disputes_upheld(), 0);
  EXPECT_EQ(f.disputes_overturned(), 1);

  const v1::VerdictFigures& v = card->verdicts();
  EXPECT_EQ(v.verdicts(), 2);
  EXPECT_NEAR(v.mean(), 3.5, kEps);
  EXPECT_NEAR(v.mean_first_pass(), 5, kEps);  // i1
  EXPECT_NEAR(v.mean_reworked(), 2, kEps);    // i3
}

TEST_F(RatingQueriesTest, ScorecardOfFrontDeskAndConsult) {
  Script();
  auto card = queries_->TeamScorecard("front-desk", Days("2026-11-23", "2026-11-23"));
  ASSERT_TRUE(card.ok()) << card.status();
  const double m = 565.0 / 7;
  const v1::SideFigures& s = card->as_supplier();  // b1, b2, the i3 drop
  EXPECT_EQ(s.decided(), 2);
  EXPECT_EQ(s.offers(), 2);
  EXPECT_EQ(s.accepts(), 1);
  EXPECT_EQ(s.returns(), 1);
  EXPECT_EQ(s.drops(), 1);
  EXPECT_EQ(s.overdue(), 0);
  EXPECT_NEAR(s.mean_quality(), 78.75, kEps);
  EXPECT_NEAR(s.score(), (10 * m + 157.5) / 12, kEps);
  EXPECT_NEAR(s.csat(), 1, kEps);
  EXPECT_NEAR(s.first_pass_yield(), 0.5, kEps);
  EXPECT_NEAR(s.on_time_rate(), 1, kEps);
  EXPECT_NEAR(Seconds(s.accept_latency_p50()), 60 * 60, 1e-3);   // end of bucket 12
  EXPECT_NEAR(Seconds(s.accept_latency_p90()), 108 * 60, 1e-3);  // 1h + 0.8h
  // As customer it received a1..a5: outreach's handoff figures, no drops.
  const v1::SideFigures& c = card->as_customer();
  EXPECT_EQ(c.decided(), 5);
  EXPECT_EQ(c.drops(), 0);
  EXPECT_EQ(c.overdue(), 1);
  EXPECT_NEAR(c.score(), (10 * m + 407.5) / 15, kEps);
  EXPECT_THAT(c.overall_ratings(), ElementsAre(0, 0, 1, 1, 1));
  EXPECT_EQ(card->verdicts().verdicts(), 2);
  EXPECT_NEAR(card->verdicts().mean_first_pass(), 5, kEps);
  EXPECT_FALSE(card->verdicts().has_mean_reworked());

  // clinic has no scored handoff as supplier: consult's score has no prior.
  card = queries_->TeamScorecard("consult", Days("2026-11-23", "2026-11-23"));
  ASSERT_TRUE(card.ok()) << card.status();
  EXPECT_EQ(card->department(), "departments/clinic");
  EXPECT_EQ(card->as_customer().decided(), 2);
  EXPECT_NEAR(card->as_customer().score(), 78.75, kEps);
  EXPECT_FALSE(card->as_supplier().has_score());
}

TEST_F(RatingQueriesTest, UnknownNamesAreNotFound) {
  const v1::Window none;
  EXPECT_THAT(queries_->TeamScorecard("nobody", none),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("teams/nobody")));
  EXPECT_THAT(queries_->DepartmentScoreboard("nowhere", none, v1::SCOREBOARD_ORDER_SCORE),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("departments/nowhere")));
  EXPECT_THAT(queries_->ChainFunnel("nochain", none),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("chains/nochain")));
}

TEST_F(RatingQueriesTest, WindowValidation) {
  auto invalid = [&](v1::Window w, const std::string& field) {
    EXPECT_THAT(queries_->TeamScorecard("outreach", w),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(field)))
        << w.ShortDebugString();
    EXPECT_THAT(queries_->ChainFunnel("new-patient", w),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(field)));
    EXPECT_THAT(queries_->DepartmentScoreboard("ops", w, v1::SCOREBOARD_ORDER_SCORE),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(field)));
  };
  invalid(Days("2026-13-01", "2026-12-01"), "window.start_day");
  invalid(Days("yesterday", "2026-12-01"), "window.start_day");
  invalid(Days("2026-11-01", "2026-11-31"), "window.end_day");
  invalid(Days("2026-11-01", ""), "window.end_day");
  invalid(Days("", "2026-11-01"), "window.start_day");
  invalid(Days("2026-11-02", "2026-11-01"), "window.end_day");
  invalid(Days("2025-01-01", "2026-01-02"), "window.end_day");  // 367 days
  // Once 11.7 million years long, a length that wrapped around int32.
  invalid(Days("-5877641-06-23", "5881580-07-10"), "window.start_day");
  invalid(Days("1970-01-01", "10000-01-01"), "window.end_day");
  auto longest = queries_->TeamScorecard("outreach", Days("2025-01-01", "2026-01-01"));
  ASSERT_TRUE(longest.ok()) << longest.status();
  // The 366 days before: 2024 is a leap year.
  EXPECT_EQ(longest->previous_window().start_day(), "2024-01-01");
  EXPECT_EQ(longest->previous_window().end_day(), "2024-12-31");
}

// 00:30 on the 24th in Shanghai is 16:30 UTC on the 23rd: a handoff
// decided then counts on the 24th, and "today" is the 24th.
TEST_F(RatingQueriesTest, DaysAreTheOrganisationsAtTheWindowEdge) {
  const auto e1 = Handoff("e1", "i1", 1, "outreach", "front-desk", 1, At(23, 0), absl::Hours(2));
  Offer(e1);
  Ok(Accepted(e1, At(0, 30, 24)));
  auto card = queries_->TeamScorecard("outreach", Days("2026-11-23", "2026-11-23"));
  ASSERT_TRUE(card.ok()) << card.status();
  EXPECT_EQ(card->as_supplier().offers(), 1);
  EXPECT_EQ(card->as_supplier().decided(), 0);
  card = queries_->TeamScorecard("outreach", Days("2026-11-24", "2026-11-24"));
  ASSERT_TRUE(card.ok()) << card.status();
  EXPECT_EQ(card->as_supplier().offers(), 0);
  EXPECT_EQ(card->as_supplier().decided(), 1);
  EXPECT_EQ(card->previous_as_supplier().offers(), 1);

  clock_.Set(At(0, 30, 24));
  ASSERT_EQ(absl::FormatTime("%Y-%m-%d", clock_.Now(), absl::UTCTimeZone()), "2026-11-23");
  card = queries_->TeamScorecard("outreach", v1::Window());
  ASSERT_TRUE(card.ok()) << card.status();
  EXPECT_EQ(card->window().start_day(), "2026-10-26");  // 30 days ending today
  EXPECT_EQ(card->window().end_day(), "2026-11-24");
  EXPECT_EQ(card->previous_window().start_day(), "2026-09-26");
  EXPECT_EQ(card->previous_window().end_day(), "2026-10-25");
  EXPECT_EQ(card->as_supplier().decided(), 1);
  EXPECT_EQ(card->as_supplier().offers(), 1);
}

}  // namespace
}  // namespace baton::rating
