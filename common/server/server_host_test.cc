// ServerHost over a real socket: the receive limit, TLS, and the listen
// policy, with the dummy raw unary service of test_service.h.

#include "common/server/server_host.h"

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "baton/handoff/v1/handoff_service.pb.h"
#include "common/server/test_service.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace baton::server {
namespace {

using ::baton::handoff::v1::CreateChainRequest;
using ::baton::testing::StatusIs;
using ::testing::HasSubstr;
using testing::TestHost;
using testing::TestToken;

std::string RequestOfAbout(size_t bytes) {
  CreateChainRequest request;
  request.set_chain_id("big");
  request.mutable_chain()->set_display_name(std::string(bytes, 'a'));
  return request.SerializeAsString();
}

TEST(ServerHostTest, DefaultReceiveLimitIsFourMebibytes) {
  EXPECT_EQ(ServerHostOptions().max_receive_message_bytes, 4 * 1024 * 1024);
  TestHost host;
  ASSERT_OK(host.Start());
  const std::string token = TestToken();
  EXPECT_TRUE(host.Call(RequestOfAbout(3 << 20), token).ok());
  const grpc::Status refused = host.Call(RequestOfAbout(5 << 20), token);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  EXPECT_EQ(host.service().handled(), 1);
}

TEST(ServerHostTest, OversizedRequestIsRefusedByGrpcBeforeTheHandler) {
  TestHost host({.max_receive_message_bytes = 64 * 1024});
  ASSERT_OK(host.Start());
  const std::string token = TestToken();
  std::string response;
  ASSERT_TRUE(host.Call(RequestOfAbout(32 * 1024), token, &response).ok());
  const grpc::Status refused = host.Call(RequestOfAbout(100 * 1024), token);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  // Without a token as well: the size is checked first.
  EXPECT_EQ(host.Call(RequestOfAbout(100 * 1024), "").error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(host.service().handled(), 1);
}

TEST(ServerHostTest, NonPositiveReceiveLimitIsRefused) {
  TestHost host({.max_receive_message_bytes = 0});
  EXPECT_THAT(host.Start(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_receive_message_bytes")));
}

TEST(ServerHostTest, PlaintextOnTheNetworkNeedsTheFlag) {
  TestHost refused({.address = "0.0.0.0:0"});
  EXPECT_THAT(refused.Start(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                        HasSubstr("--allow_plaintext_tokens_on_network")));
  TestHost allowed({.address = "0.0.0.0:0", .allow_plaintext_tokens_on_network = true});
  ASSERT_OK(allowed.Start());
  EXPECT_TRUE(allowed.Call(RequestOfAbout(10), TestToken()).ok());
}

TEST(ServerHostTest, ClientCaWithoutCertificateIsAStartupError) {
  baton::testing::TempDir dir;
  const std::string ca = dir.Sub("ca.pem");
  std::ofstream(ca) << testing::MakeSelfSignedCertificate().cert_pem;
  TestHost host({.tls = {.client_ca_file = ca}});
  EXPECT_THAT(host.Start(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls_client_ca_file")));
}

TEST(ServerHostTest, ServesTlsAndRefusesPlaintextClients) {
  baton::testing::TempDir dir;
  const testing::TestCertificate cert = testing::MakeSelfSignedCertificate();
  std::ofstream(dir.Sub("cert.pem")) << cert.cert_pem;
  std::ofstream(dir.Sub("key.pem")) << cert.key_pem;
  // TLS on a non-loopback address needs no flag.
  TestHost host({.address = "0.0.0.0:0",
                 .tls = {.cert_file = dir.Sub("cert.pem"), .key_file = dir.Sub("key.pem")}});
  ASSERT_OK(host.Start());

  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = cert.cert_pem;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  auto tls_channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", host.port()),
                                               grpc::SslCredentials(ssl), args);
  std::string response;
  const grpc::Status over_tls = host.Call(RequestOfAbout(10), TestToken(), &response, tls_channel);
  ASSERT_TRUE(over_tls.ok()) << over_tls.error_message();
  EXPECT_THAT(response, HasSubstr("chains/big"));

  const grpc::Status plaintext = host.Call(RequestOfAbout(10), TestToken());
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE) << plaintext.error_message();
  EXPECT_EQ(host.service().handled(), 1);
}

}  // namespace
}  // namespace baton::server
