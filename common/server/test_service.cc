#include "common/server/test_service.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/auth/authenticator.h"
#include "common/auth/jwt_signer.h"
#include "common/auth/jwt_verifier.h"
#include "common/server/raw_unary.h"
#include "common/time/clock.h"
#include "grpcpp/generic/generic_stub.h"

namespace baton::server::testing {
namespace {

namespace v1 = ::baton::handoff::v1;

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "test_service: " << what << "\n";
  std::abort();
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace

grpc::ServerUnaryReactor* EchoChainService::CreateChain(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* in,
                                                        grpc::ByteBuffer* out) {
  return ServeRawUnary<v1::CreateChainRequest, v1::CreateChainResponse>(
      context, *identity_, in, out,
      [this](auth::Principal principal, const v1::CreateChainRequest& request,
             v1::CreateChainResponse* response, Finish finish) {
        ++handled_;
        response->mutable_chain()->set_name(absl::StrCat("chains/", request.chain_id()));
        response->mutable_chain()->set_display_name(principal.subject);
        finish(absl::OkStatus());
      });
}

std::string TestToken(const std::string& subject, const std::string& key) {
  auto token = auth::SignToken(auth::JwtVerifierOptions::Algorithm::kHs256, key,
                               {.subject = subject, .issued_at = absl::Now()});
  if (!token.ok()) Die(token.status().ToString());
  return *std::move(token);
}

TestCertificate MakeSelfSignedCertificate(const std::string& common_name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  if (key == nullptr || cert == nullptr) Die("cannot make a key");
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] :
       {std::pair<int, const char*>{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
        std::pair<int, const char*>{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) Die("cannot make an extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert, key, EVP_sha256()) == 0) Die("cannot sign the certificate");
  TestCertificate out;
  BIO* cert_bio = BIO_new(BIO_s_mem());
  BIO* key_bio = BIO_new(BIO_s_mem());
  if (PEM_write_bio_X509(cert_bio, cert) != 1 ||
      PEM_write_bio_PrivateKey(key_bio, key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    Die("cannot write PEM");
  }
  out.cert_pem = BioText(cert_bio);
  out.key_pem = BioText(key_bio);
  BIO_free(cert_bio);
  BIO_free(key_bio);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

TestHost::TestHost(ServerHostOptions options) {
  if (options.address.empty()) options.address = "127.0.0.1:0";
  auto verifier = auth::JwtVerifier::Create({.key = kTestKey}, Clock::Real());
  if (!verifier.ok()) Die(verifier.status().ToString());
  identity_ =
      std::make_unique<CallIdentity>(std::make_unique<auth::Authenticator>(*std::move(verifier)));
  service_ = std::make_unique<EchoChainService>(identity_.get());
  host_ = std::make_unique<ServerHost>(std::move(options), identity_.get());
  host_->AddService(service_.get(), "baton.handoff.v1.HandoffService");
}

TestHost::~TestHost() { host_->Shutdown(); }

absl::Status TestHost::Start() { return host_->Start(); }

grpc::Status TestHost::Call(const std::string& request, const std::string& token,
                            std::string* response, std::shared_ptr<grpc::Channel> channel) {
  if (channel == nullptr) {
    channel =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port()), grpc::InsecureChannelCredentials());
  }
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, kCreateChainMethod, grpc::StubOptions(), &in, &out, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  done.WaitForNotification();
  if (status.ok() && response != nullptr) {
    std::vector<grpc::Slice> slices;
    response->clear();
    if (out.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        response->append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
  }
  return status;
}

}  // namespace baton::server::testing
