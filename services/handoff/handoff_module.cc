#include "services/handoff/handoff_module.h"

#include "common/status/status_macros.h"
#include "services/handoff/keys.h"

namespace baton::handoff {

HandoffModule::~HandoffModule() { Stop(); }

std::vector<std::string> HandoffModule::ColumnFamilies() const { return keys::ColumnFamilies(); }

absl::Status HandoffModule::Open(const server::ModuleContext& context) {
  clock_ = context.clock;
  ASSIGN_OR_RETURN(store_, HandoffStore::Open(context.store, context.queue, context.clock));
  service_ = std::make_unique<HandoffServiceImpl>(store_.get(), context.identity);
  return absl::OkStatus();
}

std::vector<server::HostedService> HandoffModule::Services() {
  return {{service_.get(), HandoffServiceImpl::kServiceName}};
}

void HandoffModule::Start() {
  if (!options_.overdue_timer) return;
  overdue_timer_ = std::make_unique<OverdueTimer>(store_.get(), clock_);
  overdue_timer_->Start();
}

void HandoffModule::BeginShutdown() { store_->event_log()->Close(); }

void HandoffModule::Stop() {
  if (overdue_timer_ != nullptr) overdue_timer_->Stop();
}

}  // namespace baton::handoff
