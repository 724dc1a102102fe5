#ifndef BATON_SERVICES_RATING_QUERIES_TESTING_H_
#define BATON_SERVICES_RATING_QUERIES_TESTING_H_

// Test helpers for RatingQueries (tests only; header-only): a scripted
// org and two days of events with hand-computed figures (the comment on
// RatingQueriesTest), applied through the real appliers.

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/rating/apply_testing.h"
#include "services/rating/rating_queries.h"

namespace baton::rating::testing {

inline constexpr double kEps = 1e-9;

inline double Seconds(const google::protobuf::Duration& d) {
  return absl::ToDoubleSeconds(FromProto(d));
}

inline v1::Window Days(const std::string& start, const std::string& end) {
  v1::Window w;
  w.set_start_day(start);
  w.set_end_day(end);
  return w;
}

// The scripted org (apply_testing.h: ops = {outreach, front-desk} plus the
// data-less audit and billing (displayed as 收费处), clinic = {consult}; chain new-patient:
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
//      suggestion escalated; none resolved: 3 open.
//   ops: Σq = 100+65+70+72.5+100+87.5+70 = 565, n = 7, m = 565/7.
class RatingQueriesTest : public ApplyFixture {
 protected:
  void SetUp() override {
    ApplyFixture::SetUp();
    for (const char* team : {"billing", "audit"}) {
      hv1::Event e;
      e.mutable_team_created()->set_name(std::string("teams/") + team);
      e.mutable_team_created()->set_department("departments/ops");
      if (std::string(team) == "billing") e.mutable_team_created()->set_display_name("收费处");
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
inline void ExpectEmptySide(const v1::SideFigures& f, double m) {
  EXPECT_EQ(f.decided() + f.offers() + f.accepts() + f.returns() + f.drops() + f.overdue(), 0);
  EXPECT_EQ(f.scored(), 0);
  EXPECT_NEAR(f.score(), m, kEps);
  EXPECT_FALSE(f.has_mean_quality() || f.has_csat() || f.has_first_pass_yield() ||
               f.has_rework_rate() || f.has_on_time_rate() || f.has_accept_latency_p50() ||
               f.has_accept_latency_p90());
  EXPECT_THAT(f.overall_ratings(), ::testing::ElementsAre(0, 0, 0, 0, 0));
  EXPECT_EQ(f.overturned_ratings(), 0);
}

}  // namespace baton::rating::testing

#endif  // BATON_SERVICES_RATING_QUERIES_TESTING_H_
