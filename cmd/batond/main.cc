// batond: every Baton service in one process, on one port, with one RocksDB
// (a column family per service). The embedded default a new user starts.
#include "absl/flags/flag.h"
#include "cmd/batond/demo_seed.h"
#include "cmd/server_main/server_main.h"

ABSL_FLAG(bool, seed_demo, false,
          "create the demo clinic organisation and its new-patient chain at start-up");

int main(int argc, char** argv) {
  return baton::cmd::RunServerMain(
      argc, argv,
      {.usage = "batond: all Baton services in one process (handoff for now).\n"
                "Usage: batond --jwt_key_file=KEY [--listen=0.0.0.0:7400] [--data_dir=DIR]\n"
                "       batond --insecure_dev_mode --seed_demo   (local try-out)",
       .listen = "127.0.0.1:7400",
       .data_dir = "./data/batond"},
      [](baton::handoff::HandoffStore& store) {
        return absl::GetFlag(FLAGS_seed_demo) ? baton::cmd::SeedDemo(store) : absl::OkStatus();
      });
}
