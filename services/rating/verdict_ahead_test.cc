// The feedback log can run ahead of the handoff log by an item's whole
// life: a rating process recounting both logs from the start (or catching
// up after a restart) reads the short feedback log far sooner. A verdict
// that arrives before its item was even created must still count when the
// item finishes. (Found by tests/e2e/rating_exactly_once_test.cc: the
// item's creation overwrote the record holding the pending verdict.)

#include <vector>

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"
#include "services/rating/apply_testing.h"

namespace baton::rating {
namespace {

using ::baton::testing::IsOk;
using namespace ::baton::rating::testing;  // NOLINT: the fixture's builders

using VerdictAheadTest = ApplyFixture;

TEST_F(VerdictAheadTest, AVerdictBeforeItsItemWasCreatedCountsWhenTheItemFinishes) {
  fv1::Event verdict;
  verdict.mutable_verdict_recorded()->set_work_item("workItems/item9");
  verdict.mutable_verdict_recorded()->set_score(3);
  *verdict.mutable_verdict_recorded()->mutable_create_time() = ToProto(At(18));
  ASSERT_THAT(Apply(verdict), IsOk());

  const auto h9 = Handoff("h9", "item9", 1, "outreach", "front-desk", 1, At(10), absl::Hours(2));
  hv1::Event dropped;
  *dropped.mutable_work_item_dropped() = Item("item9", 1, "front-desk", At(17));
  for (const hv1::Event& event :
       {Created(Item("item9", 0, "outreach", At(9))), Offered(h9), Accepted(h9, At(11)), dropped}) {
    ASSERT_THAT(Apply(event), IsOk());
  }
  for (const RollupOwner& owner :
       {SupplierTeam("outreach"), SupplierTeam("front-desk"), Department("ops")}) {
    const std::vector<int64_t> c = Window(owner);
    EXPECT_EQ(storage::CounterAt(c, slot::kVerdicts), 1) << owner.id;
    EXPECT_EQ(storage::CounterAt(c, slot::kVerdictSum), 3) << owner.id;
  }
  // outreach passed it on at its first attempt.
  EXPECT_EQ(Count(SupplierTeam("outreach"), slot::kVerdictsFirstPass), 1);
}

}  // namespace
}  // namespace baton::rating
