// What the feedback areas share: event routing to watchers, the event form
// of a thread, keys, and the facts the store learns from handoff.

#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/feedback_store_test_fixture.h"

namespace baton::feedback {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::Feedback Thread(v1::FeedbackKind kind, std::string addressee, std::string department) {
  v1::Feedback thread;
  thread.set_name("feedback/f1");
  thread.set_kind(kind);
  thread.set_author_team("teams/outreach");
  thread.set_addressee_team(std::move(addressee));
  thread.set_department(std::move(department));
  thread.set_title("标题");
  thread.set_body("正文");
  thread.add_replies()->set_text("回复");
  return thread;
}

events::EventLog::Entry Entry(const v1::Event& event) {
  return {.sequence = 1, .value = event.SerializeAsString()};
}

std::vector<std::string> Topics(const v1::Event& event) {
  std::vector<std::string> topics;
  FeedbackStore::EventTopics(Entry(event), &topics);
  return topics;
}

TEST(FeedbackEventsTest, ThreadsWakeTheirAddresseeAndDepartmentOnly) {
  v1::Event complaint;
  *complaint.mutable_feedback_submitted() =
      Thread(v1::FEEDBACK_KIND_COMPLAINT, "teams/front-desk", "departments/ops");
  EXPECT_THAT(Topics(complaint), ElementsAre("teams/front-desk", "departments/ops"));

  v1::Event grievance;
  *grievance.mutable_feedback_submitted() =
      Thread(v1::FEEDBACK_KIND_GRIEVANCE, "", "departments/ops");
  EXPECT_THAT(Topics(grievance), ElementsAre("departments/ops"));

  v1::Event rating;
  rating.mutable_rating_given()->set_name("ratings/h1");
  EXPECT_THAT(Topics(rating), IsEmpty());

  std::vector<std::string> topics;
  FeedbackStore::EventTopics({.sequence = 1, .value = "\xff not an event"}, &topics);
  EXPECT_THAT(topics, ElementsAre(events::kEveryTopic));
}

TEST(FeedbackEventsTest, TeamsHearTheirThreadsHeadsHearGrievancesAndEscalations) {
  v1::Event complaint;
  *complaint.mutable_feedback_submitted() =
      Thread(v1::FEEDBACK_KIND_COMPLAINT, "teams/front-desk", "departments/ops");
  v1::Event escalated;
  *escalated.mutable_feedback_escalated() = complaint.feedback_submitted();
  v1::Event grievance;
  *grievance.mutable_feedback_submitted() =
      Thread(v1::FEEDBACK_KIND_GRIEVANCE, "", "departments/ops");

  v1::WatchFeedbackResponse update;
  EXPECT_TRUE(FeedbackStore::WatchUpdate(complaint, "teams/front-desk", &update));
  EXPECT_TRUE(update.has_submitted());
  EXPECT_FALSE(FeedbackStore::WatchUpdate(complaint, "teams/outreach", &update));
  // A new complaint is the team's to answer, not yet its head's business.
  EXPECT_FALSE(FeedbackStore::WatchUpdate(complaint, "departments/ops", &update));
  update.Clear();
  EXPECT_TRUE(FeedbackStore::WatchUpdate(escalated, "departments/ops", &update));
  EXPECT_TRUE(update.has_escalated());
  EXPECT_TRUE(FeedbackStore::WatchUpdate(escalated, "teams/front-desk", &update));
  EXPECT_TRUE(FeedbackStore::WatchUpdate(grievance, "departments/ops", &update));
  EXPECT_FALSE(FeedbackStore::WatchUpdate(grievance, "departments/clinic", &update));
  EXPECT_FALSE(FeedbackStore::WatchUpdate(grievance, "teams/outreach", &update));
}

TEST(FeedbackKeysTest, EscalationsSortByTimeAndParseBack) {
  const absl::Time early = absl::FromUnixSeconds(1'700'000'000);
  const std::string a = keys::Escalation(early, "zzz");
  const std::string b = keys::Escalation(early + absl::Microseconds(1), "aaa");
  EXPECT_LT(a, b);
  EXPECT_EQ(a.rfind(keys::EscalationPrefix(), 0), 0u);
  absl::Time time;
  std::string id;
  ASSERT_TRUE(keys::ParseEscalation(b, &time, &id));
  EXPECT_EQ(time, early + absl::Microseconds(1));
  EXPECT_EQ(id, "aaa");
  EXPECT_FALSE(keys::ParseEscalation(b.substr(0, b.size() - 1), &time, &id));
  EXPECT_FALSE(keys::ParseEscalation(keys::Id("x"), &time, &id));
}

class FeedbackFactsTest : public FeedbackStoreFixture {
 protected:
  template <typename T>
  absl::StatusOr<T> Wait(void (HandoffFacts::*lookup)(absl::string_view, absl::Time,
                                                      FactCallback<T>),
                         absl::string_view id) {
    absl::Notification done;
    absl::StatusOr<T> result = absl::InternalError("not called");
    (facts_.get()->*lookup)(id, absl::InfiniteFuture(), [&](absl::StatusOr<T> fact) {
      result = std::move(fact);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }
};

TEST_F(FeedbackFactsTest, AnAcceptedHandoffsFactsNameBothTeamsAndTheirDepartments) {
  auto handoff = AcceptedHandoff("facts-1");
  ASSERT_OK(handoff);
  auto id = api::ParseName("handoff", handoff->name(), api::kHandoffs);
  ASSERT_OK(id);
  auto fact = Wait(&HandoffFacts::Handoff, *id);
  ASSERT_OK(fact);
  EXPECT_EQ(fact->state, hv1::HANDOFF_STATE_ACCEPTED);
  EXPECT_EQ(fact->supplier.team_id, "outreach");
  EXPECT_EQ(fact->supplier.department_id, "ops");
  EXPECT_EQ(fact->customer.team_id, "front-desk");
  EXPECT_EQ(fact->customer.department_id, "ops");
  EXPECT_EQ(fact->chain_id, "new-patient");
  EXPECT_EQ(fact->decide_time, clock_.Now());

  auto item = Wait(&HandoffFacts::WorkItem, fact->work_item_id);
  ASSERT_OK(item);
  EXPECT_EQ(item->state, hv1::WORK_ITEM_STATE_ACTIVE);
  EXPECT_EQ(item->stage_index, 1);
  EXPECT_THAT(item->chain_team_ids,
              ElementsAre("outreach", "front-desk", "consultation", "treatment"));

  EXPECT_THAT(Wait(&HandoffFacts::Handoff, "no-such-handoff"),
              testing::StatusIs(absl::StatusCode::kNotFound, HasSubstr("no-such")));
  EXPECT_THAT(Wait(&HandoffFacts::Team, "no-such-team"),
              testing::StatusIs(absl::StatusCode::kNotFound, HasSubstr("no-such")));
  facts_->set_unreachable(true);
  EXPECT_THAT(Wait(&HandoffFacts::Team, "outreach"),
              testing::StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
}

}  // namespace
}  // namespace baton::feedback
