#ifndef BATON_COMMON_AUTH_OPENSSL_PTR_H_
#define BATON_COMMON_AUTH_OPENSSL_PTR_H_

// Owning pointers for the OpenSSL objects Baton uses (token signatures in
// common/auth, certificates in common/server), each freed with its own
// OpenSSL function; and the text of OpenSSL's last error, for messages.

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace baton::openssl {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// The reason of the latest OpenSSL error on this thread ("no detail from
// OpenSSL" when there is none); clears the thread's error queue.
inline std::string TakeOpenSslError() {
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

}  // namespace baton::openssl

#endif  // BATON_COMMON_AUTH_OPENSSL_PTR_H_
