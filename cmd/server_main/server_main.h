#ifndef BATON_CMD_SERVER_MAIN_SERVER_MAIN_H_
#define BATON_CMD_SERVER_MAIN_SERVER_MAIN_H_

// What every Baton server binary's main() does: parse the shared flags
// (with --help), open the store, host the binary's service modules on one
// port with health, reflection and auth (server::ModuleHost), and on
// SIGTERM go NOT_SERVING, serve a lame-duck period, drain and exit 0.
// Only main.cc files link this; it is the one place that reads flags.
//
//   int main(int argc, char** argv) {
//     baton::cmd::ParseServerFlags(argc, argv, {...});
//     std::vector<std::unique_ptr<baton::server::ServiceModule>> modules;
//     modules.push_back(std::make_unique<baton::handoff::HandoffModule>());
//     return baton::cmd::RunServer(std::move(modules));
//   }

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/server/service_module.h"

namespace baton::cmd {

struct MainDefaults {
  std::string usage;     // one paragraph for --help
  std::string listen;    // e.g. "127.0.0.1:7400"
  std::string data_dir;  // e.g. "./data/batond"
};

// Parses the command line (exits on --help or an unknown flag). Call first.
void ParseServerFlags(int argc, char** argv, const MainDefaults& defaults);

// The path of --jwt_key_file when it holds an HS256 secret (--jwt_algorithm
// HS256), else "": a binary that calls another Baton service may sign its
// own service token with the key its peers verify with. After
// ParseServerFlags.
std::string Hs256KeyFile();

// --allow_plaintext_tokens_on_network: the operator says a service mesh or
// proxy encrypts this server's traffic, so bearer tokens may cross the
// network in plaintext, both into this server and in the calls it makes to
// its peers (cmd/upstream). After ParseServerFlags.
bool AllowPlaintextTokensOnNetwork();

// Runs after the modules are open and before serving: e.g. seeding demo
// data. An error stops the start-up.
using StartupHook = std::function<absl::Status()>;

// Hosts `modules` until SIGTERM or SIGINT. Returns the process exit code:
// 0 after an orderly shutdown, 1 when start-up failed (the reason is logged
// and printed).
int RunServer(std::vector<std::unique_ptr<server::ServiceModule>> modules,
              const StartupHook& hook = nullptr);

}  // namespace baton::cmd

#endif  // BATON_CMD_SERVER_MAIN_SERVER_MAIN_H_
