#ifndef BATON_TESTS_INTEGRATION_TEST_SERVER_H_
#define BATON_TESTS_INTEGRATION_TEST_SERVER_H_

// An in-process Baton server for integration tests: the real store on a
// real RocksDB in a temporary directory, the real gRPC server on an
// ephemeral loopback port with HS256 token verification, and a client
// channel to it. Restart() closes everything but the directory and opens it
// again, for durability tests.

#include <memory>
#include <string>

#include "baton/handoff/v1/handoff_service.grpc.pb.h"
#include "common/auth/principal.h"
#include "common/server/identity.h"
#include "common/server/server_host.h"
#include "common/storage/commit_queue.h"
#include "common/storage/store.h"
#include "common/testing/temp_dir.h"
#include "grpcpp/grpcpp.h"
#include "services/handoff/handoff_service.h"
#include "services/handoff/handoff_store.h"

namespace baton::testing {

inline constexpr char kTestKey[] = "integration-test-secret-0123456789abcdef";

class TestServer {
 public:
  TestServer();
  ~TestServer();

  void Start();
  void Stop();
  void Restart() {
    Stop();
    Start();
  }

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  handoff::v1::HandoffService::Stub& stub() const { return *stub_; }
  handoff::HandoffStore& store() const { return *handoff_store_; }
  int port() const { return host_->port(); }

 private:
  TempDir dir_;
  std::unique_ptr<server::CallIdentity> identity_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::CommitQueue> queue_;
  std::unique_ptr<handoff::HandoffStore> handoff_store_;
  std::unique_ptr<handoff::HandoffServiceImpl> service_;
  std::unique_ptr<server::ServerHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<handoff::v1::HandoffService::Stub> stub_;
};

// A token signed with `key` for the given claims, valid for an hour.
std::string Token(const std::string& subject, const std::string& team,
                  const std::string& department, std::vector<auth::Role> roles,
                  const std::string& key = kTestKey);

// A client context carrying `token` (none when empty) and, when set, the
// team a service acts for.
std::unique_ptr<grpc::ClientContext> Context(const std::string& token,
                                             const std::string& act_as_team = "");

}  // namespace baton::testing

#endif  // BATON_TESTS_INTEGRATION_TEST_SERVER_H_
