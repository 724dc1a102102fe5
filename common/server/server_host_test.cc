// ServerHost over a real socket: the receive limit, the transport bounds
// (stream cap, keepalive), TLS, and the listen policy, with the dummy raw unary service of
// test_service.h.

#include "common/server/server_host.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
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
using ::testing::AllOf;
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
  // The message names the flag a batond user gave as well as the option.
  EXPECT_THAT(host.Start(), StatusIs(absl::StatusCode::kInvalidArgument,
                                     AllOf(HasSubstr("--max_request_bytes"),
                                           HasSubstr("max_receive_message_bytes"))));
}

TEST(ServerHostTest, TransportBoundsOutOfRangeAreRefused) {
  TestHost no_streams({.max_streams_per_connection = 0});
  EXPECT_THAT(no_streams.Start(), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("--max_streams_per_connection")));
  TestHost no_keepalive({.keepalive_time = absl::ZeroDuration()});
  EXPECT_THAT(no_keepalive.Start(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--keepalive_seconds")));
  TestHost no_ping_interval({.min_client_ping_interval = absl::ZeroDuration()});
  EXPECT_THAT(no_ping_interval.Start(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("min_client_ping_interval")));
}

// A peer that completes the HTTP/2 preface and then goes silent (a stopped
// process, a vanished host): the server's keepalive ping goes unanswered and
// it closes the connection. Without server keepalive (gRPC's default: the
// first ping after 2 h) the socket stays open and this fails at its 10 s
// bound (checked by removing the keepalive arguments from Start()).
TEST(ServerHostTest, SilentPeerIsDisconnectedByKeepalive) {
  TestHost host(
      {.keepalive_time = absl::Milliseconds(200), .keepalive_timeout = absl::Milliseconds(300)});
  ASSERT_OK(host.Start());
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(host.port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  // The client connection preface and an empty SETTINGS frame; nothing after.
  const std::string preface =
      std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + std::string("\0\0\0\x04\0\0\0\0\0", 9);
  ASSERT_EQ(write(fd, preface.data(), preface.size()), static_cast<ssize_t>(preface.size()));

  // Read the server's frames until it closes the connection, at most 10 s.
  const absl::Time start = absl::Now();
  const absl::Time give_up = start + absl::Seconds(10);
  std::string pending;
  bool pinged = false;
  bool closed = false;
  while (!closed && absl::Now() < give_up) {
    pollfd poll_fd{.fd = fd, .events = POLLIN, .revents = 0};
    const int ready =
        poll(&poll_fd, 1, static_cast<int>(absl::ToInt64Milliseconds(give_up - absl::Now())) + 1);
    if (ready <= 0) continue;
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) {
      closed = true;  // EOF, or a reset: either way the server let go
      break;
    }
    pending.append(buffer, static_cast<size_t>(n));
    // Frames: 3-byte length, type, flags, 4-byte stream id, payload.
    while (pending.size() >= 9) {
      const size_t length = (static_cast<uint8_t>(pending[0]) << 16) |
                            (static_cast<uint8_t>(pending[1]) << 8) |
                            static_cast<uint8_t>(pending[2]);
      if (pending.size() < 9 + length) break;
      const uint8_t type = static_cast<uint8_t>(pending[3]);
      const uint8_t flags = static_cast<uint8_t>(pending[4]);
      if (type == 0x6 && (flags & 0x1) == 0) pinged = true;  // PING, not an ACK
      pending.erase(0, 9 + length);
    }
  }
  close(fd);
  EXPECT_TRUE(pinged) << "the server sent no keepalive PING";
  EXPECT_TRUE(closed) << "the server kept a silent connection open for 10 s";
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
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
