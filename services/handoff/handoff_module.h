#ifndef BATON_SERVICES_HANDOFF_HANDOFF_MODULE_H_
#define BATON_SERVICES_HANDOFF_HANDOFF_MODULE_H_

// The handoff service as a module (common/server/service_module.h): its
// column families, HandoffStore, gRPC adapter and overdue timer.

#include <memory>

#include "common/server/service_module.h"
#include "services/handoff/handoff_service.h"
#include "services/handoff/handoff_store.h"
#include "services/handoff/overdue_timer.h"

namespace baton::handoff {

struct HandoffModuleOptions {
  // Whether to run the overdue timer. Default: true. Tests that drive
  // MarkOverdue themselves with a fake clock turn it off.
  bool overdue_timer = true;
};

class HandoffModule final : public server::ServiceModule {
 public:
  explicit HandoffModule(HandoffModuleOptions options = {}) : options_(options) {}
  ~HandoffModule() override;

  absl::string_view name() const override { return "handoff"; }
  std::vector<std::string> ColumnFamilies() const override;
  absl::Status Open(const server::ModuleContext& context) override;
  std::vector<server::HostedService> Services() override;
  void Start() override;
  void BeginShutdown() override;
  void Stop() override;

  // The domain, after Open (e.g. for seeding demo data). Owned here.
  HandoffStore* store() const { return store_.get(); }

 private:
  const HandoffModuleOptions options_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<HandoffStore> store_;
  std::unique_ptr<HandoffServiceImpl> service_;
  std::unique_ptr<OverdueTimer> overdue_timer_;
};

}  // namespace baton::handoff

#endif  // BATON_SERVICES_HANDOFF_HANDOFF_MODULE_H_
