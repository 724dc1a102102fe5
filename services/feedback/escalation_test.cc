// Escalation, fired by an injected clock: a thread unacknowledged past its
// respond_by escalates once; an acknowledged or closed one never does; a
// reopened one may again, from its new deadline. Driven through the
// DueTimer the module runs, and through MarkEscalated directly.

#include <string>
#include <vector>

#include "common/time/due_timer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/threads_test_fixture.h"

namespace baton::feedback {
namespace {

class EscalationTest : public ThreadsFixture {
 protected:
  DueTimer Timer() {
    FeedbackStore* store = &feedback();
    return DueTimer(
        "escalated feedback threads", [store] { return store->NextEscalation(); },
        [store](size_t limit, int* marked, absl::AnyInvocable<void(absl::Status)> done) {
          store->MarkEscalated(limit, marked, std::move(done));
        },
        &clock_, {.recheck = absl::Hours(48)});
  }
};

TEST_F(EscalationTest, AnUnacknowledgedThreadEscalatesWhenTheClockPassesRespondBy) {
  DueTimer timer = Timer();
  EXPECT_EQ(timer.Tick(), absl::Hours(48));  // nothing open
  auto thread = Complaint();                 // respond by in 24 h
  ASSERT_OK(thread);
  EXPECT_EQ(*feedback().NextEscalation(), FromProto(thread->respond_by()));
  EXPECT_EQ(timer.Tick(), absl::Hours(24));
  clock_.Advance(absl::Hours(24) - absl::Seconds(1));
  const uint64_t before = FeedbackLastSequence();
  timer.Tick();
  EXPECT_EQ(FeedbackLastSequence(), before);  // not yet
  clock_.Advance(absl::Seconds(1));
  timer.Tick();
  const std::vector<v1::Event> events = FeedbackEvents(before);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].has_feedback_escalated());
  EXPECT_EQ(events[0].feedback_escalated().name(), thread->name());
  EXPECT_EQ(events[0].feedback_escalated().department(), "departments/ops");
  EXPECT_TRUE(events[0].feedback_escalated().title().empty());
  auto stored = Get(OpsHead(), thread->name());
  ASSERT_OK(stored);
  EXPECT_TRUE(stored->escalated());
  EXPECT_EQ(FromProto(stored->escalate_time()), clock_.Now());
  EXPECT_EQ(*feedback().NextEscalation(), std::nullopt);
  // Once: a second pass marks nothing; the addressee may still acknowledge.
  EXPECT_EQ(*MarkEscalated(), 0);
  EXPECT_OK(Acknowledge(Outreach(), thread->name()));
  v1::ListFeedbackRequest escalated;
  escalated.set_department("departments/ops");
  escalated.set_escalated_only(true);
  auto listed = List(OpsHead(), escalated);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->feedback_size(), 1);
  EXPECT_EQ(listed->feedback(0).name(), thread->name());
}

TEST_F(EscalationTest, AnAcknowledgedOrClosedThreadNeverEscalates) {
  auto acknowledged = Complaint();
  ASSERT_OK(acknowledged);
  ASSERT_OK(Acknowledge(Outreach(), acknowledged->name()));
  auto dismissed = Complaint();
  ASSERT_OK(dismissed);
  ASSERT_OK(Dismiss(Outreach(), dismissed->name()));
  EXPECT_EQ(*feedback().NextEscalation(), std::nullopt);
  clock_.Advance(absl::Hours(24 * 30));
  const uint64_t before = FeedbackLastSequence();
  EXPECT_EQ(*MarkEscalated(), 0);
  EXPECT_EQ(FeedbackLastSequence(), before);
  EXPECT_FALSE(Get(Outreach(), acknowledged->name())->escalated());
}

TEST_F(EscalationTest, AReopenedThreadEscalatesAgainFromItsNewDeadline) {
  auto grievance = Grievance();  // respond by in 72 h
  ASSERT_OK(grievance);
  clock_.Advance(absl::Hours(72));
  EXPECT_EQ(*MarkEscalated(), 1);
  ASSERT_OK(Resolve(OpsHead(), grievance->name(), "已处理"));
  clock_.Advance(absl::Hours(1));
  auto reopened = Reopen(FrontDesk(), grievance->name());
  ASSERT_OK(reopened);
  EXPECT_FALSE(reopened->escalated());
  EXPECT_EQ(*feedback().NextEscalation(), clock_.Now() + absl::Hours(72));
  clock_.Advance(absl::Hours(71));
  EXPECT_EQ(*MarkEscalated(), 0);
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(*MarkEscalated(), 1);
  EXPECT_TRUE(Get(FrontDesk(), grievance->name())->escalated());
}

}  // namespace
}  // namespace baton::feedback
