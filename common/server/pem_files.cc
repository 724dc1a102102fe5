#include "common/server/pem_files.h"

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

namespace baton::server {
namespace {

using openssl::BioPtr;
using openssl::PkeyPtr;
using openssl::TakeOpenSslError;
using openssl::X509Ptr;

absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view what) {
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
                                         absl::string_view what) {
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

absl::StatusOr<std::string> ReadPemCertificates(const std::string& path, absl::string_view what) {
  auto pem = ReadPemFile(path, what);
  if (!pem.ok()) return pem.status();
  if (auto cert = FirstCertificate(*pem, path, what); !cert.ok()) return cert.status();
  return pem;
}

absl::StatusOr<PemKeyCertPair> ReadPemKeyCertPair(const std::string& cert_path,
                                                  absl::string_view cert_what,
                                                  const std::string& key_path,
                                                  absl::string_view key_what) {
  // Both files are read before either is parsed, so that a missing key is
  // reported as missing even when the certificate is also bad.
  auto cert_pem = ReadPemFile(cert_path, cert_what);
  if (!cert_pem.ok()) return cert_pem.status();
  auto key_pem = ReadPemFile(key_path, key_what);
  if (!key_pem.ok()) return key_pem.status();
  auto cert = FirstCertificate(*cert_pem, cert_path, cert_what);
  if (!cert.ok()) return cert.status();
  auto key_bio = MemBio(*key_pem);
  PkeyPtr key(key_bio == nullptr
                  ? nullptr
                  : PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(key_what, " '", key_path,
                     "' holds no unencrypted PEM private key (expected '-----BEGIN PRIVATE "
                     "KEY-----' or '-----BEGIN RSA PRIVATE KEY-----'): ",
                     TakeOpenSslError()));
  }
  if (X509_check_private_key(cert->get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(key_what, " '", key_path, "' is not the private key of the certificate in '",
                     cert_path, "'"));
  }
  return PemKeyCertPair{.cert_pem = *std::move(cert_pem), .key_pem = *std::move(key_pem)};
}

}  // namespace baton::server
