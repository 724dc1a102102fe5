// DisputeRating and RuleOnDispute: the supplier disputes once, the head of
// the supplier's department rules, an overturned rating is final.

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/ratings_test_fixture.h"

namespace baton::feedback {
namespace {

using ::baton::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class DisputesTest : public RatingsFixture {
 protected:
  // A front-desk (ops) → consultation (clinic) handoff rated by consultation:
  // the supplier's head (ops) and the customer's head (clinic) differ.
  absl::StatusOr<v1::Rating> CrossDepartmentRating() {
    ASSIGN_OR_RETURN(hv1::Handoff handoff, AcceptedByConsultation("P-9"));
    return Rate(Consultation(), handoff.name(), 1);
  }
};

TEST_F(DisputesTest, TheSupplierDisputesOnce) {
  auto rating = RatedHandoff("P-1", 1);
  ASSERT_OK(rating);
  const uint64_t before = FeedbackLastSequence();
  auto disputed = Dispute(Outreach(), DisputeRequest(rating->name(), "电话号码是对的，对方没接"));
  ASSERT_OK(disputed);
  EXPECT_EQ(disputed->dispute().state(), v1::DISPUTE_STATE_PENDING);
  EXPECT_EQ(disputed->dispute().reason(), "电话号码是对的，对方没接");
  EXPECT_EQ(disputed->dispute().filed_by().team(), "teams/outreach");
  EXPECT_EQ(FromProto(disputed->dispute().file_time()), clock_.Now());
  EXPECT_FALSE(disputed->overturned());
  auto events = FeedbackEvents(before);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].has_rating_disputed());
  EXPECT_EQ(events[0].rating_disputed().dispute().state(), v1::DISPUTE_STATE_PENDING);
  auto read = Get(OpsHead(), rating->name());
  ASSERT_OK(read);
  EXPECT_EQ(read->dispute().reason(), "电话号码是对的，对方没接");

  auto again = Dispute(Outreach(), rating->name());
  EXPECT_THAT(again.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already disputed")));
  EXPECT_EQ(ErrorReason(again.status()), "ALREADY_DISPUTED");
  EXPECT_EQ(FeedbackEvents(before).size(), 1u);
}

TEST_F(DisputesTest, OnlyTheSupplierTeamDisputes) {
  auto rating = RatedHandoff("P-1", 1);
  ASSERT_OK(rating);
  const uint64_t before = FeedbackLastSequence();
  for (const Caller& caller : {FrontDesk(), Consultation(), OpsHead(), Admin()}) {
    auto refused = Dispute(caller, rating->name());
    EXPECT_THAT(refused.status(),
                StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("teams/outreach")));
    EXPECT_EQ(ErrorReason(refused.status()), "NOT_SUPPLIER") << caller.principal.subject;
  }
  EXPECT_THAT(Dispute(Outreach(), "ratings/no-such-rating").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("ratings/no-such-rating")));
  EXPECT_EQ(FeedbackLastSequence(), before);
  EXPECT_OK(Dispute(Service("outreach"), rating->name()));
}

TEST_F(DisputesTest, BadDisputesAreRefusedNamingTheField) {
  auto rating = RatedHandoff("P-1", 1);
  ASSERT_OK(rating);
  const uint64_t before = FeedbackLastSequence();
  auto fields_of = [&](const v1::DisputeRatingRequest& request) {
    auto refused = Dispute(Outreach(), request);
    EXPECT_THAT(refused.status(), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
    return BadRequestFields(refused.status());
  };
  EXPECT_THAT(fields_of(DisputeRequest(rating->name(), "")), ElementsAre("reason"));
  EXPECT_THAT(fields_of(DisputeRequest(rating->name(), std::string(2001, 'x'))),
              ElementsAre("reason"));
  for (const char* name : {"", "handoffs/h1", "ratings/Bad_Id"}) {
    EXPECT_THAT(fields_of(DisputeRequest(name)), ElementsAre("rating")) << name;
  }
  v1::DisputeRatingRequest request = DisputeRequest(rating->name());
  request.set_request_id("bad id!");
  EXPECT_THAT(fields_of(request), ElementsAre("request_id"));
  EXPECT_EQ(FeedbackLastSequence(), before);
}

TEST_F(DisputesTest, ARetriedDisputeAnswersAgainWithOneEvent) {
  auto rating = RatedHandoff("P-1", 1);
  ASSERT_OK(rating);
  const uint64_t before = FeedbackLastSequence();
  v1::DisputeRatingRequest request = DisputeRequest(rating->name());
  request.set_request_id("dispute-1");
  auto first = Dispute(Outreach(), request);
  ASSERT_OK(first);
  auto retry = Dispute(Outreach(), request);
  ASSERT_OK(retry);
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(FeedbackEvents(before).size(), 1u);
}

TEST_F(DisputesTest, TheSuppliersHeadUpholds) {
  auto rating = RatedHandoff("P-1", 2);
  ASSERT_OK(rating);
  ASSERT_OK(Dispute(Outreach(), rating->name()));
  const uint64_t before = FeedbackLastSequence();
  auto ruled = Rule(OpsHead(), RuleRequest(rating->name(), v1::RULING_UPHOLD, "评分属实"));
  ASSERT_OK(ruled);
  EXPECT_EQ(ruled->dispute().state(), v1::DISPUTE_STATE_UPHELD);
  EXPECT_EQ(ruled->dispute().ruling_note(), "评分属实");
  EXPECT_EQ(ruled->dispute().ruled_by().subject(), "ops-head");
  EXPECT_FALSE(ruled->overturned());
  auto events = FeedbackEvents(before);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].has_dispute_ruled());
  EXPECT_EQ(events[0].dispute_ruled().dispute().state(), v1::DISPUTE_STATE_UPHELD);
  // An upheld rating may still be revised inside its window.
  EXPECT_OK(Rate(FrontDesk(), rating->handoff(), 3));
}

TEST_F(DisputesTest, AnOverturnedRatingIsMarkedAndFinal) {
  auto rating = CrossDepartmentRating();
  ASSERT_OK(rating);
  ASSERT_OK(Dispute(FrontDesk(), rating->name()));
  const uint64_t before = FeedbackLastSequence();
  auto ruled = Rule(OpsHead(), rating->name(), v1::RULING_OVERTURN);
  ASSERT_OK(ruled);
  EXPECT_TRUE(ruled->overturned());
  EXPECT_EQ(ruled->dispute().state(), v1::DISPUTE_STATE_OVERTURNED);
  auto events = FeedbackEvents(before);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].has_dispute_ruled());
  EXPECT_TRUE(events[0].dispute_ruled().overturned());

  const uint64_t after_ruling = FeedbackLastSequence();
  auto revised = Rate(Consultation(), rating->handoff(), 5);
  EXPECT_THAT(revised.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("overturned")));
  EXPECT_EQ(ErrorReason(revised.status()), "RATING_OVERTURNED");
  EXPECT_EQ(ErrorReason(Dispute(FrontDesk(), rating->name()).status()), "ALREADY_DISPUTED");
  auto second = Rule(OpsHead(), rating->name(), v1::RULING_UPHOLD);
  EXPECT_THAT(second.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already ruled")));
  EXPECT_EQ(ErrorReason(second.status()), "NO_PENDING_DISPUTE");
  EXPECT_EQ(FeedbackLastSequence(), after_ruling);
  auto stored = Get(Consultation(), rating->name());
  ASSERT_OK(stored);
  EXPECT_TRUE(stored->overturned());
}

TEST_F(DisputesTest, OnlyTheSuppliersHeadRules) {
  auto rating = CrossDepartmentRating();
  ASSERT_OK(rating);
  ASSERT_OK(Dispute(FrontDesk(), rating->name()));
  const uint64_t before = FeedbackLastSequence();
  // The customer's head, the teams, an admin, a service, another head.
  for (const Caller& caller : {ClinicHead(), Consultation(), FrontDesk(), Admin(),
                               Service("front-desk"), Head("finance-head", "finance")}) {
    auto refused = Rule(caller, rating->name(), v1::RULING_OVERTURN);
    EXPECT_THAT(refused.status(),
                StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("departments/ops")));
    EXPECT_EQ(ErrorReason(refused.status()), "NOT_SUPPLIER_HEAD") << caller.principal.subject;
  }
  EXPECT_EQ(FeedbackLastSequence(), before);
  EXPECT_OK(Rule(OpsHead(), rating->name(), v1::RULING_UPHOLD));
}

TEST_F(DisputesTest, NothingToRuleOnWithoutADispute) {
  auto rating = RatedHandoff("P-1", 2);
  ASSERT_OK(rating);
  const uint64_t before = FeedbackLastSequence();
  auto refused = Rule(OpsHead(), rating->name(), v1::RULING_UPHOLD);
  EXPECT_THAT(refused.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not disputed")));
  EXPECT_EQ(ErrorReason(refused.status()), "NO_PENDING_DISPUTE");
  EXPECT_THAT(Rule(OpsHead(), "ratings/no-such-rating", v1::RULING_UPHOLD).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("ratings/no-such-rating")));
  EXPECT_EQ(FeedbackLastSequence(), before);
}

TEST_F(DisputesTest, BadRulingsAreRefusedNamingTheField) {
  auto rating = RatedHandoff("P-1", 2);
  ASSERT_OK(rating);
  ASSERT_OK(Dispute(Outreach(), rating->name()));
  const uint64_t before = FeedbackLastSequence();
  auto fields_of = [&](const v1::RuleOnDisputeRequest& request) {
    auto refused = Rule(OpsHead(), request);
    EXPECT_THAT(refused.status(), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
    return BadRequestFields(refused.status());
  };
  EXPECT_THAT(fields_of(RuleRequest(rating->name(), v1::RULING_UNSPECIFIED)),
              ElementsAre("ruling"));
  EXPECT_THAT(fields_of(RuleRequest(rating->name(), static_cast<v1::Ruling>(7))),
              ElementsAre("ruling"));
  EXPECT_THAT(fields_of(RuleRequest(rating->name(), v1::RULING_UPHOLD, "")), ElementsAre("note"));
  EXPECT_THAT(fields_of(RuleRequest(rating->name(), v1::RULING_UPHOLD, std::string(2001, 'x'))),
              ElementsAre("note"));
  EXPECT_THAT(fields_of(RuleRequest("ratings/", v1::RULING_UPHOLD)), ElementsAre("rating"));
  v1::RuleOnDisputeRequest request = RuleRequest(rating->name(), v1::RULING_UPHOLD);
  request.set_request_id("bad id!");
  EXPECT_THAT(fields_of(request), ElementsAre("request_id"));
  EXPECT_EQ(FeedbackLastSequence(), before);
}

}  // namespace
}  // namespace baton::feedback
