#include "services/feedback/feedback_store.h"

namespace baton::feedback {

void FeedbackStore::AnswerPulse(const Caller&, const v1::AnswerPulseRequest&,
                                v1::AnswerPulseResponse*, Done done) {
  done(absl::UnimplementedError("AnswerPulse is not built yet"));
}

void FeedbackStore::GetPulseSummary(const Caller&, const v1::GetPulseSummaryRequest&,
                                    v1::GetPulseSummaryResponse*, Done done) const {
  done(absl::UnimplementedError("GetPulseSummary is not built yet"));
}

std::string FeedbackStore::PulsePeriod(absl::Time) { return ""; }

}  // namespace baton::feedback
