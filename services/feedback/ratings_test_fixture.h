#ifndef BATON_SERVICES_FEEDBACK_RATINGS_TEST_FIXTURE_H_
#define BATON_SERVICES_FEEDBACK_RATINGS_TEST_FIXTURE_H_

// Test-only: FeedbackStoreFixture with the calls of ratings.cc and
// rating_queries.cc as one-liners, for ratings_test.cc and disputes_test.cc.

#include <string>
#include <utility>

#include "services/feedback/feedback_store_test_fixture.h"

namespace baton::feedback {

class RatingsFixture : public FeedbackStoreFixture {
 protected:
  static v1::Scores AllScores(int score) {
    v1::Scores scores;
    scores.set_completeness(score);
    scores.set_accuracy(score);
    scores.set_timeliness(score);
    scores.set_communication(score);
    scores.set_overall(score);
    return scores;
  }

  static v1::RateHandoffRequest RateRequest(const std::string& handoff, int score = 4,
                                            std::string comment = "资料齐全，交接清楚",
                                            std::string request_id = "") {
    v1::RateHandoffRequest request;
    request.set_request_id(std::move(request_id));
    request.set_handoff(handoff);
    *request.mutable_scores() = AllScores(score);
    request.set_comment(std::move(comment));
    return request;
  }

  absl::StatusOr<v1::Rating> Rate(const Caller& caller, const v1::RateHandoffRequest& request) {
    v1::RateHandoffResponse response;
    RETURN_IF_ERROR(Run(&FeedbackStore::RateHandoff, caller, request, &response));
    return response.rating();
  }
  absl::StatusOr<v1::Rating> Rate(const Caller& caller, const std::string& handoff, int score = 4) {
    return Rate(caller, RateRequest(handoff, score));
  }

  static v1::DisputeRatingRequest DisputeRequest(const std::string& rating,
                                                 std::string reason = "病人资料其实是完整的") {
    v1::DisputeRatingRequest request;
    request.set_rating(rating);
    request.set_reason(std::move(reason));
    return request;
  }
  absl::StatusOr<v1::Rating> Dispute(const Caller& caller,
                                     const v1::DisputeRatingRequest& request) {
    v1::DisputeRatingResponse response;
    RETURN_IF_ERROR(Run(&FeedbackStore::DisputeRating, caller, request, &response));
    return response.rating();
  }
  absl::StatusOr<v1::Rating> Dispute(const Caller& caller, const std::string& rating) {
    return Dispute(caller, DisputeRequest(rating));
  }

  static v1::RuleOnDisputeRequest RuleRequest(const std::string& rating, v1::Ruling ruling,
                                              std::string note = "核实后的结论") {
    v1::RuleOnDisputeRequest request;
    request.set_rating(rating);
    request.set_ruling(ruling);
    request.set_note(std::move(note));
    return request;
  }
  absl::StatusOr<v1::Rating> Rule(const Caller& caller, const v1::RuleOnDisputeRequest& request) {
    v1::RuleOnDisputeResponse response;
    RETURN_IF_ERROR(Run(&FeedbackStore::RuleOnDispute, caller, request, &response));
    return response.rating();
  }
  absl::StatusOr<v1::Rating> Rule(const Caller& caller, const std::string& rating,
                                  v1::Ruling ruling) {
    return Rule(caller, RuleRequest(rating, ruling));
  }

  absl::StatusOr<v1::Rating> Get(const Caller& caller, const std::string& name) {
    v1::GetRatingRequest request;
    request.set_name(name);
    v1::GetRatingResponse response;
    RETURN_IF_ERROR(feedback().GetRating(caller, request, &response));
    return response.rating();
  }

  absl::StatusOr<v1::ListRatingsResponse> List(const Caller& caller,
                                               const v1::ListRatingsRequest& request) {
    v1::ListRatingsResponse response;
    RETURN_IF_ERROR(Run(&FeedbackStore::ListRatings, caller, request, &response));
    return response;
  }

  // An outreach → front-desk handoff (both ops), accepted and rated by front desk.
  absl::StatusOr<v1::Rating> RatedHandoff(std::string reference, int score = 4) {
    ASSIGN_OR_RETURN(hv1::Handoff handoff, AcceptedHandoff(std::move(reference)));
    return Rate(FrontDesk(), handoff.name(), score);
  }

  // A front-desk (ops) → consultation (clinic) handoff, accepted.
  absl::StatusOr<hv1::Handoff> AcceptedByConsultation(std::string reference) {
    ASSIGN_OR_RETURN(hv1::WorkItem item, ItemAtFrontDesk(std::move(reference)));
    ASSIGN_OR_RETURN(hv1::Handoff offer, Offer(FrontDesk(), item.name(), {{"complaint", "头痛"}}));
    return Accept(Consultation(), offer.name(), "头痛三天，已知过敏史");
  }
};

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_RATINGS_TEST_FIXTURE_H_
