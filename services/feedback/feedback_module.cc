#include "services/feedback/feedback_module.h"

#include <utility>

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

void FeedbackModule::Start() {
  if (!options_.escalation_timer) return;
  FeedbackStore* store = store_.get();
  escalation_timer_ = std::make_unique<DueTimer>(
      "escalated feedback threads", [store] { return store->NextEscalation(); },
      [store](size_t limit, int* marked, absl::AnyInvocable<void(absl::Status)> done) {
        store->MarkEscalated(limit, marked, std::move(done));
      },
      clock_, options_.escalation_timer_options);
  escalation_timer_->Start();
}

void FeedbackModule::BeginShutdown() { store_->event_log()->Close(); }

void FeedbackModule::Stop() {
  if (escalation_timer_ != nullptr) escalation_timer_->Stop();
}

}  // namespace baton::feedback
