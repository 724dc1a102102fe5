#include "services/rating/rating_queries.h"

#include <string>
#include <vector>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/rating/apply_testing.h"

namespace baton::rating {
namespace {

using ::baton::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::baton::rating::testing;  // NOLINT: the fixture's builders

constexpr double kEps = 1e-9;

double Seconds(const google::protobuf::Duration& d) { return absl::ToDoubleSeconds(FromProto(d)); }

v1::Window Days(const std::string& start, const std::string& end) {
  v1::Window w;
  w.set_start_day(start);
  w.set_end_day(end);
  return w;
}

// The scripted org (apply_testing.h: ops = {outreach, front-desk} plus the
// data-less audit and billing, clinic = {consult}; chain new-patient:
// outreach → front-desk → consult), SLA 2 h everywhere, Asia/Shanghai.
//
// 2026-11-22 (the previous window of a one-day window on the 23rd):
//   p1 i0 outreach→front-desk att 1, offered 10:00, accepted 11:00 on time,
//      unrated: q = 100; latency 1 h (bucket 13 [1h, 2h)).
//   p2 i0 front-desk→consult att 1, offered 12:00 (due 14:00), accepted
//      17:00, 3 h late > SLA: T = 0, unrated: q = 0.3·100/0.5 = 60.
//   ops mean 160/2 = 80.
// 2026-11-23: items i1..i6 created at outreach (stage 0).
//   a1 i1 att 1 10:00 → acc 11:00 on time, rated 5: q = 50+30+20 = 100; 1 h
//   a2 i2 att 1 10:00 → overdue, acc 13:00 (1 h late: T 50), rated 3:
//      q = 25+30+10 = 65; 3 h (bucket 15 [3h, 4h))
//   a3 i3 att 1 10:00 → returned 10:30: scored as att 2, F 50, T 100,
//      unrated: q = (15+20)/0.5 = 70; 30 min (bucket 12 [30m, 1h))
//   a4 i3 att 2 12:00 → acc 13:00 on time, rated 4: q = 37.5+15+20 = 72.5; 1 h
//   a5 i4 att 1 10:00 → acc 10:30, rated 2, disputed and overturned:
//      unrated q = 100; 30 min
//   i5 dropped at stage 0 (outreach) 15:00
//   b1 i1 front-desk→consult att 1 12:00 → acc 12:30, rated 4:
//      q = 37.5+30+20 = 87.5; 30 min
//   b2 i2 att 1 14:00 → returned 15:00: F 50, T 100, q = 70; 1 h
//   i3 dropped at stage 1 (front-desk) 18:00; i1 completed at stage 2 20:00
//   verdicts: i1 = 5 (outreach and front-desk passed it first time),
//      i3 = 2 (outreach reworked it; front-desk held it at the end)
//   feedback to outreach: praise, a complaint acknowledged after 3 h, a
//      suggestion escalated.
//   ops: Σq = 100+65+70+72.5+100+87.5+70 = 565, n = 7, m = 565/7.
class RatingQueriesTest : public ApplyFixture {
 protected:
  void SetUp() override {
    ApplyFixture::SetUp();
    for (const char* team : {"billing", "audit"}) {
      hv1::Event e;
      e.mutable_team_created()->set_name(std::string("teams/") + team);
      e.mutable_team_created()->set_department("departments/ops");
      ASSERT_TRUE(Apply(e).ok());
    }
    auto calendar = DayCalendar::Load("Asia/Shanghai");
    ASSERT_TRUE(calendar.ok());
    clock_.Set(At(12));
    queries_ = std::make_unique<RatingQueries>(store_.get(), RatingCfs::Of(*store_), *calendar,
                                               ScoringRules(), &clock_);
  }

  void Ok(const absl::Status& s) { ASSERT_TRUE(s.ok()) << s; }
  void Ok(const hv1::Event& e) { Ok(Apply(e)); }
  void Ok(const fv1::Event& e) { Ok(Apply(e)); }
  static hv1::Event ItemEvent(const hv1::WorkItem& item, bool completed) {
    hv1::Event e;
    *(completed ? e.mutable_work_item_completed() : e.mutable_work_item_dropped()) = item;
    return e;
  }
  void Offer(const hv1::Handoff& h) { Ok(Offered(h)); }
  void Rate(const std::string& h, const std::string& supplier, const std::string& customer,
            int overall) {
    fv1::Event e;
    *e.mutable_rating_given() = Rating(h, supplier, customer, {overall, 3, 3, 3, 3});
    Ok(e);
  }
  void Feedback(const std::string& id, fv1::FeedbackKind kind, void (*more)(fv1::Feedback&),
                void (*event)(fv1::Event&, const fv1::Feedback&)) {
    fv1::Feedback f;
    f.set_name("feedback/" + id);
    f.set_kind(kind);
    f.set_addressee_team("teams/outreach");
    f.set_department("departments/ops");
    *f.mutable_create_time() = ToProto(At(9));
    fv1::Event e;
    *e.mutable_feedback_submitted() = f;
    Ok(e);
    if (more == nullptr) return;
    more(f);
    fv1::Event next;
    event(next, f);
    Ok(next);
  }
  void Verdict(const std::string& item, int score) {
    fv1::Event e;
    e.mutable_verdict_recorded()->set_name("verdicts/" + item);
    e.mutable_verdict_recorded()->set_work_item("workItems/" + item);
    e.mutable_verdict_recorded()->set_score(score);
    *e.mutable_verdict_recorded()->mutable_create_time() = ToProto(At(22));
    Ok(e);
  }

  void Script() {
    const absl::Duration sla = absl::Hours(2);
    Ok(Created(Item("i0", 0, "outreach", At(9, 0, 22))));
    const auto p1 = Handoff("p1", "i0", 1, "outreach", "front-desk", 1, At(10, 0, 22), sla);
    Offer(p1);
    Ok(Accepted(p1, At(11, 0, 22)));
    const auto p2 = Handoff("p2", "i0", 2, "front-desk", "consult", 1, At(12, 0, 22), sla);
    Offer(p2);
    Ok(Accepted(p2, At(17, 0, 22)));

    for (const char* item : {"i1", "i2", "i3", "i4", "i5", "i6"}) {
      Ok(Created(Item(item, 0, "outreach", At(9))));
    }
    const auto a1 = Handoff("a1", "i1", 1, "outreach", "front-desk", 1, At(10), sla);
    const auto a2 = Handoff("a2", "i2", 1, "outreach", "front-desk", 1, At(10), sla);
    const auto a3 = Handoff("a3", "i3", 1, "outreach", "front-desk", 1, At(10), sla);
    const auto a4 = Handoff("a4", "i3", 1, "outreach", "front-desk", 2, At(12), sla);
    const auto a5 = Handoff("a5", "i4", 1, "outreach", "front-desk", 1, At(10), sla);
    for (const auto* h : {&a1, &a2, &a3, &a5}) Offer(*h);
    Ok(Accepted(a1, At(11)));
    hv1::Event overdue;
    *overdue.mutable_handoff_overdue() = a2;
    Ok(overdue);
    Ok(Accepted(a2, At(13)));
    Ok(Returned(a3, At(10, 30)));
    Offer(a4);
    Ok(Accepted(a4, At(13)));
    Ok(Accepted(a5, At(10, 30)));
    Ok(ItemEvent(Item("i5", 0, "outreach", At(15)), /*completed=*/false));
    const auto b1 = Handoff("b1", "i1", 2, "front-desk", "consult", 1, At(12), sla);
    const auto b2 = Handoff("b2", "i2", 2, "front-desk", "consult", 1, At(14), sla);
    Offer(b1);
    Ok(Accepted(b1, At(12, 30)));
    Offer(b2);
    Ok(Returned(b2, At(15)));
    Ok(ItemEvent(Item("i3", 1, "front-desk", At(18)), /*completed=*/false));
    Ok(ItemEvent(Item("i1", 2, "consult", At(20)), /*completed=*/true));

    Rate("a1", "outreach", "front-desk", 5);
    Rate("a2", "outreach", "front-desk", 3);
    Rate("a4", "outreach", "front-desk", 4);
    Rate("a5", "outreach", "front-desk", 2);
    Rate("b1", "front-desk", "consult", 4);
    fv1::Rating disputed = Rating("a5", "outreach", "front-desk", {2, 3, 3, 3, 3});
    *disputed.mutable_dispute()->mutable_file_time() = ToProto(At(18));
    fv1::Event e;
    *e.mutable_rating_disputed() = disputed;
    Ok(e);
    disputed.mutable_dispute()->set_state(fv1::DISPUTE_STATE_OVERTURNED);
    *disputed.mutable_dispute()->mutable_rule_time() = ToProto(At(20));
    disputed.set_overturned(true);
    *e.mutable_dispute_ruled() = disputed;
    Ok(e);

    Feedback("f1", fv1::FEEDBACK_KIND_PRAISE, nullptr, nullptr);
    Feedback(
        "f2", fv1::FEEDBACK_KIND_COMPLAINT,
        [](fv1::Feedback& f) { *f.mutable_acknowledge_time() = ToProto(At(12)); },
        [](fv1::Event& e, const fv1::Feedback& f) { *e.mutable_feedback_acknowledged() = f; });
    Feedback(
        "f3", fv1::FEEDBACK_KIND_SUGGESTION,
        [](fv1::Feedback& f) {
          f.set_escalated(true);
          *f.mutable_escalate_time() = ToProto(At(21));
        },
        [](fv1::Event& e, const fv1::Feedback& f) { *e.mutable_feedback_escalated() = f; });
    Verdict("i1", 5);
    Verdict("i3", 2);
  }

  FakeClock clock_;
  std::unique_ptr<RatingQueries> queries_;
};

// The side figures of a team without any handoff on that side: zeros, no
// rates, the score at the department's mean `m`.
void ExpectEmptySide(const v1::SideFigures& f, double m) {
  EXPECT_EQ(f.decided() + f.offers() + f.accepts() + f.returns() + f.drops() + f.overdue(), 0);
  EXPECT_EQ(f.scored(), 0);
  EXPECT_NEAR(f.score(), m, kEps);
  EXPECT_FALSE(f.has_mean_quality() || f.has_csat() || f.has_first_pass_yield() ||
               f.has_rework_rate() || f.has_on_time_rate() || f.has_accept_latency_p50() ||
               f.has_accept_latency_p90());
  EXPECT_THAT(f.overall_ratings(), ElementsAre(0, 0, 0, 0, 0));
  EXPECT_EQ(f.overturned_ratings(), 0);
}

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

TEST_F(RatingQueriesTest, HandoffScoreNotFoundUntilDecided) {
  Offer(Handoff("u1", "i9", 1, "outreach", "front-desk", 1, At(10), absl::Hours(2)));
  EXPECT_THAT(queries_->GetHandoffScore("u1"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("handoffs/u1")));
  EXPECT_THAT(queries_->GetHandoffScore("zz"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("handoffs/zz")));
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
  EXPECT_EQ(f.open(), 0);  // not kept in the rollups
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
  const v1::ScoreboardRow& front_desk = board->rows(1);
  EXPECT_NEAR(front_desk.score_trend(), (10 * m + 157.5) / 12 - 860.0 / 11, kEps);
  EXPECT_EQ(front_desk.as_supplier().drops(), 1);
  const v1::ScoreboardRow& audit = board->rows(2);
  EXPECT_NEAR(audit.as_supplier().score(), m, kEps);  // no data: at the mean
  EXPECT_NEAR(audit.score_trend(), m - 80, kEps);

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
    EXPECT_FALSE(s.has_mean_verdict());
  }
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
