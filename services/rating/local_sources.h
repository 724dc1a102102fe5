#ifndef BATON_SERVICES_RATING_LOCAL_SOURCES_H_
#define BATON_SERVICES_RATING_LOCAL_SOURCES_H_

// The RatingModuleOptions sources of a process that hosts handoff and
// feedback too (batond, the integration tests): LocalEventSources over
// their modules' event logs, named by their services' full names as the
// gRPC sources are (so checkpoints carry over between the two).

#include "services/feedback/feedback_module.h"
#include "services/handoff/handoff_module.h"
#include "services/rating/rating_module.h"

namespace baton::rating {

// `handoff` / `feedback` must be listed before the rating module (open when
// it opens: FAILED_PRECONDITION otherwise) and outlive its consumers.
SourceFactory LocalHandoffSource(const handoff::HandoffModule* handoff);
SourceFactory LocalFeedbackSource(const feedback::FeedbackModule* feedback);

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_LOCAL_SOURCES_H_
