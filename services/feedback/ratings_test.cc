// RateHandoff: who may rate, which handoffs, the rating window, revisions,
// idempotency, bad input and the handoff service being away.

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/ratings_test_fixture.h"

namespace baton::feedback {
namespace {

using ::baton::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class RateHandoffTest : public RatingsFixture {};

TEST_F(RateHandoffTest, FirstRatingCarriesTheHandoffsFactsAndAnEvent) {
  auto handoff = AcceptedHandoff("P-1");
  ASSERT_OK(handoff);
  const absl::Time accepted = clock_.Now();
  clock_.Advance(absl::Hours(2));
  const uint64_t before = FeedbackLastSequence();
  auto rating = Rate(FrontDesk(), RateRequest(handoff->name(), 5, "前台说：资料齐全 👍"));
  ASSERT_OK(rating);
  const std::string id = handoff->name().substr(std::string("handoffs/").size());
  EXPECT_EQ(rating->name(), "ratings/" + id);
  EXPECT_EQ(rating->handoff(), handoff->name());
  EXPECT_EQ(rating->work_item(), handoff->work_item());
  EXPECT_EQ(rating->chain(), "chains/new-patient");
  EXPECT_EQ(rating->supplier_team(), "teams/outreach");
  EXPECT_EQ(rating->customer_team(), "teams/front-desk");
  EXPECT_EQ(rating->supplier_department(), "departments/ops");
  EXPECT_EQ(rating->customer_department(), "departments/ops");
  EXPECT_EQ(rating->revision(), 1);
  EXPECT_THAT(rating->earlier(), IsEmpty());
  EXPECT_EQ(rating->scores().overall(), 5);
  EXPECT_EQ(FromProto(rating->create_time()), clock_.Now());
  EXPECT_EQ(FromProto(rating->revise_until()), accepted + absl::Hours(7 * 24));
  EXPECT_EQ(rating->rated_by().team(), "teams/front-desk");
  EXPECT_FALSE(rating->has_dispute());

  auto events = FeedbackEvents(before);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].has_rating_given());
  EXPECT_EQ(events[0].rating_given().SerializeAsString(), rating->SerializeAsString());
  // The Chinese comment round-trips through storage.
  auto read = Get(Admin(), rating->name());
  ASSERT_OK(read);
  EXPECT_EQ(read->comment(), "前台说：资料齐全 👍");
}

TEST_F(RateHandoffTest, OnlyTheCustomerTeamRates) {
  auto handoff = AcceptedHandoff("P-1");
  ASSERT_OK(handoff);
  const uint64_t before = FeedbackLastSequence();
  for (const Caller& caller : {Outreach(), Consultation(), OpsHead(), Admin()}) {
    auto refused = Rate(caller, handoff->name());
    EXPECT_THAT(refused.status(),
                StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("teams/front-desk")))
        << caller.principal.subject;
    EXPECT_EQ(ErrorReason(refused.status()), "NOT_CUSTOMER") << caller.principal.subject;
  }
  EXPECT_EQ(ErrorReason(Rate(Service(), handoff->name()).status()), "ACT_AS_REQUIRED");
  EXPECT_EQ(FeedbackLastSequence(), before);
  EXPECT_OK(Rate(Service("front-desk"), handoff->name()));
}

TEST_F(RateHandoffTest, OnlyAcceptedHandoffsAreRated) {
  auto returned = ReturnedHandoff("P-1");
  ASSERT_OK(returned);
  auto item = CreateItem(Outreach(), "P-2");
  ASSERT_OK(item);
  auto offered = Offer(Outreach(), item->name(), {{"name", "李四"}, {"birth_date", "1980-02-02"}});
  ASSERT_OK(offered);
  const uint64_t before = FeedbackLastSequence();

  auto refused = Rate(FrontDesk(), returned->name());
  EXPECT_THAT(refused.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("returned for rework")));
  EXPECT_EQ(ErrorReason(refused.status()), "HANDOFF_NOT_ACCEPTED");
  refused = Rate(FrontDesk(), offered->name());
  EXPECT_THAT(refused.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("accept it first")));
  EXPECT_EQ(ErrorReason(refused.status()), "HANDOFF_NOT_ACCEPTED");
  EXPECT_THAT(Rate(FrontDesk(), "handoffs/no-such-handoff").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("handoffs/no-such-handoff")));
  EXPECT_EQ(FeedbackLastSequence(), before);
}

TEST_F(RateHandoffTest, ARevisionInsideTheWindowKeepsTheEarlierVersion) {
  auto first = RatedHandoff("P-1", 4);
  ASSERT_OK(first);
  clock_.Advance(absl::Hours(24));
  const uint64_t before = FeedbackLastSequence();
  auto second = Rate(FrontDesk(), RateRequest(first->handoff(), 2, "复核后发现缺少病历号"));
  ASSERT_OK(second);
  EXPECT_EQ(second->revision(), 2);
  EXPECT_EQ(second->scores().overall(), 2);
  EXPECT_EQ(second->comment(), "复核后发现缺少病历号");
  EXPECT_EQ(second->create_time().seconds(), first->create_time().seconds());
  EXPECT_EQ(FromProto(second->update_time()), clock_.Now());
  ASSERT_EQ(second->earlier_size(), 1);
  EXPECT_EQ(second->earlier(0).revision(), 1);
  EXPECT_EQ(second->earlier(0).scores().overall(), 4);
  EXPECT_EQ(second->earlier(0).comment(), first->comment());
  EXPECT_EQ(second->earlier(0).time().seconds(), first->update_time().seconds());

  auto events = FeedbackEvents(before);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].has_rating_revised());
  EXPECT_EQ(events[0].rating_revised().revision(), 2);
  // Still one rating in each index, not one per version.
  v1::ListRatingsRequest list;
  list.set_customer_team("teams/front-desk");
  auto listed = List(FrontDesk(), list);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->ratings_size(), 1);
  EXPECT_EQ(listed->ratings(0).revision(), 2);
}

TEST_F(RateHandoffTest, TheWindowClosesSevenDaysAfterAcceptance) {
  auto rated = RatedHandoff("P-1");
  ASSERT_OK(rated);
  auto unrated = AcceptedHandoff("P-2");
  ASSERT_OK(unrated);
  clock_.Advance(absl::Hours(7 * 24) - absl::Seconds(1));
  ASSERT_OK(Rate(FrontDesk(), rated->handoff(), 3));  // still open: its last second
  clock_.Advance(absl::Seconds(2));
  const uint64_t before = FeedbackLastSequence();
  for (const std::string& handoff : {rated->handoff(), unrated->name()}) {
    auto refused = Rate(FrontDesk(), handoff, 1);
    EXPECT_THAT(refused.status(),
                StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("was open until")));
    EXPECT_EQ(ErrorReason(refused.status()), "RATING_WINDOW_CLOSED");
  }
  EXPECT_EQ(FeedbackLastSequence(), before);
  auto stored = Get(FrontDesk(), rated->name());
  ASSERT_OK(stored);
  EXPECT_EQ(stored->revision(), 2);
  EXPECT_EQ(stored->scores().overall(), 3);
}

class RateHandoffLimitTest : public RatingsFixture {
 protected:
  RateHandoffLimitTest() { options_.max_rating_versions = 3; }
};

TEST_F(RateHandoffLimitTest, VersionsPastTheLimitAreRefused) {
  auto rating = RatedHandoff("P-1");
  ASSERT_OK(rating);
  ASSERT_OK(Rate(FrontDesk(), rating->handoff(), 3));
  ASSERT_OK(Rate(FrontDesk(), rating->handoff(), 2));
  const uint64_t before = FeedbackLastSequence();
  auto refused = Rate(FrontDesk(), rating->handoff(), 1);
  EXPECT_THAT(refused.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("3 versions")));
  EXPECT_EQ(ErrorReason(refused.status()), "TOO_MANY_REVISIONS");
  EXPECT_EQ(FeedbackLastSequence(), before);
}

TEST_F(RateHandoffTest, ARetryWithTheSameRequestIdAnswersAgainAndChangesNothing) {
  auto handoff = AcceptedHandoff("P-1");
  ASSERT_OK(handoff);
  const uint64_t before = FeedbackLastSequence();
  const v1::RateHandoffRequest request = RateRequest(handoff->name(), 4, "很好", "rate-P-1");
  auto first = Rate(FrontDesk(), request);
  ASSERT_OK(first);
  clock_.Advance(absl::Minutes(5));
  auto retry = Rate(FrontDesk(), request);
  ASSERT_OK(retry);
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());
  // Even once the window closed, the retry gets its first answer.
  clock_.Advance(absl::Hours(8 * 24));
  auto late = Rate(FrontDesk(), request);
  ASSERT_OK(late);
  EXPECT_EQ(late->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(FeedbackEvents(before).size(), 1u);
  auto stored = Get(FrontDesk(), first->name());
  ASSERT_OK(stored);
  EXPECT_EQ(stored->revision(), 1);
}

TEST_F(RateHandoffTest, WithTheHandoffServiceAwayNothingIsWritten) {
  auto handoff = AcceptedHandoff("P-1");
  ASSERT_OK(handoff);
  const uint64_t before = FeedbackLastSequence();
  facts_->set_unreachable(true);
  EXPECT_THAT(Rate(FrontDesk(), handoff->name()).status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("unreachable")));
  EXPECT_EQ(FeedbackLastSequence(), before);
  facts_->set_unreachable(false);
  EXPECT_THAT(Get(FrontDesk(), "ratings/" + handoff->name().substr(9)).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("ratings/")));
}

TEST_F(RateHandoffTest, BadInputIsRefusedNamingEveryFieldBeforeAnythingElse) {
  auto handoff = AcceptedHandoff("P-1");
  ASSERT_OK(handoff);
  const uint64_t before = FeedbackLastSequence();
  const int lookups = facts_->lookups();
  auto fields_of = [&](const v1::RateHandoffRequest& request) {
    auto refused = Rate(FrontDesk(), request);
    EXPECT_THAT(refused.status(), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
    return BadRequestFields(refused.status());
  };

  v1::RateHandoffRequest request = RateRequest(handoff->name(), 0);
  EXPECT_THAT(fields_of(request),
              ElementsAre("scores.completeness", "scores.accuracy", "scores.timeliness",
                          "scores.communication", "scores.overall"));
  request = RateRequest(handoff->name(), 6);
  EXPECT_EQ(fields_of(request).size(), 5u);
  request = RateRequest(handoff->name(), 5);
  request.mutable_scores()->set_overall(0);
  EXPECT_THAT(fields_of(request), ElementsAre("scores.overall"));
  request.clear_scores();
  EXPECT_THAT(fields_of(request), ElementsAre("scores"));
  request = RateRequest(handoff->name(), 4, std::string(2001, 'x'));
  EXPECT_THAT(fields_of(request), ElementsAre("comment"));
  for (const char* name : {"", "teams/front-desk", "handoffs/", "handoffs/UPPER", "h1"}) {
    request = RateRequest(name);
    EXPECT_THAT(fields_of(request), ElementsAre("handoff")) << name;
  }
  request = RateRequest(handoff->name(), 4, "", "not a request id!");
  EXPECT_THAT(fields_of(request), ElementsAre("request_id"));
  // Every wrong field at once.
  request = RateRequest("nope", 9, std::string(2001, 'x'), "bad id!");
  EXPECT_THAT(fields_of(request),
              UnorderedElementsAre("request_id", "handoff", "scores.completeness",
                                   "scores.accuracy", "scores.timeliness", "scores.communication",
                                   "scores.overall", "comment"));
  EXPECT_EQ(FeedbackLastSequence(), before);
  EXPECT_EQ(facts_->lookups(), lookups) << "bad input must be refused before asking handoff";
}

TEST_F(RateHandoffTest, CommentsAreMeasuredInCharacters) {
  auto handoff = AcceptedHandoff("P-1");
  ASSERT_OK(handoff);
  std::string comment;
  for (int i = 0; i < 2000; ++i) comment += "好";  // 6000 bytes, 2000 characters
  auto rating = Rate(FrontDesk(), RateRequest(handoff->name(), 5, comment));
  ASSERT_OK(rating);
  EXPECT_EQ(rating->comment(), comment);
  EXPECT_EQ(
      BadRequestFields(Rate(FrontDesk(), RateRequest(handoff->name(), 5, comment + "好")).status()),
      std::vector<std::string>{"comment"});
}

}  // namespace
}  // namespace baton::feedback
