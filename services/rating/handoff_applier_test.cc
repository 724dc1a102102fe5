#include "services/rating/handoff_applier.h"

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
using namespace ::baton::rating::testing;  // NOLINT: the fixture's builders

class HandoffApplierTest : public ApplyFixture {
 protected:
  absl::Status Offer(const hv1::Handoff& h) { return Apply(Offered(h)); }
  absl::Status Accept(const hv1::Handoff& h, absl::Time decide) {
    return Apply(Accepted(h, decide));
  }
  absl::Status Create(const hv1::WorkItem& item) { return Apply(Created(item)); }
};

TEST_F(HandoffApplierTest, OffersAndDecisionsCountOnEverySide) {
  Morning();
  for (const RollupOwner& owner : {SupplierTeam("outreach"), Department("ops"),
                                   Stage("new-patient", 0), CustomerTeam("front-desk")}) {
    SCOPED_TRACE(static_cast<int>(owner.scope));
    const std::vector<int64_t> c = Window(owner);
    EXPECT_EQ(storage::CounterAt(c, slot::kOffers), 3);
    EXPECT_EQ(storage::CounterAt(c, slot::kAccepts), 2);
    EXPECT_EQ(storage::CounterAt(c, slot::kReturns), 1);
    EXPECT_EQ(storage::CounterAt(c, slot::kDecided), 3);
    EXPECT_EQ(storage::CounterAt(c, slot::kFirstPass), 1);
    EXPECT_EQ(storage::CounterAt(c, slot::kOnTime), 2);
    EXPECT_EQ(storage::CounterAt(c, slot::kScoreCount), 3);
    EXPECT_EQ(storage::CounterAt(c, slot::kScoreSum), (100 + 70 + 50) * kQualityScale);
    EXPECT_EQ(storage::CounterAt(c, AcceptLatencySlot(13)), 2);
    EXPECT_EQ(storage::CounterAt(c, AcceptLatencySlot(15)), 1);
    EXPECT_EQ(storage::CounterAt(c, slot::kRatings), 0);
  }
  // front-desk supplied nothing; clinic has no team in these handoffs.
  EXPECT_TRUE(Window(SupplierTeam("front-desk")).empty());
  EXPECT_TRUE(Window(Department("clinic")).empty());
}

// What a scoreboard reads is noted for its watchers: a new team's
// department; a handoff's supplier team and department, not its customer
// team (as customer) nor its chain stage. An offer is volume, an
// acceptance a decision. Fails when a rollup owner or a new row goes
// unnoted (a watcher would miss the change), or an offer is noted as a
// decision or an acceptance as volume (a watcher would get it late).
TEST_F(HandoffApplierTest, NotesWhatScoreboardsReadForTheirWatchers) {
  using ::testing::UnorderedElementsAre;
  const ChangeMarks org = marks_.Take();
  EXPECT_THAT(org.departments, UnorderedElementsAre("ops", "clinic"));
  EXPECT_THAT(org.decided_departments, UnorderedElementsAre("ops", "clinic"));
  EXPECT_TRUE(org.teams.empty());
  ASSERT_THAT(Create(Item("item9", 0, "outreach", At(9))), IsOk());
  EXPECT_TRUE(marks_.Take().empty());  // a stage's funnel only
  const auto h = Handoff("h9", "item9", 1, "outreach", "front-desk", 1, At(10), absl::Hours(2));
  ASSERT_THAT(Offer(h), IsOk());
  const ChangeMarks offered = marks_.Take();
  EXPECT_THAT(offered.departments, UnorderedElementsAre("ops"));
  EXPECT_THAT(offered.teams, UnorderedElementsAre("outreach"));
  EXPECT_TRUE(offered.decided_departments.empty());
  EXPECT_TRUE(offered.decided_teams.empty());
  ASSERT_THAT(Accept(h, At(11)), IsOk());
  const ChangeMarks accepted = marks_.Take();
  EXPECT_THAT(accepted.decided_departments, UnorderedElementsAre("ops"));
  EXPECT_THAT(accepted.decided_teams, UnorderedElementsAre("outreach"));
}

// A consumer batch sums each rollup key's deltas and merges it once: a
// read then merges one operand per batch, not one per event (the reason:
// rollup_writer.h). The totals are the per-event ones. A batch that fails
// leaves nothing for the next. Fails when the writer stages per event
// (3 operands), or when a failed batch's deltas leak into the next one
// (5 offers).
TEST_F(HandoffApplierTest, ABatchMergesEachRollupKeyOnce) {
  ASSERT_THAT(ApplyHandoffBatch(MorningEvents()), IsOk());
  for (const RollupOwner& owner :
       {SupplierTeam("outreach"), Department("ops"), CustomerTeam("front-desk")}) {
    EXPECT_EQ(MergeOperands(owner), 1) << owner.id;
    const std::vector<int64_t> c = Window(owner);
    EXPECT_EQ(storage::CounterAt(c, slot::kOffers), 3);
    EXPECT_EQ(storage::CounterAt(c, slot::kAccepts), 2);
    EXPECT_EQ(storage::CounterAt(c, slot::kReturns), 1);
    EXPECT_EQ(storage::CounterAt(c, slot::kScoreSum), (100 + 70 + 50) * kQualityScale);
  }

  const auto h1 = Handoff("h1", "item1", 1, "outreach", "front-desk", 1, At(10), absl::Hours(2));
  const auto h4 = Handoff("h4", "item4", 1, "outreach", "front-desk", 1, At(17), absl::Hours(2));
  const auto h5 = Handoff("h5", "item5", 1, "outreach", "front-desk", 1, At(17), absl::Hours(2));
  EXPECT_THAT(ApplyHandoffBatch({Offered(h4), Accepted(h1, At(18))}),  // h1: decided twice
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("second time")));
  ASSERT_THAT(ApplyHandoffBatch({Offered(h5)}), IsOk());
  EXPECT_EQ(Count(SupplierTeam("outreach"), slot::kOffers), 4);
  EXPECT_EQ(MergeOperands(SupplierTeam("outreach")), 2);
}

TEST_F(HandoffApplierTest, FunnelCountsEnteredAndPassedPerStage) {
  Morning();
  EXPECT_EQ(Count(Stage("new-patient", 0), slot::kEntered), 2);
  EXPECT_EQ(Count(Stage("new-patient", 0), slot::kPassed), 2);
  EXPECT_EQ(Count(Stage("new-patient", 1), slot::kEntered), 2);
  EXPECT_EQ(Count(Stage("new-patient", 1), slot::kPassed), 0);
  // item1 completes at the last stage after h4 into consult.
  const auto h4 = Handoff("h4", "item1", 2, "front-desk", "consult", 1, At(12), absl::Hours(2));
  ASSERT_THAT(Offer(h4), IsOk());
  ASSERT_THAT(Accept(h4, At(13)), IsOk());
  hv1::Event done;
  *done.mutable_work_item_completed() = Item("item1", 2, "consult", At(17));
  ASSERT_THAT(Apply(done), IsOk());
  EXPECT_EQ(Count(Stage("new-patient", 1), slot::kPassed), 1);
  EXPECT_EQ(Count(Stage("new-patient", 2), slot::kEntered), 1);
  EXPECT_EQ(Count(Stage("new-patient", 2), slot::kPassed), 1);
}

TEST_F(HandoffApplierTest, DropCountsAtItsStageAndHolder) {
  Morning();
  hv1::Event drop;
  *drop.mutable_work_item_dropped() = Item("item2", 1, "front-desk", At(17));
  ASSERT_THAT(Apply(drop), IsOk());
  EXPECT_EQ(Count(Stage("new-patient", 1), slot::kDrops), 1);
  EXPECT_EQ(Count(SupplierTeam("front-desk"), slot::kDrops), 1);
  EXPECT_EQ(Count(Department("ops"), slot::kDrops), 1);
  EXPECT_EQ(Count(Stage("new-patient", 0), slot::kDrops), 0);
}

TEST_F(HandoffApplierTest, OverdueCountsOnTheDueDay) {
  const auto h4 = Handoff("h4", "item1", 2, "front-desk", "consult", 1, At(12), absl::Hours(2));
  ASSERT_THAT(Offer(h4), IsOk());
  hv1::Event overdue;
  *overdue.mutable_handoff_overdue() = h4;
  ASSERT_THAT(Apply(overdue), IsOk());
  EXPECT_EQ(Count(SupplierTeam("front-desk"), slot::kOverdue), 1);
  EXPECT_EQ(Count(Department("ops"), slot::kOverdue), 1);
  EXPECT_EQ(Count(CustomerTeam("consult"), slot::kOverdue), 1);
  EXPECT_EQ(Count(Stage("new-patient", 1), slot::kOverdue), 1);
  EXPECT_EQ(Count(SupplierTeam("front-desk"), slot::kScoreCount), 0);
}

TEST_F(HandoffApplierTest, DaysAreTheOrganisationsDays) {
  // 2026-11-23 17:30 UTC is 01:30 on the 24th in Shanghai.
  ASSERT_THAT(
      Create(Item("late", 0, "outreach",
                  absl::FromCivil(absl::CivilMinute(2026, 11, 23, 17, 30), absl::UTCTimeZone()))),
      IsOk());
  EXPECT_EQ(Count(Stage("new-patient", 0), slot::kEntered), 0);
  EXPECT_EQ(storage::CounterAt(Window(Stage("new-patient", 0), kDay + 1, kDay + 2), slot::kEntered),
            1);
}

TEST_F(HandoffApplierTest, RefusesWhatItCannotRead) {
  const events::ConsumedEvent junk{.sequence = 99, .bytes = "\xff\xff\xff"};
  EXPECT_THAT(queue_->Run([&](storage::Transaction& tx) { return handoffs_->Apply(tx, junk); }),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
  auto bad = Handoff("h1", "item1", 1, "outreach", "front-desk", 1, At(10), absl::Hours(2));
  bad.set_supplier_team("outreach");  // not a resource name
  EXPECT_THAT(Offer(bad), StatusIs(absl::StatusCode::kInvalidArgument, _));
  // Nothing of a refused event was written.
  EXPECT_TRUE(Window(CustomerTeam("front-desk")).empty());
  const auto h1 = Handoff("h1", "item1", 1, "outreach", "front-desk", 1, At(10), absl::Hours(2));
  ASSERT_THAT(Offer(h1), IsOk());
  ASSERT_THAT(Accept(h1, At(11)), IsOk());
  EXPECT_THAT(Accept(h1, At(12)), StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_EQ(Count(SupplierTeam("outreach"), slot::kAccepts), 1);
}

}  // namespace
}  // namespace baton::rating
