#ifndef BATON_CMD_SERVER_MAIN_SERVER_MAIN_H_
#define BATON_CMD_SERVER_MAIN_SERVER_MAIN_H_

// What every Baton server binary's main() does: parse flags (with --help),
// open the RocksDB store, host the services on one port with health,
// reflection and auth, and on SIGTERM drain and exit 0. Only main.cc files
// link this; it is the one place that reads flags.

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "services/handoff/handoff_store.h"

namespace baton::cmd {

struct MainDefaults {
  std::string usage;     // one paragraph for --help
  std::string listen;    // e.g. "127.0.0.1:7400"
  std::string data_dir;  // e.g. "./data/batond"
};

// Runs after the services are open and before serving: e.g. seeding demo
// data. An error stops the start-up.
using StartupHook = std::function<absl::Status(handoff::HandoffStore& store)>;

// Returns the process exit code.
int RunServerMain(int argc, char** argv, const MainDefaults& defaults,
                  const StartupHook& hook = nullptr);

}  // namespace baton::cmd

#endif  // BATON_CMD_SERVER_MAIN_SERVER_MAIN_H_
