#ifndef BATON_COMMON_SERVER_TEST_SERVICE_H_
#define BATON_COMMON_SERVER_TEST_SERVICE_H_

// Test-only: a real gRPC server (ServerHost on 127.0.0.1:0, HS256 tokens)
// serving one dummy raw unary method through ServeRawUnary, and what a test
// needs to call it with arbitrary bytes, with or without a token, over
// plaintext or TLS.

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "baton/handoff/v1/handoff_service.grpc.pb.h"
#include "common/server/identity.h"
#include "common/server/server_host.h"
#include "grpcpp/grpcpp.h"

namespace baton::server::testing {

// At least 32 bytes, as HS256 keys must be.
inline constexpr char kTestKey[] = "server-test-secret-0123456789abcdef0123";
inline constexpr char kCreateChainMethod[] = "/baton.handoff.v1.HandoffService/CreateChain";

// HandoffService with only CreateChain, served by ServeRawUnary: it answers
// with a Chain named "chains/<chain_id>" carrying the caller's subject as its
// display name. Other methods are UNIMPLEMENTED.
class EchoChainService final
    : public handoff::v1::HandoffService::WithRawCallbackMethod_CreateChain<
          handoff::v1::HandoffService::CallbackService> {
 public:
  explicit EchoChainService(const CallIdentity* identity) : identity_(identity) {}

  grpc::ServerUnaryReactor* CreateChain(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* in, grpc::ByteBuffer* out) override;

  // How many requests reached the handler (authenticated and parsed).
  int handled() const { return handled_.load(); }

 private:
  const CallIdentity* identity_;
  std::atomic<int> handled_{0};
};

// An HS256 token for `subject` signed with `key`, valid for an hour.
std::string TestToken(const std::string& subject = "alice", const std::string& key = kTestKey);

// A self-signed certificate for "localhost" and 127.0.0.1 (EC P-256) and
// its private key, in PEM.
struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
};
TestCertificate MakeSelfSignedCertificate(const std::string& common_name = "localhost");

// EchoChainService on a ServerHost with HS256 verification of kTestKey.
// `options.address` defaults to 127.0.0.1:0.
class TestHost {
 public:
  explicit TestHost(ServerHostOptions options = {});
  ~TestHost();

  // ServerHost::Start().
  absl::Status Start();
  int port() const { return host_->port(); }
  const EchoChainService& service() const { return *service_; }

  // Calls CreateChain with `request` as the raw message bytes and
  // `token` (none when empty) over `channel`, or a plaintext channel to the
  // host when null; waits for the answer.
  grpc::Status Call(const std::string& request, const std::string& token,
                    std::string* response = nullptr,
                    std::shared_ptr<grpc::Channel> channel = nullptr);

 private:
  std::unique_ptr<CallIdentity> identity_;
  std::unique_ptr<EchoChainService> service_;
  std::unique_ptr<ServerHost> host_;
};

}  // namespace baton::server::testing

#endif  // BATON_COMMON_SERVER_TEST_SERVICE_H_
