#include "services/feedback/feedback_store.h"

namespace baton::feedback {

void FeedbackStore::RecordVerdict(const Caller&, const v1::RecordVerdictRequest&,
                                  v1::RecordVerdictResponse*, Done done) {
  done(absl::UnimplementedError("RecordVerdict is not built yet"));
}

void FeedbackStore::GetVerdict(const Caller&, const v1::GetVerdictRequest&, v1::GetVerdictResponse*,
                               Done done) const {
  done(absl::UnimplementedError("GetVerdict is not built yet"));
}

}  // namespace baton::feedback
