#include "services/handoff/overdue_timer.h"

#include "services/handoff/handoff_store_test_fixture.h"

namespace baton::handoff {
namespace {

class OverdueTimerTest : public HandoffStoreFixture {
 protected:
  void SetUp() override {
    HandoffStoreFixture::SetUp();
    ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  }
};

const Fields kFrontDeskFix = {{"name", "张三"}, {"birth_date", "1990-01-01"}};

TEST_F(OverdueTimerTest, TickWaitsForTheNextDueTimeThenMarksIt) {
  OverdueTimer timer(&handoffs(), &clock_, {.recheck = absl::Hours(2)});
  EXPECT_EQ(timer.Tick(), absl::Hours(2));  // nothing open: the recheck period
  auto item = CreateItem(Outreach(), "a");
  ASSERT_OK(item);
  ASSERT_OK(Offer(Outreach(), item->name(), kFrontDeskFix));  // due in 1 h
  EXPECT_EQ(timer.Tick(), absl::Hours(1));
  clock_.Advance(absl::Hours(1));
  const uint64_t before = LastSequence();
  timer.Tick();
  ASSERT_EQ(Events(before).size(), 1u);
  EXPECT_TRUE(Events(before)[0].has_handoff_overdue());
}

// A mark that fails (here: the queue refuses writes, as on a full disk or
// during shutdown) must not be retried at once in a loop. Without the
// backoff, Tick returned a 1 ms pause after every failure: a spin.
TEST_F(OverdueTimerTest, BacksOffWhenMarkingFails) {
  auto item = CreateItem(Outreach(), "a");
  ASSERT_OK(item);
  ASSERT_OK(Offer(Outreach(), item->name(), kFrontDeskFix));
  clock_.Advance(absl::Hours(2));
  queue_->Stop();  // every write now fails with UNAVAILABLE
  OverdueTimer timer(&handoffs(), &clock_,
                     {.retry_initial = absl::Milliseconds(100), .retry_max = absl::Seconds(1)});
  EXPECT_EQ(timer.Tick(), absl::Milliseconds(100));
  EXPECT_EQ(timer.Tick(), absl::Milliseconds(200));
  EXPECT_EQ(timer.Tick(), absl::Milliseconds(400));
  EXPECT_EQ(timer.Tick(), absl::Milliseconds(800));
  EXPECT_EQ(timer.Tick(), absl::Seconds(1));
}

}  // namespace
}  // namespace baton::handoff
