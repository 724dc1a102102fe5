#include "services/feedback/feedback_store.h"

namespace baton::feedback {

void FeedbackStore::SubmitFeedback(const Caller&, const v1::SubmitFeedbackRequest&,
                                   v1::SubmitFeedbackResponse*, Done done) {
  done(absl::UnimplementedError("SubmitFeedback is not built yet"));
}

void FeedbackStore::AcknowledgeFeedback(const Caller&, const v1::AcknowledgeFeedbackRequest&,
                                        v1::AcknowledgeFeedbackResponse*, Done done) {
  done(absl::UnimplementedError("AcknowledgeFeedback is not built yet"));
}

void FeedbackStore::RespondToFeedback(const Caller&, const v1::RespondToFeedbackRequest&,
                                      v1::RespondToFeedbackResponse*, Done done) {
  done(absl::UnimplementedError("RespondToFeedback is not built yet"));
}

void FeedbackStore::ResolveFeedback(const Caller&, const v1::ResolveFeedbackRequest&,
                                    v1::ResolveFeedbackResponse*, Done done) {
  done(absl::UnimplementedError("ResolveFeedback is not built yet"));
}

void FeedbackStore::DismissFeedback(const Caller&, const v1::DismissFeedbackRequest&,
                                    v1::DismissFeedbackResponse*, Done done) {
  done(absl::UnimplementedError("DismissFeedback is not built yet"));
}

void FeedbackStore::ReopenFeedback(const Caller&, const v1::ReopenFeedbackRequest&,
                                   v1::ReopenFeedbackResponse*, Done done) {
  done(absl::UnimplementedError("ReopenFeedback is not built yet"));
}

void FeedbackStore::RecognizeGrievance(const Caller&, const v1::RecognizeGrievanceRequest&,
                                       v1::RecognizeGrievanceResponse*, Done done) {
  done(absl::UnimplementedError("RecognizeGrievance is not built yet"));
}

absl::Status FeedbackStore::GetFeedback(const Caller&, const v1::GetFeedbackRequest&,
                                        v1::GetFeedbackResponse*) const {
  return absl::UnimplementedError("GetFeedback is not built yet");
}

void FeedbackStore::ListFeedback(const Caller&, const v1::ListFeedbackRequest&,
                                 v1::ListFeedbackResponse*, Done done) const {
  done(absl::UnimplementedError("ListFeedback is not built yet"));
}

void FeedbackStore::MarkEscalated(size_t, int*, Done done) {
  done(absl::UnimplementedError("MarkEscalated is not built yet"));
}

absl::StatusOr<std::optional<absl::Time>> FeedbackStore::NextEscalation() const {
  return absl::UnimplementedError("NextEscalation is not built yet");
}

absl::StatusOr<std::string> FeedbackStore::AuthorizeFeedbackWatch(
    const Caller&, const v1::WatchFeedbackRequest&) const {
  return absl::UnimplementedError("AuthorizeFeedbackWatch is not built yet");
}

}  // namespace baton::feedback
