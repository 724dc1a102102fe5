#ifndef BATON_COMMON_SERVER_SERVICE_MODULE_H_
#define BATON_COMMON_SERVER_SERVICE_MODULE_H_

// One Baton service as something a process can host. `batond` hosts every
// module on one store, one commit queue and one gRPC port; `baton-handoff`
// and its siblings host one each; the integration tests host them the same
// way (ModuleHost), so no process wires a service by hand.
//
// Lifecycle, driven by ModuleHost in this order:
//   ColumnFamilies()/MergeOperators()  before the shared store opens
//   Open(context)                      the store and queue are open; build the
//                                      domain, its event log and gRPC adapter
//   Services()                         registered before serving starts
//   Start()                            after the port is serving: timers,
//                                      consumers
//   (context.set_ready(true))          a module that is not ReadyAtStart():
//                                      once it can answer (any thread)
//   BeginShutdown()                    after the lame-duck period, before calls
//                                      drain: end streams (close event logs)
//   Stop()                             after calls drained, before the commit
//                                      queue stops: join background threads
// Destruction follows, in reverse order of the modules' list, before the
// queue and the store are destroyed.
// A module is used from the hosting thread only; what it starts is its own.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/server/identity.h"
#include "common/storage/commit_queue.h"
#include "common/storage/store.h"
#include "common/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "rocksdb/merge_operator.h"

namespace baton::server {

// What a module opens on. Every pointer outlives the module.
struct ModuleContext {
  storage::Store* store = nullptr;
  storage::CommitQueue* queue = nullptr;
  const Clock* clock = nullptr;
  CallIdentity* identity = nullptr;
  // Sets whether this module's services are ready: their health is
  // SERVING only while ready (and while the storage accepts writes and the
  // process is not shutting down). A module that is not ReadyAtStart()
  // calls it with true once it can answer, e.g. the rating service once its
  // consumers caught up. Any thread, from Start() until the module is
  // destroyed.
  std::function<void(bool ready)> set_ready;
};

// A gRPC service to host and the name its health status is kept under
// (its full name, e.g. "baton.handoff.v1.HandoffService").
struct HostedService {
  grpc::Service* service = nullptr;
  std::string health_name;
};

class ServiceModule {
 public:
  virtual ~ServiceModule() = default;

  // Short name for logs: "handoff".
  virtual absl::string_view name() const = 0;
  // The column families the module keeps in the shared store; each is
  // prefixed with the module's name ("handoff.items"), so modules never
  // collide.
  virtual std::vector<std::string> ColumnFamilies() const = 0;
  // Merge operators by column family name. Default: none.
  virtual std::map<std::string, std::shared_ptr<rocksdb::MergeOperator>> MergeOperators() const {
    return {};
  }

  // Opens the module's domain on the shared store. An error stops the
  // process's start-up with it.
  virtual absl::Status Open(const ModuleContext& context) = 0;
  // The services to serve; after Open. Owned by the module.
  virtual std::vector<HostedService> Services() = 0;

  // Whether the module's services are ready as soon as they are served.
  // False: their health stays NOT_SERVING (calls are still answered) until
  // the module calls ModuleContext::set_ready(true). Default: true.
  virtual bool ReadyAtStart() const { return true; }

  virtual void Start() {}
  virtual void BeginShutdown() {}
  virtual void Stop() {}
};

}  // namespace baton::server

#endif  // BATON_COMMON_SERVER_SERVICE_MODULE_H_
