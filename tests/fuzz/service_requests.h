#ifndef BATON_TESTS_FUZZ_SERVICE_REQUESTS_H_
#define BATON_TESTS_FUZZ_SERVICE_REQUESTS_H_

// The feedback and rating requests their validation.h checks, chosen by one
// byte, as handoff_requests.h does for the handoff service. The order is
// the seed corpus's format (make_seeds.cc): keep it, add at the end.

#include <cstdint>

#include "baton/feedback/v1/feedback_service.pb.h"
#include "baton/rating/v1/rating_service.pb.h"

namespace baton::fuzz {

inline constexpr int kFeedbackRequestTypes = 18;

template <typename F>
void WithFeedbackRequest(uint8_t selector, F&& f) {
  namespace v1 = ::baton::feedback::v1;
  switch (selector % kFeedbackRequestTypes) {
    case 0:
      return f(v1::RateHandoffRequest());
    case 1:
      return f(v1::DisputeRatingRequest());
    case 2:
      return f(v1::RuleOnDisputeRequest());
    case 3:
      return f(v1::ListRatingsRequest());
    case 4:
      return f(v1::SubmitFeedbackRequest());
    case 5:
      return f(v1::AcknowledgeFeedbackRequest());
    case 6:
      return f(v1::RespondToFeedbackRequest());
    case 7:
      return f(v1::ResolveFeedbackRequest());
    case 8:
      return f(v1::DismissFeedbackRequest());
    case 9:
      return f(v1::ReopenFeedbackRequest());
    case 10:
      return f(v1::RecognizeGrievanceRequest());
    case 11:
      return f(v1::GetFeedbackRequest());
    case 12:
      return f(v1::ListFeedbackRequest());
    case 13:
      return f(v1::WatchFeedbackRequest());
    case 14:
      return f(v1::AnswerPulseRequest());
    case 15:
      return f(v1::GetPulseSummaryRequest());
    case 16:
      return f(v1::RecordVerdictRequest());
    default:
      return f(v1::GetVerdictRequest());
  }
}

inline constexpr int kRatingRequestTypes = 5;

template <typename F>
void WithRatingRequest(uint8_t selector, F&& f) {
  namespace v1 = ::baton::rating::v1;
  switch (selector % kRatingRequestTypes) {
    case 0:
      return f(v1::GetHandoffScoreRequest());
    case 1:
      return f(v1::GetTeamScorecardRequest());
    case 2:
      return f(v1::GetDepartmentScoreboardRequest());
    case 3:
      return f(v1::GetChainFunnelRequest());
    default:
      return f(v1::WatchScoreboardRequest());
  }
}

}  // namespace baton::fuzz

#endif  // BATON_TESTS_FUZZ_SERVICE_REQUESTS_H_
