#include "services/rating/local_sources.h"

#include "absl/strings/str_cat.h"
#include "common/events/local_event_source.h"
#include "services/feedback/feedback_service.h"
#include "services/handoff/handoff_service.h"

namespace baton::rating {
namespace {

// A source over `module`'s store's event log, named `service`.
template <typename Module>
SourceFactory LocalSource(const Module* module, const char* service, const char* what) {
  return [module, service, what]() -> absl::StatusOr<std::unique_ptr<events::EventSource>> {
    if (module->store() == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("the ", what, " module must open before rating"));
    }
    return std::make_unique<events::LocalEventSource>(service, module->store()->event_log());
  };
}

}  // namespace

SourceFactory LocalHandoffSource(const handoff::HandoffModule* handoff) {
  return LocalSource(handoff, handoff::HandoffServiceImpl::kServiceName, "handoff");
}

SourceFactory LocalFeedbackSource(const feedback::FeedbackModule* feedback) {
  return LocalSource(feedback, feedback::FeedbackServiceImpl::kServiceName, "feedback");
}

}  // namespace baton::rating
