#ifndef BATON_COMMON_SERVER_MODULE_HOST_H_
#define BATON_COMMON_SERVER_MODULE_HOST_H_

// Hosts service modules (service_module.h) in one process: one RocksDB store
// holding every module's column families, one commit queue on it, and one
// gRPC server (ServerHost: auth, health, reflection, TLS) serving every
// module's services. The one place that wires a process together: the
// server binaries and the integration tests' server all use it.
//
// Thread-compatible: call Open, Start and Shutdown from one thread.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/authenticator.h"
#include "common/server/identity.h"
#include "common/server/server_host.h"
#include "common/server/service_module.h"
#include "common/storage/commit_queue.h"
#include "common/storage/store.h"
#include "common/time/clock.h"

namespace baton::server {

struct ModuleHostOptions {
  // The database. `path` is required; column_families and merge_operators
  // are filled from the modules (anything given here is kept too).
  storage::StoreOptions store;
  storage::CommitQueueOptions queue;
  // Address, TLS, message limits, lame duck and drain.
  ServerHostOptions server;
  // Not owned; must outlive the host. Default: the real clock.
  const Clock* clock = Clock::Real();
};

class ModuleHost {
 public:
  // Opens the store and the commit queue, then each module in list order.
  // Errors: the store's (e.g. the directory cannot be opened) or the first
  // module's that fails, prefixed with its name. Nothing is served yet.
  static absl::StatusOr<std::unique_ptr<ModuleHost>> Open(
      ModuleHostOptions options, std::unique_ptr<auth::Authenticator> authenticator,
      std::vector<std::unique_ptr<ServiceModule>> modules);

  // Shuts down (if serving) and closes everything, store last.
  ~ModuleHost();

  ModuleHost(const ModuleHost&) = delete;
  ModuleHost& operator=(const ModuleHost&) = delete;

  // Starts serving every module's services, then starts the modules'
  // background tasks. Errors: as ServerHost::Start.
  absl::Status Start();
  // The bound port, after Start().
  int port() const { return server_->port(); }

  // The storage's health (CommitQueueOptions::on_health): a disk that
  // refuses writes turns every service NOT_SERVING until it recovers, so
  // balancers and probes stop sending writes that would fail.
  void OnStorageHealth(bool serving);
  // Module `index`'s readiness (ModuleContext::set_ready): its services are
  // SERVING only while it is ready and the storage serves.
  void OnModuleReady(size_t index, bool ready);

  // Health NOT_SERVING, the lame-duck period (calls still served), streams
  // ended (BeginShutdown), calls drained, background tasks stopped
  // (Stop), then the commit queue runs what it holds and refuses more.
  // Idempotent.
  void Shutdown();

  storage::Store* store() const { return store_.get(); }
  storage::CommitQueue* queue() const { return queue_.get(); }
  CallIdentity* identity() const { return identity_.get(); }

 private:
  ModuleHost() = default;
  // Sets every service's health from the storage's and its module's.
  void ApplyHealthLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(health_mu_);

  // Declared in construction order; destroyed in reverse.
  std::unique_ptr<CallIdentity> identity_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::CommitQueue> queue_;
  std::vector<std::unique_ptr<ServiceModule>> modules_;
  std::unique_ptr<ServerHost> server_;
  absl::Mutex health_mu_;
  bool started_ ABSL_GUARDED_BY(health_mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(health_mu_) = false;
  bool storage_serving_ ABSL_GUARDED_BY(health_mu_) = true;
  // Per module (list order): its services' health names and readiness.
  std::vector<std::vector<std::string>> health_names_;
  std::vector<bool> ready_ ABSL_GUARDED_BY(health_mu_);
};

}  // namespace baton::server

#endif  // BATON_COMMON_SERVER_MODULE_HOST_H_
