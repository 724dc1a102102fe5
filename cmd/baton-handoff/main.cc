// baton-handoff: the handoff service on its own, with its own RocksDB.
#include "cmd/server_main/server_main.h"
#include "services/handoff/handoff_module.h"

int main(int argc, char** argv) {
  baton::cmd::ParseServerFlags(
      argc, argv,
      {.usage = "baton-handoff: departments, teams, chains, work items and handoffs over gRPC "
                "(baton.handoff.v1.HandoffService).\nUsage: baton-handoff --jwt_key_file=KEY "
                "[--listen=0.0.0.0:7401] [--data_dir=DIR]",
       .listen = "127.0.0.1:7401",
       .data_dir = "./data/handoff"});
  std::vector<std::unique_ptr<baton::server::ServiceModule>> modules;
  modules.push_back(std::make_unique<baton::handoff::HandoffModule>());
  return baton::cmd::RunServer(std::move(modules));
}
