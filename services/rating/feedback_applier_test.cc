#include "services/rating/feedback_applier.h"

#include <vector>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/rating/apply_testing.h"
#include "services/rating/histogram.h"

namespace baton::rating {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::_;
using ::testing::ElementsAre;
using namespace ::baton::rating::testing;  // NOLINT: the fixture's builders

class FeedbackApplierTest : public ApplyFixture {
 protected:
  absl::Status Rate(const fv1::Rating& rating, bool revised = false) {
    fv1::Event e;
    *(revised ? e.mutable_rating_revised() : e.mutable_rating_given()) = rating;
    return Apply(e);
  }
  static fv1::Feedback Thread(fv1::FeedbackKind kind, const std::string& team,
                              const std::string& department) {
    fv1::Feedback f;
    f.set_name("feedback/f1");
    f.set_kind(kind);
    if (!team.empty()) f.set_addressee_team("teams/" + team);
    f.set_department("departments/" + department);
    *f.mutable_create_time() = ToProto(At(9));
    return f;
  }
};

// h1 (outreach → front-desk, accepted at attempt 1 on time: F = T = 100).
// Rated 4: R = 75, q = 0.5·75 + 0.3·100 + 0.2·100 = 87.5. Revised to 2:
// R = 25, q = 62.5. Overturned: back to unrated, q = 100. The morning's
// other scores (h2 70, h3 50) stay, so outreach's score_sum is 120 + q(h1).
TEST_F(FeedbackApplierTest, RatingRevisionAndOverturnMoveTheScoreOnItsDay) {
  Morning();
  const RollupOwner outreach = SupplierTeam("outreach");
  EXPECT_EQ(Count(outreach, slot::kScoreSum), 220000);

  marks_.Take();
  ASSERT_THAT(Rate(Rating("h1", "outreach", "front-desk", {4, 5, 4, 3, 4})), IsOk());
  // A rating is news to the supplier's scoreboard at once (not volume).
  EXPECT_THAT(marks_.Take().decided_teams, ::testing::UnorderedElementsAre("outreach"));
  for (const RollupOwner& owner : {outreach, Department("ops"), CustomerTeam("front-desk")}) {
    const std::vector<int64_t> c = Window(owner);
    EXPECT_EQ(storage::CounterAt(c, slot::kScoreSum), 207500);
    EXPECT_EQ(storage::CounterAt(c, slot::kScoreCount), 3);
    EXPECT_EQ(storage::CounterAt(c, slot::kRatings), 1);
    EXPECT_THAT(RatingCounts(c, Dimension::kOverall), ElementsAre(0, 0, 0, 1, 0));
    EXPECT_THAT(RatingCounts(c, Dimension::kCompleteness), ElementsAre(0, 0, 0, 0, 1));
    EXPECT_THAT(RatingCounts(c, Dimension::kTimeliness), ElementsAre(0, 0, 1, 0, 0));
  }
  EXPECT_EQ(SatisfiedCount(std::span<const int64_t, 5>(
                               RatingCounts(Window(outreach), Dimension::kOverall).data(), 5),
                           4),
            1);

  ASSERT_THAT(Rate(Rating("h1", "outreach", "front-desk", {2, 2, 4, 3, 4}), /*revised=*/true),
              IsOk());
  std::vector<int64_t> c = Window(outreach);
  EXPECT_EQ(storage::CounterAt(c, slot::kScoreSum), 182500);
  EXPECT_EQ(storage::CounterAt(c, slot::kScoreCount), 3);
  EXPECT_EQ(storage::CounterAt(c, slot::kRatings), 1);
  EXPECT_THAT(RatingCounts(c, Dimension::kOverall), ElementsAre(0, 1, 0, 0, 0));
  EXPECT_THAT(RatingCounts(c, Dimension::kCompleteness), ElementsAre(0, 1, 0, 0, 0));
  EXPECT_THAT(RatingCounts(c, Dimension::kAccuracy), ElementsAre(0, 0, 0, 1, 0));

  fv1::Rating disputed = Rating("h1", "outreach", "front-desk", {2, 2, 4, 3, 4});
  disputed.mutable_dispute()->set_state(fv1::DISPUTE_STATE_PENDING);
  *disputed.mutable_dispute()->mutable_file_time() = ToProto(At(18));
  fv1::Event filed;
  *filed.mutable_rating_disputed() = disputed;
  ASSERT_THAT(Apply(filed), IsOk());
  EXPECT_EQ(Count(outreach, slot::kDisputesFiled), 1);
  EXPECT_EQ(Count(Department("ops"), slot::kDisputesFiled), 1);

  fv1::Rating ruled = disputed;
  ruled.mutable_dispute()->set_state(fv1::DISPUTE_STATE_OVERTURNED);
  *ruled.mutable_dispute()->mutable_rule_time() = ToProto(At(20));
  ruled.set_overturned(true);
  fv1::Event ruling;
  *ruling.mutable_dispute_ruled() = ruled;
  ASSERT_THAT(Apply(ruling), IsOk());
  for (const RollupOwner& owner : {outreach, Department("ops"), CustomerTeam("front-desk")}) {
    c = Window(owner);
    EXPECT_EQ(storage::CounterAt(c, slot::kScoreSum), 220000);
    EXPECT_EQ(storage::CounterAt(c, slot::kScoreCount), 3);
    EXPECT_EQ(storage::CounterAt(c, slot::kRatings), 0);
    EXPECT_EQ(storage::CounterAt(c, slot::kOverturned), 1);
    for (uint32_t d = 0; d < 5; ++d) {
      EXPECT_THAT(RatingCounts(c, static_cast<Dimension>(d)), ElementsAre(0, 0, 0, 0, 0));
    }
  }
  EXPECT_EQ(Count(outreach, slot::kDisputesOverturned), 1);
  EXPECT_EQ(Count(outreach, slot::kDisputesUpheld), 0);
}

// The feedback log ran ahead: h4's rating (all 5: R = 100) comes before the
// handoff log says h4 was accepted, and h5's before it was even offered.
// Both are pending (nothing in the rollups) until accepted. h4: offered
// 12:00, due 14:00, accepted 16:00 (T = 100·(1 − 2 h / 2 h) = 0), F 100:
// q = 50 + 30 + 0 = 80. h5: accepted on time at attempt 1: q = 100.
TEST_F(FeedbackApplierTest, RatingBeforeTheDecisionWaitsForIt) {
  const auto h4 = Handoff("h4", "item1", 2, "front-desk", "consult", 1, At(12), absl::Hours(2));
  const auto h5 = Handoff("h5", "item3", 2, "front-desk", "consult", 1, At(12), absl::Hours(2));
  ASSERT_THAT(Apply(Offered(h4)), IsOk());
  ASSERT_THAT(Rate(Rating("h4", "front-desk", "consult", {5, 5, 5, 5, 5})), IsOk());
  ASSERT_THAT(Rate(Rating("h5", "front-desk", "consult", {5, 5, 5, 5, 5})), IsOk());
  const RollupOwner front_desk = SupplierTeam("front-desk");
  EXPECT_EQ(Count(front_desk, slot::kScoreCount), 0);
  EXPECT_EQ(Count(front_desk, slot::kRatings), 0);
  EXPECT_EQ(Count(front_desk, slot::kScoreSum), 0);

  ASSERT_THAT(Apply(Accepted(h4, At(16))), IsOk());
  EXPECT_EQ(Count(front_desk, slot::kScoreSum), 80000);
  EXPECT_EQ(Count(front_desk, slot::kScoreCount), 1);
  EXPECT_EQ(Count(front_desk, slot::kRatings), 1);
  EXPECT_EQ(Count(front_desk, RatingSlot(Dimension::kOverall, 5)), 1);

  ASSERT_THAT(Apply(Offered(h5)), IsOk());
  ASSERT_THAT(Apply(Accepted(h5, At(13))), IsOk());
  EXPECT_EQ(Count(front_desk, slot::kScoreSum), 180000);
  EXPECT_EQ(Count(front_desk, slot::kRatings), 2);
  EXPECT_EQ(Count(CustomerTeam("consult"), RatingSlot(Dimension::kOverall, 5)), 2);
}

// A complaint submitted 09:00 and acknowledged 12:00: 3 h, bucket 15
// ([3 h, 4 h)), once — not again when acknowledged after a reopening.
TEST_F(FeedbackApplierTest, ComplaintResponseTimeGoesToItsBucket) {
  fv1::Feedback complaint = Thread(fv1::FEEDBACK_KIND_COMPLAINT, "front-desk", "ops");
  fv1::Event submitted;
  *submitted.mutable_feedback_submitted() = complaint;
  ASSERT_THAT(Apply(submitted), IsOk());
  *complaint.mutable_acknowledge_time() = ToProto(At(12));
  fv1::Event acknowledged;
  *acknowledged.mutable_feedback_acknowledged() = complaint;
  ASSERT_THAT(Apply(acknowledged), IsOk());
  complaint.set_reopened(true);
  *complaint.mutable_acknowledge_time() = ToProto(At(15));
  *acknowledged.mutable_feedback_acknowledged() = complaint;
  ASSERT_THAT(Apply(acknowledged), IsOk());

  for (const RollupOwner& owner : {SupplierTeam("front-desk"), Department("ops")}) {
    const std::vector<int64_t> c = Window(owner);
    EXPECT_EQ(storage::CounterAt(c, slot::kComplaints), 1);
    EXPECT_EQ(LatencyBucket(absl::Hours(3)), 15);
    EXPECT_THAT(HistogramCounts(c, slot::kComplaintResponse)[15], 1);
    EXPECT_EQ(storage::CounterAt(c, ComplaintResponseSlot(15)), 1);
    int64_t total = 0;
    for (int64_t n : HistogramCounts(c, slot::kComplaintResponse)) total += n;
    EXPECT_EQ(total, 1);
  }
}

TEST_F(FeedbackApplierTest, EscalationsAndGrievancesCount) {
  fv1::Feedback suggestion = Thread(fv1::FEEDBACK_KIND_SUGGESTION, "consult", "clinic");
  fv1::Event e;
  *e.mutable_feedback_submitted() = suggestion;
  ASSERT_THAT(Apply(e), IsOk());
  suggestion.set_escalated(true);
  *suggestion.mutable_escalate_time() = ToProto(At(21));
  *e.mutable_feedback_escalated() = suggestion;
  ASSERT_THAT(Apply(e), IsOk());
  *e.mutable_feedback_submitted() = Thread(fv1::FEEDBACK_KIND_GRIEVANCE, "", "ops");
  ASSERT_THAT(Apply(e), IsOk());

  EXPECT_EQ(Count(SupplierTeam("consult"), slot::kSuggestions), 1);
  EXPECT_EQ(Count(SupplierTeam("consult"), slot::kEscalations), 1);
  EXPECT_EQ(Count(Department("clinic"), slot::kEscalations), 1);
  EXPECT_EQ(Count(Department("ops"), slot::kGrievances), 1);
  EXPECT_EQ(Count(Department("ops"), slot::kEscalations), 0);
}

// item2 was created at outreach, returned once (h2) and accepted by
// front-desk at attempt 2 (h3): a verdict of 2 goes whole to both teams,
// outreach in the reworked split, front-desk (which held it at the end) in
// neither; ops, both teams' department, counts it once. item1 passed
// outreach → front-desk first time: its verdict of 5 is in outreach's
// first-pass split.
TEST_F(FeedbackApplierTest, VerdictGoesToEveryTeamThatHeldTheItem) {
  Morning();
  hv1::Event dropped;
  *dropped.mutable_work_item_dropped() = Item("item2", 1, "front-desk", At(17));
  ASSERT_THAT(Apply(dropped), IsOk());
  *dropped.mutable_work_item_dropped() = Item("item1", 1, "front-desk", At(17));
  ASSERT_THAT(Apply(dropped), IsOk());
  fv1::Event e;
  fv1::Verdict* verdict = e.mutable_verdict_recorded();
  verdict->set_name("verdicts/item2");
  verdict->set_work_item("workItems/item2");
  verdict->set_score(2);
  *verdict->mutable_create_time() = ToProto(At(22));
  ASSERT_THAT(Apply(e), IsOk());
  verdict->set_name("verdicts/item1");
  verdict->set_work_item("workItems/item1");
  verdict->set_score(5);
  ASSERT_THAT(Apply(e), IsOk());

  std::vector<int64_t> c = Window(SupplierTeam("outreach"));
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdicts), 2);
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdictSum), 7);
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdictsReworked), 1);
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdictSumReworked), 2);
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdictsFirstPass), 1);
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdictSumFirstPass), 5);
  EXPECT_EQ(storage::CounterAt(c, VerdictSlot(2)), 1);
  EXPECT_EQ(storage::CounterAt(c, VerdictSlot(5)), 1);
  c = Window(SupplierTeam("front-desk"));
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdicts), 2);
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdictSum), 7);
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdictsReworked), 0);
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdictsFirstPass), 0);
  c = Window(Department("ops"));
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdicts), 2);
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdictSum), 7);
  EXPECT_EQ(Count(SupplierTeam("consult"), slot::kVerdicts), 0);
  // Both items were dropped at stage 1: the funnel's verdict by stage reached.
  c = Window(Stage("new-patient", 1));
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdicts), 2);
  EXPECT_EQ(storage::CounterAt(c, slot::kVerdictSum), 7);
  EXPECT_EQ(Count(Stage("new-patient", 0), slot::kVerdicts), 0);
}

// Open threads are a standing count (kStandingDay), moved by submit (+1),
// resolve and dismiss (−1) and reopen (+1); never inside a window.
TEST_F(FeedbackApplierTest, OpenFeedbackIsAStandingCount) {
  fv1::Feedback suggestion = Thread(fv1::FEEDBACK_KIND_SUGGESTION, "consult", "clinic");
  fv1::Feedback complaint = Thread(fv1::FEEDBACK_KIND_COMPLAINT, "consult", "clinic");
  fv1::Event e;
  *e.mutable_feedback_submitted() = suggestion;
  ASSERT_THAT(Apply(e), IsOk());
  *e.mutable_feedback_submitted() = complaint;
  ASSERT_THAT(Apply(e), IsOk());
  *e.mutable_feedback_submitted() = Thread(fv1::FEEDBACK_KIND_GRIEVANCE, "", "ops");
  ASSERT_THAT(Apply(e), IsOk());
  EXPECT_EQ(Standing(SupplierTeam("consult")), 2);
  EXPECT_EQ(Standing(Department("clinic")), 2);
  EXPECT_EQ(Standing(Department("ops")), 1);

  *e.mutable_feedback_resolved() = suggestion;
  ASSERT_THAT(Apply(e), IsOk());
  *e.mutable_feedback_dismissed() = complaint;
  ASSERT_THAT(Apply(e), IsOk());
  EXPECT_EQ(Standing(SupplierTeam("consult")), 0);
  *e.mutable_feedback_reopened() = complaint;
  ASSERT_THAT(Apply(e), IsOk());
  EXPECT_EQ(Standing(SupplierTeam("consult")), 1);
  EXPECT_EQ(Standing(Department("clinic")), 1);
  EXPECT_EQ(Count(SupplierTeam("consult"), slot::kOpenFeedback), 0);
}

// The feedback log ran ahead: item2's verdict comes before the handoff log
// dropped it. It waits in the item's record, then counts (on its own day)
// for both teams once the drop arrives.
TEST_F(FeedbackApplierTest, VerdictBeforeTheItemFinishedWaitsForIt) {
  Morning();
  fv1::Event e;
  e.mutable_verdict_recorded()->set_work_item("workItems/item2");
  e.mutable_verdict_recorded()->set_score(4);
  *e.mutable_verdict_recorded()->mutable_create_time() = ToProto(At(10, 0, 24));
  ASSERT_THAT(Apply(e), IsOk());
  EXPECT_TRUE(Window(SupplierTeam("outreach"), kDay + 1, kDay + 2).empty());

  hv1::Event dropped;
  *dropped.mutable_work_item_dropped() = Item("item2", 1, "front-desk", At(17));
  ASSERT_THAT(Apply(dropped), IsOk());
  for (const RollupOwner& owner : {SupplierTeam("outreach"), SupplierTeam("front-desk")}) {
    const std::vector<int64_t> c = Window(owner, kDay + 1, kDay + 2);
    EXPECT_EQ(storage::CounterAt(c, slot::kVerdicts), 1);
    EXPECT_EQ(storage::CounterAt(c, slot::kVerdictSum), 4);
  }
  EXPECT_EQ(Count(Department("ops"), slot::kVerdicts), 0);
  EXPECT_EQ(storage::CounterAt(Window(Department("ops"), kDay + 1, kDay + 2), slot::kVerdicts), 1);
}

TEST_F(FeedbackApplierTest, RefusesScoresOutOfRange) {
  Morning();
  EXPECT_THAT(Rate(Rating("h1", "outreach", "front-desk", {6, 5, 5, 5, 5})),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
  fv1::Event e;
  e.mutable_verdict_recorded()->set_work_item("workItems/item1");
  e.mutable_verdict_recorded()->set_score(0);
  EXPECT_THAT(Apply(e), StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_EQ(Count(SupplierTeam("outreach"), slot::kRatings), 0);
  EXPECT_EQ(Count(SupplierTeam("outreach"), slot::kScoreSum), 220000);
}

}  // namespace
}  // namespace baton::rating
