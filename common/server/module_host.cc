#include "common/server/module_host.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace baton::server {

absl::StatusOr<std::unique_ptr<ModuleHost>> ModuleHost::Open(
    ModuleHostOptions options, std::unique_ptr<auth::Authenticator> authenticator,
    std::vector<std::unique_ptr<ServiceModule>> modules) {
  auto host = std::unique_ptr<ModuleHost>(new ModuleHost());
  host->identity_ = std::make_unique<CallIdentity>(std::move(authenticator));

  storage::StoreOptions store_options = std::move(options.store);
  for (const auto& module : modules) {
    for (std::string& cf : module->ColumnFamilies()) {
      store_options.column_families.push_back(std::move(cf));
    }
    for (auto& [cf, op] : module->MergeOperators()) store_options.merge_operators[cf] = op;
  }
  const std::string path = store_options.path;
  auto store = storage::Store::Open(std::move(store_options));
  if (!store.ok()) return store.status();
  host->store_ = *std::move(store);
  log::Info("store open", {{"data_dir", path}});
  ModuleHost* raw_host = host.get();
  options.queue.on_health = [raw_host](bool serving) { raw_host->OnStorageHealth(serving); };
  host->queue_ =
      std::make_unique<storage::CommitQueue>(host->store_.get(), options.clock, options.queue);

  host->server_ = std::make_unique<ServerHost>(options.server, host->identity_.get());
  for (auto& module : modules) {
    const size_t index = host->modules_.size();
    const bool ready = module->ReadyAtStart();
    {
      absl::MutexLock lock(&host->health_mu_);
      host->ready_.push_back(ready);
    }
    const ModuleContext context{
        .store = host->store_.get(),
        .queue = host->queue_.get(),
        .clock = options.clock,
        .identity = host->identity_.get(),
        .set_ready = [raw_host, index](bool ready) { raw_host->OnModuleReady(index, ready); }};
    if (absl::Status s = module->Open(context); !s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat("opening the ", module->name(), " service: ", s.message()));
    }
    std::vector<std::string>& names = host->health_names_.emplace_back();
    for (HostedService& hosted : module->Services()) {
      names.push_back(hosted.health_name);
      host->server_->AddService(hosted.service, std::move(hosted.health_name), ready);
    }
    ServiceModule* raw = module.get();
    host->server_->OnShutdown([raw] { raw->BeginShutdown(); });
    host->modules_.push_back(std::move(module));
  }
  return host;
}

ModuleHost::~ModuleHost() {
  Shutdown();
  // Modules go first (newest first), while the queue and store they point
  // at are still there; the queue runs what it holds before the store closes.
  while (!modules_.empty()) modules_.pop_back();
  queue_.reset();
  store_.reset();
}

absl::Status ModuleHost::Start() {
  {
    absl::MutexLock lock(&health_mu_);
    if (absl::Status s = server_->Start(); !s.ok()) return s;
    started_ = true;
    ApplyHealthLocked();
  }
  for (auto& module : modules_) module->Start();
  return absl::OkStatus();
}

void ModuleHost::OnStorageHealth(bool serving) {
  absl::MutexLock lock(&health_mu_);
  storage_serving_ = serving;
  log::Warn(serving ? "storage recovered: serving" : "storage refuses writes: NOT_SERVING");
  ApplyHealthLocked();
}

void ModuleHost::OnModuleReady(size_t index, bool ready) {
  absl::MutexLock lock(&health_mu_);
  if (index >= modules_.size() || ready_[index] == ready) return;
  ready_[index] = ready;
  log::Info(ready ? "service ready: serving" : "service not ready: NOT_SERVING",
            {{"service", std::string(modules_[index]->name())}});
  ApplyHealthLocked();
}

void ModuleHost::ApplyHealthLocked() {
  // Once shutting down, health stays NOT_SERVING whatever the disk does.
  if (!started_ || shut_down_) return;
  for (size_t i = 0; i < health_names_.size(); ++i) {
    for (const std::string& name : health_names_[i]) {
      server_->SetServing(name, storage_serving_ && ready_[i]);
    }
  }
  server_->SetServing("", storage_serving_);
}

void ModuleHost::Shutdown() {
  bool started = false;
  {
    absl::MutexLock lock(&health_mu_);
    if (shut_down_) return;
    shut_down_ = true;
    started = started_;
  }
  if (started) server_->Shutdown();  // lame duck, BeginShutdown hooks, drain
  for (auto it = modules_.rbegin(); it != modules_.rend(); ++it) (*it)->Stop();
  if (queue_ != nullptr) queue_->Stop();
}

}  // namespace baton::server
