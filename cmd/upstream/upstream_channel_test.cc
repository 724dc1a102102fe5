#include "cmd/upstream/upstream_channel.h"

#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "baton/handoff/v1/handoff_service.pb.h"
#include "common/server/test_service.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::cmd {
namespace {

using ::baton::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

class UpstreamChannelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cert_ = new server::testing::TestCertificate(server::testing::MakeSelfSignedCertificate());
    other_ =
        new server::testing::TestCertificate(server::testing::MakeSelfSignedCertificate("other"));
  }

  std::string Write(const std::string& name, const std::string& contents) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }

  // A TLS server on 127.0.0.1 with cert_ (whose names are localhost and
  // 127.0.0.1); `mutual`: it requires a client certificate signed by cert_.
  std::unique_ptr<server::testing::TestHost> TlsHost(bool mutual) {
    server::TlsOptions tls = {.cert_file = Write("server-cert.pem", cert_->cert_pem),
                              .key_file = Write("server-key.pem", cert_->key_pem)};
    if (mutual) tls.client_ca_file = Write("client-ca.pem", cert_->cert_pem);
    auto host = std::make_unique<server::testing::TestHost>(server::ServerHostOptions{.tls = tls});
    EXPECT_OK(host->Start());
    return host;
  }

  // CreateChain on `host` through the upstream channel of `options`.
  grpc::Status CallThrough(server::testing::TestHost& host, const UpstreamOptions& options) {
    auto channel = UpstreamChannel(absl::StrCat("127.0.0.1:", host.port()), options);
    if (!channel.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, channel.status().ToString());
    handoff::v1::CreateChainRequest request;
    request.set_chain_id("upstream");
    return host.Call(request.SerializeAsString(), server::testing::TestToken(), nullptr, *channel);
  }

  static const server::testing::TestCertificate* cert_;
  static const server::testing::TestCertificate* other_;
  baton::testing::TempDir dir_;
};

const server::testing::TestCertificate* UpstreamChannelTest::cert_ = nullptr;
const server::testing::TestCertificate* UpstreamChannelTest::other_ = nullptr;

TEST_F(UpstreamChannelTest, CertificateAndKeyGoTogether) {
  const std::string ca = Write("ca.pem", cert_->cert_pem);
  EXPECT_THAT(UpstreamChannel("127.0.0.1:1", {.ca_file = ca, .cert_file = "c.pem"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--upstream_tls_cert_file is set without"),
                             HasSubstr("--upstream_tls_key_file"))));
  EXPECT_THAT(UpstreamChannel("127.0.0.1:1", {.ca_file = ca, .key_file = "k.pem"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--upstream_tls_key_file is set without"),
                             HasSubstr("--upstream_tls_cert_file"))));
}

TEST_F(UpstreamChannelTest, ClientCertificateOrServerNameWithoutCaIsRefused) {
  // Not silently plaintext: the operator asked for (m)TLS.
  EXPECT_THAT(UpstreamChannel("127.0.0.1:1", {.cert_file = Write("c.pem", cert_->cert_pem),
                                              .key_file = Write("k.pem", cert_->key_pem)}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--upstream_tls_cert_file"),
                             HasSubstr("without --upstream_tls_ca_file"))));
  EXPECT_THAT(UpstreamChannel("127.0.0.1:1", {.server_name = "handoff.baton.svc"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--upstream_tls_server_name"),
                             HasSubstr("without --upstream_tls_ca_file"))));
}

TEST_F(UpstreamChannelTest, FilesThatCannotBeUsedNameTheFlag) {
  const std::string missing = dir_.Sub("missing.pem");
  EXPECT_THAT(UpstreamChannel("127.0.0.1:1", {.ca_file = missing}),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("--upstream_tls_ca_file"), HasSubstr(missing))));
  EXPECT_THAT(
      UpstreamChannel("127.0.0.1:1", {.ca_file = dir_.path()}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("--upstream_tls_ca_file"), HasSubstr("not a regular file"))));
  EXPECT_THAT(
      UpstreamChannel("127.0.0.1:1", {.ca_file = Write("garbage.pem", "not pem")}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("--upstream_tls_ca_file"), HasSubstr("no PEM certificate"))));

  UpstreamOptions options = {.ca_file = Write("ca.pem", cert_->cert_pem),
                             .cert_file = Write("cert.pem", cert_->cert_pem),
                             .key_file = missing};
  EXPECT_THAT(UpstreamChannel("127.0.0.1:1", options),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("--upstream_tls_key_file"), HasSubstr(missing))));
  options.key_file = Write("other-key.pem", other_->key_pem);
  EXPECT_THAT(UpstreamChannel("127.0.0.1:1", options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--upstream_tls_key_file"),
                             HasSubstr("is not the private key of the certificate"))));
  options.key_file = Write("key.pem", cert_->key_pem);
  options.cert_file = Write("garbage-cert.pem", "-----BEGIN CERTIFICATE-----\nxx\n");
  EXPECT_THAT(UpstreamChannel("127.0.0.1:1", options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--upstream_tls_cert_file"), HasSubstr(options.cert_file))));
}

TEST_F(UpstreamChannelTest, PlaintextToTheNetworkNeedsTheFlag) {
  for (const char* address : {"192.0.2.1:7401", "[2001:db8::1]:7401", "0.0.0.0:7401"}) {
    EXPECT_THAT(UpstreamChannel(address, {}),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         AllOf(HasSubstr(address), HasSubstr("--upstream_tls_ca_file"),
                               HasSubstr("--allow_plaintext_tokens_on_network"))))
        << address;
    EXPECT_OK(UpstreamChannel(address, {.allow_plaintext_tokens_on_network = true})) << address;
  }
}

TEST_F(UpstreamChannelTest, PlaintextToLoopbackIsAllowed) {
  for (const char* address : {"127.0.0.1:7401", "localhost:7401", "[::1]:7401"}) {
    EXPECT_OK(UpstreamChannel(address, {})) << address;
  }
}

// Fails when the CA file is ignored (a plaintext channel to a TLS server is
// UNAVAILABLE), and when the wrong CA is not refused.
TEST_F(UpstreamChannelTest, TlsVerifiesThePeerAgainstTheCa) {
  auto host = TlsHost(/*mutual=*/false);
  const grpc::Status ok = CallThrough(*host, {.ca_file = Write("ca.pem", cert_->cert_pem)});
  EXPECT_TRUE(ok.ok()) << ok.error_message();

  const grpc::Status wrong_ca =
      CallThrough(*host, {.ca_file = Write("other-ca.pem", other_->cert_pem)});
  EXPECT_EQ(wrong_ca.error_code(), grpc::StatusCode::UNAVAILABLE) << wrong_ca.error_message();
  const grpc::Status plaintext = CallThrough(*host, {});
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE) << plaintext.error_message();
  EXPECT_EQ(host->service().handled(), 1);
}

// The certificate names localhost and 127.0.0.1: a name it does not hold is
// refused, so the override is what gets checked (fails when it is dropped).
TEST_F(UpstreamChannelTest, ServerNameOverridesTheNameChecked) {
  auto host = TlsHost(/*mutual=*/false);
  const std::string ca = Write("ca.pem", cert_->cert_pem);
  const grpc::Status named = CallThrough(*host, {.ca_file = ca, .server_name = "localhost"});
  EXPECT_TRUE(named.ok()) << named.error_message();
  const grpc::Status misnamed =
      CallThrough(*host, {.ca_file = ca, .server_name = "handoff.elsewhere.example"});
  EXPECT_EQ(misnamed.error_code(), grpc::StatusCode::UNAVAILABLE) << misnamed.error_message();
  EXPECT_EQ(host->service().handled(), 1);
}

// Fails when the client certificate is not sent.
TEST_F(UpstreamChannelTest, MutualTlsPresentsTheClientCertificate) {
  auto host = TlsHost(/*mutual=*/true);
  const std::string ca = Write("ca.pem", cert_->cert_pem);
  const grpc::Status with_cert =
      CallThrough(*host, {.ca_file = ca,
                          .cert_file = Write("cert.pem", cert_->cert_pem),
                          .key_file = Write("key.pem", cert_->key_pem)});
  EXPECT_TRUE(with_cert.ok()) << with_cert.error_message();
  const grpc::Status without_cert = CallThrough(*host, {.ca_file = ca});
  EXPECT_EQ(without_cert.error_code(), grpc::StatusCode::UNAVAILABLE)
      << without_cert.error_message();
  EXPECT_EQ(host->service().handled(), 1);
}

}  // namespace
}  // namespace baton::cmd
