#include "services/feedback/feedback_module.h"

#include "common/status/status_macros.h"
#include "services/feedback/keys.h"

namespace baton::feedback {

FeedbackModule::~FeedbackModule() { Stop(); }

std::vector<std::string> FeedbackModule::ColumnFamilies() const { return keys::ColumnFamilies(); }

absl::Status FeedbackModule::Open(const server::ModuleContext& context) {
  if (!options_.facts) {
    return absl::FailedPreconditionError("the feedback module needs a source of handoff facts");
  }
  clock_ = context.clock;
  ASSIGN_OR_RETURN(facts_, options_.facts());
  ASSIGN_OR_RETURN(store_, FeedbackStore::Open(context.store, context.queue, context.clock,
                                               facts_.get(), options_.feedback));
  service_ = std::make_unique<FeedbackServiceImpl>(store_.get(), context.identity);
  return absl::OkStatus();
}

std::vector<server::HostedService> FeedbackModule::Services() {
  return {{service_.get(), FeedbackServiceImpl::kServiceName}};
}

void FeedbackModule::Start() {}

void FeedbackModule::BeginShutdown() { store_->event_log()->Close(); }

void FeedbackModule::Stop() {}

}  // namespace baton::feedback
