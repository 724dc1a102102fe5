#ifndef BATON_TESTS_INTEGRATION_TEST_SERVER_H_
#define BATON_TESTS_INTEGRATION_TEST_SERVER_H_

// An in-process Baton server for integration tests: the production wiring
// of batond (server::ModuleHost hosting the handoff, feedback and rating
// modules, feedback reading handoff's facts and rating both event logs
// in-process) on a real RocksDB in a
// temporary directory, on an ephemeral loopback port with HS256 token
// verification, and a client channel to it. Restart() closes everything but
// the directory and opens it again, for durability tests.

#include <memory>
#include <string>

#include "baton/feedback/v1/feedback_service.grpc.pb.h"
#include "baton/handoff/v1/handoff_service.grpc.pb.h"
#include "baton/rating/v1/rating_service.grpc.pb.h"
#include "common/auth/principal.h"
#include "common/server/module_host.h"
#include "common/testing/temp_dir.h"
#include "grpcpp/grpcpp.h"
#include "services/feedback/feedback_module.h"
#include "services/handoff/handoff_module.h"
#include "services/handoff/handoff_store.h"
#include "services/rating/rating_module.h"

namespace baton::testing {

inline constexpr char kTestKey[] = "integration-test-secret-0123456789abcdef";

struct TestServerOptions {
  // The file system RocksDB uses (e.g. a fault-injecting one). Default: the
  // real one.
  std::shared_ptr<rocksdb::Env> env;
  storage::CommitQueueOptions queue;
  // The feedback service's rules.
  feedback::FeedbackOptions feedback;
  // The clock of the commit queue and the services (commit times, windows,
  // SLAs); tokens are checked against the real clock. Not owned.
  const Clock* clock = Clock::Real();
  // Whether the overdue and escalation timers run (with `clock`). Default:
  // off; tests then drive MarkOverdue and MarkEscalated themselves.
  bool timers = false;
};

class TestServer {
 public:
  explicit TestServer(TestServerOptions options = {});
  ~TestServer();

  void Start();
  void Stop();
  void Restart() {
    Stop();
    Start();
  }

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  handoff::v1::HandoffService::Stub& stub() const { return *stub_; }
  handoff::HandoffStore& store() const { return *handoff_->store(); }
  feedback::v1::FeedbackService::Stub& feedback_stub() const { return *feedback_stub_; }
  feedback::FeedbackStore& feedback_store() const { return *feedback_->store(); }
  rating::v1::RatingService::Stub& rating_stub() const { return *rating_stub_; }
  rating::RatingModule& rating() const { return *rating_; }
  server::ModuleHost& host() const { return *host_; }
  int port() const { return host_->port(); }

 private:
  const TestServerOptions options_;
  TempDir dir_;
  handoff::HandoffModule* handoff_ = nullptr;     // owned by host_
  feedback::FeedbackModule* feedback_ = nullptr;  // owned by host_
  rating::RatingModule* rating_ = nullptr;        // owned by host_
  std::unique_ptr<server::ModuleHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<handoff::v1::HandoffService::Stub> stub_;
  std::unique_ptr<feedback::v1::FeedbackService::Stub> feedback_stub_;
  std::unique_ptr<rating::v1::RatingService::Stub> rating_stub_;
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
