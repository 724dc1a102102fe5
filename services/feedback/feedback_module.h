#ifndef BATON_SERVICES_FEEDBACK_FEEDBACK_MODULE_H_
#define BATON_SERVICES_FEEDBACK_FEEDBACK_MODULE_H_

// The feedback service as a module (common/server/service_module.h): its
// column families, FeedbackStore over the handoff facts it is given, gRPC
// adapter and escalation timer.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/server/service_module.h"
#include "common/time/due_timer.h"
#include "services/feedback/feedback_service.h"
#include "services/feedback/feedback_store.h"
#include "services/feedback/handoff_facts.h"

namespace baton::feedback {

struct FeedbackModuleOptions {
  // The service's rules.
  FeedbackOptions feedback;
  // Makes the handoff facts at Open, after the modules listed before this
  // one opened: batond passes LocalHandoffFacts over its handoff module,
  // baton-feedback a RemoteHandoffFacts. Required.
  std::function<absl::StatusOr<std::unique_ptr<HandoffFacts>>()> facts;
  // Whether to run the escalation timer. Default: true. Tests that drive
  // MarkEscalated themselves with a fake clock turn it off.
  bool escalation_timer = true;
  // How the escalation timer looks and retries.
  DueTimerOptions escalation_timer_options;
};

class FeedbackModule final : public server::ServiceModule {
 public:
  explicit FeedbackModule(FeedbackModuleOptions options) : options_(std::move(options)) {}
  ~FeedbackModule() override;

  absl::string_view name() const override { return "feedback"; }
  std::vector<std::string> ColumnFamilies() const override;
  absl::Status Open(const server::ModuleContext& context) override;
  std::vector<server::HostedService> Services() override;
  void Start() override;
  void BeginShutdown() override;
  void Stop() override;

  // The domain, after Open. Owned here.
  FeedbackStore* store() const { return store_.get(); }

 private:
  const FeedbackModuleOptions options_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<HandoffFacts> facts_;
  std::unique_ptr<FeedbackStore> store_;
  std::unique_ptr<FeedbackServiceImpl> service_;
  std::unique_ptr<DueTimer> escalation_timer_;
};

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_FEEDBACK_MODULE_H_
