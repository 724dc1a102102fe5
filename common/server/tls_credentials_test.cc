#include "common/server/tls_credentials.h"

#include <fstream>
#include <string>

#include "common/server/test_service.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::server {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

class TlsCredentialsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cert_ = new testing::TestCertificate(testing::MakeSelfSignedCertificate());
    other_ = new testing::TestCertificate(testing::MakeSelfSignedCertificate("other"));
  }

  std::string Write(const std::string& name, const std::string& contents) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }
  TlsOptions Good() {
    return {.cert_file = Write("cert.pem", cert_->cert_pem),
            .key_file = Write("key.pem", cert_->key_pem)};
  }

  static const testing::TestCertificate* cert_;
  static const testing::TestCertificate* other_;
  baton::testing::TempDir dir_;
};

const testing::TestCertificate* TlsCredentialsTest::cert_ = nullptr;
const testing::TestCertificate* TlsCredentialsTest::other_ = nullptr;

TEST_F(TlsCredentialsTest, NothingMeansPlaintext) {
  EXPECT_OK(ValidateTlsOptions({}));
  auto credentials = LoadServerCredentials({});
  ASSERT_OK(credentials);
  EXPECT_NE(*credentials, nullptr);
}

// --tls_client_ca_file alone used to serve plaintext (and log mtls: true).
TEST_F(TlsCredentialsTest, KeyOrClientCaWithoutCertificateIsRefused) {
  EXPECT_THAT(ValidateTlsOptions({.key_file = "k.pem"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--tls_key_file"), HasSubstr("--tls_cert_file"))));
  EXPECT_THAT(ValidateTlsOptions({.client_ca_file = "ca.pem"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--tls_client_ca_file"), HasSubstr("--tls_cert_file"))));
  EXPECT_THAT(LoadServerCredentials({.client_ca_file = Write("ca.pem", cert_->cert_pem)}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls_client_ca_file")));
}

TEST_F(TlsCredentialsTest, CertificateWithoutKeyIsRefused) {
  EXPECT_THAT(ValidateTlsOptions({.cert_file = "c.pem"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls_key_file")));
}

TEST_F(TlsCredentialsTest, GoodFilesLoad) {
  EXPECT_OK(LoadServerCredentials(Good()));
  TlsOptions mutual = Good();
  mutual.client_ca_file = Write("ca.pem", other_->cert_pem);
  EXPECT_OK(LoadServerCredentials(mutual));
}

TEST_F(TlsCredentialsTest, MissingFilesAreNamed) {
  TlsOptions options = Good();
  options.cert_file = dir_.Sub("nope.pem");
  EXPECT_THAT(LoadServerCredentials(options),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("TLS certificate file"), HasSubstr(options.cert_file))));
  options = Good();
  options.key_file = dir_.Sub("nokey.pem");
  EXPECT_THAT(LoadServerCredentials(options),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("TLS key file"), HasSubstr(options.key_file))));
  options = Good();
  options.client_ca_file = dir_.Sub("noca.pem");
  EXPECT_THAT(LoadServerCredentials(options),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("TLS client CA file"), HasSubstr(options.client_ca_file))));
  options = Good();
  options.cert_file = dir_.path();
  EXPECT_THAT(LoadServerCredentials(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a regular file")));
}

TEST_F(TlsCredentialsTest, FilesThatAreNotPemAreNamed) {
  TlsOptions options = Good();
  options.cert_file = Write("garbage-cert.pem", "not a certificate\n");
  EXPECT_THAT(LoadServerCredentials(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr(options.cert_file), HasSubstr("no PEM certificate"))));
  options = Good();
  options.cert_file = Write("key-as-cert.pem", cert_->key_pem);
  EXPECT_THAT(LoadServerCredentials(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(options.cert_file)));
  options = Good();
  options.key_file = Write("cert-as-key.pem", cert_->cert_pem);
  EXPECT_THAT(
      LoadServerCredentials(options),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr(options.key_file), HasSubstr("no unencrypted PEM private"))));
  options = Good();
  options.client_ca_file = Write("garbage-ca.pem", "-----BEGIN CERTIFICATE-----\nxx\n");
  EXPECT_THAT(LoadServerCredentials(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr(options.client_ca_file), HasSubstr("TLS client CA file"))));
}

TEST_F(TlsCredentialsTest, KeyOfAnotherCertificateIsRefused) {
  TlsOptions options = Good();
  options.key_file = Write("other-key.pem", other_->key_pem);
  EXPECT_THAT(LoadServerCredentials(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("is not the private key of the certificate"),
                             HasSubstr(options.key_file), HasSubstr(options.cert_file))));
}

}  // namespace
}  // namespace baton::server
