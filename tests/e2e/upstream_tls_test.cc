// The channels one Baton server opens to another, over TLS and mutual TLS
// (cmd/upstream): baton-handoff, baton-feedback and baton-rating as real
// processes serving TLS with a self-signed certificate for 127.0.0.1;
// feedback asks handoff, and rating streams both logs, with
// --upstream_tls_ca_file (and a client certificate for mTLS). A peer whose
// certificate does not chain to the CA, or a client without a certificate
// at an mTLS server, is refused: the calls that need it fail UNAVAILABLE
// and rating's consumers do not catch up. Both tests fail when the binaries
// open plaintext channels whatever the flags (checked).

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/server/test_service.h"
#include "common/status/errors.h"
#include "common/status/grpc_status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/rating_process_fixture.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

// Certificates for 127.0.0.1 and localhost: `cert` the one every process
// serves (and its own CA), `other` one that no process trusts.
class TlsFiles {
 public:
  explicit TlsFiles(const TempDir& dir)
      : cert_(Write(dir, "cert.pem", certificate().cert_pem)),
        key_(Write(dir, "key.pem", certificate().key_pem)),
        other_ca_(Write(dir, "other-ca.pem", other().cert_pem)) {}

  static const server::testing::TestCertificate& certificate() {
    static const auto* cert =
        new server::testing::TestCertificate(server::testing::MakeSelfSignedCertificate());
    return *cert;
  }
  static const server::testing::TestCertificate& other() {
    static const auto* cert =
        new server::testing::TestCertificate(server::testing::MakeSelfSignedCertificate("other"));
    return *cert;
  }

  std::vector<std::string> ServerFlags(bool mutual) const {
    std::vector<std::string> flags = {"--tls_cert_file=" + cert_, "--tls_key_file=" + key_};
    if (mutual) flags.push_back("--tls_client_ca_file=" + cert_);
    return flags;
  }
  std::vector<std::string> UpstreamFlags(bool client_certificate) const {
    std::vector<std::string> flags = {"--upstream_tls_ca_file=" + cert_};
    if (client_certificate) {
      flags.push_back("--upstream_tls_cert_file=" + cert_);
      flags.push_back("--upstream_tls_key_file=" + key_);
    }
    return flags;
  }
  std::vector<std::string> WrongCaFlags() const { return {"--upstream_tls_ca_file=" + other_ca_}; }

  // The test's own channels: TLS verified against `cert`, presenting it.
  static std::shared_ptr<grpc::ChannelCredentials> Credentials() {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = certificate().cert_pem;
    ssl.pem_cert_chain = certificate().cert_pem;
    ssl.pem_private_key = certificate().key_pem;
    return grpc::SslCredentials(ssl);
  }

 private:
  static std::string Write(const TempDir& dir, const std::string& name,
                           const std::string& contents) {
    std::ofstream(dir.Sub(name), std::ios::binary) << contents;
    return dir.Sub(name);
  }

  std::string cert_;
  std::string key_;
  std::string other_ca_;
};

// Every process serves TLS; feedback and rating verify their peers.
class UpstreamTlsTest : public RatingProcessTest {
 protected:
  UpstreamTlsTest() : tls_(dir_) {
    server_flags_ = tls_.ServerFlags(/*mutual=*/false);
    upstream_flags_ = tls_.UpstreamFlags(/*client_certificate=*/false);
    credentials_ = TlsFiles::Credentials();
  }

  // Polls GetConsumerStatus on `rating` (bounded: 20 s) until both
  // consumers report an error; returns the last answer.
  static rv1::GetConsumerStatusResponse AwaitErrors(rv1::RatingService::Stub& rating,
                                                    const std::string& token) {
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    rv1::GetConsumerStatusResponse response;
    while (absl::Now() < deadline) {
      response.Clear();
      const grpc::Status status = rating.GetConsumerStatus(
          Context(token).get(), rv1::GetConsumerStatusRequest(), &response);
      if (status.ok() && response.consumers_size() == 2 && !response.consumers(0).error().empty() &&
          !response.consumers(1).error().empty()) {
        return response;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll interval
    }
    return response;
  }

  TlsFiles tls_;
};

TEST_F(UpstreamTlsTest, FeedbackAndRatingReachTlsPeersAndRefuseAnotherCa) {
  // A rating needs handoff's facts: feedback asked handoff over TLS.
  ASSERT_NO_FATAL_FAILURE(RatedHandoff("TLS-1"));
  // Rating streamed both logs over TLS to their ends.
  const uint64_t handoff_end = HandoffEnd();
  const uint64_t feedback_end = FeedbackEnd();
  ASSERT_NO_FATAL_FAILURE(
      ExpectAppliedToTheEnds(AwaitApplied(handoff_end, feedback_end), handoff_end, feedback_end));

  // A feedback trusting another CA cannot reach handoff: refused, nothing written.
  std::unique_ptr<ServerProcess> wrong_feedback =
      StartFeedbackOn("feedback-wrong-ca", tls_.WrongCaFlags());
  ASSERT_NE(wrong_feedback, nullptr);
  auto wrong_feedback_stub = fv1::FeedbackService::NewStub(ChannelTo(wrong_feedback->port()));
  hv1::WorkItem item;
  hv1::Handoff handoff;
  ASSERT_NO_FATAL_FAILURE(AcceptedItem("TLS-2", /*complete=*/false, &item, &handoff));
  fv1::RateHandoffResponse rated;
  const grpc::Status refused = wrong_feedback_stub->RateHandoff(
      Context(front_desk_).get(), RateRequest(handoff.name()), &rated);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
  EXPECT_EQ(ErrorReason(FromGrpcStatus(refused)), "HANDOFF_UNAVAILABLE");
  EXPECT_THAT(refused.error_message(), HasSubstr("certificate verify failed"));

  // A rating trusting another CA applies nothing, and says why.
  std::unique_ptr<ServerProcess> wrong_rating =
      StartRatingOn("rating-wrong-ca", tls_.WrongCaFlags());
  ASSERT_NE(wrong_rating, nullptr);
  auto wrong_rating_stub = rv1::RatingService::NewStub(ChannelTo(wrong_rating->port()));
  const rv1::GetConsumerStatusResponse status = AwaitErrors(*wrong_rating_stub, outreach_);
  ASSERT_EQ(status.consumers_size(), 2);
  for (const rv1::ConsumerStatus& consumer : status.consumers()) {
    EXPECT_FALSE(consumer.caught_up()) << consumer.ShortDebugString();
    EXPECT_EQ(consumer.applied_sequence(), 0u) << consumer.ShortDebugString();
    EXPECT_THAT(consumer.error(), HasSubstr("UNAVAILABLE")) << consumer.ShortDebugString();
    EXPECT_THAT(consumer.error(), HasSubstr("certificate verify failed"))
        << consumer.ShortDebugString();
  }
}

// Every process requires a client certificate signed by the shared CA.
class UpstreamMutualTlsTest : public TwoProcessTest {
 protected:
  UpstreamMutualTlsTest() : tls_(dir_) {
    server_flags_ = tls_.ServerFlags(/*mutual=*/true);
    upstream_flags_ = tls_.UpstreamFlags(/*client_certificate=*/true);
    credentials_ = TlsFiles::Credentials();
  }

  TlsFiles tls_;
};

TEST_F(UpstreamMutualTlsTest, FeedbackPresentsItsCertificateAndIsRefusedWithoutIt) {
  hv1::WorkItem item;
  hv1::Handoff handoff;
  ASSERT_NO_FATAL_FAILURE(AcceptedItem("MTLS-1", /*complete=*/false, &item, &handoff));
  fv1::RateHandoffResponse rated;
  ASSERT_GRPC_OK(
      feedback_stub_->RateHandoff(Context(front_desk_).get(), RateRequest(handoff.name()), &rated));
  EXPECT_EQ(rated.rating().handoff(), handoff.name());

  // The same CA, no client certificate: handoff refuses the handshake.
  std::unique_ptr<ServerProcess> anonymous =
      StartFeedbackOn("feedback-no-cert", tls_.UpstreamFlags(/*client_certificate=*/false));
  ASSERT_NE(anonymous, nullptr);
  auto anonymous_stub = fv1::FeedbackService::NewStub(ChannelTo(anonymous->port()));
  ASSERT_NO_FATAL_FAILURE(AcceptedItem("MTLS-2", /*complete=*/false, &item, &handoff));
  const grpc::Status refused =
      anonymous_stub->RateHandoff(Context(front_desk_).get(), RateRequest(handoff.name()), &rated);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
  EXPECT_EQ(ErrorReason(FromGrpcStatus(refused)), "HANDOFF_UNAVAILABLE");
  // (The client sees only "Socket closed": TLS 1.3 sends the server's
  // refusal after the client's side of the handshake.) Handoff is up: the
  // feedback with the certificate rates the same handoff.
  ASSERT_GRPC_OK(
      feedback_stub_->RateHandoff(Context(front_desk_).get(), RateRequest(handoff.name()), &rated));
}

}  // namespace
}  // namespace baton::testing
