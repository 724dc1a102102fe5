#include "common/server/tls_credentials.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/auth/openssl_ptr.h"
#include "grpcpp/security/server_credentials.h"

namespace baton::server {
namespace {

using openssl::BioPtr;
using openssl::PkeyPtr;
using openssl::X509Ptr;

// The reason of the latest OpenSSL error on this thread; clears the queue.
std::string TakeOpenSslError() {
  const unsigned long code = ERR_peek_last_error();
  std::string text = "no detail from OpenSSL";
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    text = buf;
  }
  ERR_clear_error();
  return text;
}

// `what` names the file's role in messages, e.g. "TLS certificate file".
absl::StatusOr<std::string> ReadPemFile(const std::string& path, const char* what) {
  std::error_code ec;
  const auto type = std::filesystem::status(path, ec).type();
  if (type == std::filesystem::file_type::not_found) {
    return absl::NotFoundError(absl::StrCat(what, " '", path, "' does not exist"));
  }
  if (type != std::filesystem::file_type::regular) {
    return absl::InvalidArgumentError(absl::StrCat(what, " '", path, "' is not a regular file"));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  if (!in.is_open() || in.bad()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read ", what, " '", path, "' (check permissions)"));
  }
  return std::move(contents).str();
}

BioPtr MemBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// The first certificate in `pem`, or an error naming `path`.
absl::StatusOr<X509Ptr> FirstCertificate(const std::string& pem, const std::string& path,
                                         const char* what) {
  auto bio = MemBio(pem);
  X509Ptr cert(bio == nullptr ? nullptr : PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " '", path, "' holds no PEM certificate (expected '-----BEGIN CERTIFICATE-----'): ",
        TakeOpenSslError()));
  }
  return cert;
}

// Never asks for a passphrase (OpenSSL's default would read the terminal).
int NoPassphrase(char*, int, int, void*) { return -1; }

}  // namespace

absl::Status ValidateTlsOptions(const TlsOptions& tls) {
  if (!tls.enabled()) {
    if (!tls.key_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls_key_file is set without --tls_cert_file: TLS needs the certificate and its key "
          "(give both, or neither to serve plaintext)");
    }
    if (tls.mutual()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca_file (mutual TLS) is set without --tls_cert_file: mutual TLS needs "
          "TLS; give --tls_cert_file and --tls_key_file too");
    }
    return absl::OkStatus();
  }
  if (tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert_file is set without --tls_key_file: give the certificate's private key too");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> LoadServerCredentials(
    const TlsOptions& tls) {
  if (absl::Status s = ValidateTlsOptions(tls); !s.ok()) return s;
  if (!tls.enabled()) return grpc::InsecureServerCredentials();

  auto cert_pem = ReadPemFile(tls.cert_file, "TLS certificate file");
  if (!cert_pem.ok()) return cert_pem.status();
  auto key_pem = ReadPemFile(tls.key_file, "TLS key file");
  if (!key_pem.ok()) return key_pem.status();
  auto cert = FirstCertificate(*cert_pem, tls.cert_file, "TLS certificate file");
  if (!cert.ok()) return cert.status();
  auto key_bio = MemBio(*key_pem);
  PkeyPtr key(key_bio == nullptr
                  ? nullptr
                  : PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS key file '", tls.key_file,
                     "' holds no unencrypted PEM private key (expected '-----BEGIN PRIVATE "
                     "KEY-----' or '-----BEGIN RSA PRIVATE KEY-----'): ",
                     TakeOpenSslError()));
  }
  if (X509_check_private_key(cert->get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat("TLS key file '", tls.key_file,
                                                   "' is not the private key of the certificate "
                                                   "in '",
                                                   tls.cert_file, "'"));
  }

  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_key_cert_pairs.push_back({*std::move(key_pem), *std::move(cert_pem)});
  if (tls.mutual()) {
    auto ca_pem = ReadPemFile(tls.client_ca_file, "TLS client CA file");
    if (!ca_pem.ok()) return ca_pem.status();
    auto ca = FirstCertificate(*ca_pem, tls.client_ca_file, "TLS client CA file");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *std::move(ca_pem);
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

}  // namespace baton::server
