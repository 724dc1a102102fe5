#include "services/feedback/feedback_store.h"

namespace baton::feedback {

void FeedbackStore::RateHandoff(const Caller&, const v1::RateHandoffRequest&,
                                v1::RateHandoffResponse*, Done done) {
  done(absl::UnimplementedError("RateHandoff is not built yet"));
}

void FeedbackStore::DisputeRating(const Caller&, const v1::DisputeRatingRequest&,
                                  v1::DisputeRatingResponse*, Done done) {
  done(absl::UnimplementedError("DisputeRating is not built yet"));
}

void FeedbackStore::RuleOnDispute(const Caller&, const v1::RuleOnDisputeRequest&,
                                  v1::RuleOnDisputeResponse*, Done done) {
  done(absl::UnimplementedError("RuleOnDispute is not built yet"));
}

absl::Status FeedbackStore::GetRating(const Caller&, const v1::GetRatingRequest&,
                                      v1::GetRatingResponse*) const {
  return absl::UnimplementedError("GetRating is not built yet");
}

void FeedbackStore::ListRatings(const Caller&, const v1::ListRatingsRequest&,
                                v1::ListRatingsResponse*, Done done) const {
  done(absl::UnimplementedError("ListRatings is not built yet"));
}

}  // namespace baton::feedback
