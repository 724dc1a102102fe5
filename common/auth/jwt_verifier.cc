#include "common/auth/jwt_verifier.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/openssl_ptr.h"
#include "nlohmann/json.hpp"

namespace baton::auth {
namespace {

// Abseil here is built without std::string_view aliasing; convert at the edge.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

using Json = nlohmann::json;

// Longest token accepted; a bound on the work an unauthenticated caller can
// make us do.
constexpr size_t kMaxTokenBytes = 16 * 1024;

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// Text a caller chose, made safe to put in a message: at most 64 bytes,
// control and non-ASCII bytes escaped.
std::string Quote(absl::string_view text) {
  constexpr size_t kMax = 64;
  std::string quoted = absl::CHexEscape(text.substr(0, kMax));
  if (text.size() > kMax) quoted += "...";
  return quoted;
}

// A key id or "" for the key without one, for messages: " 'k1'" or "".
std::string KeyName(absl::string_view id) {
  return id.empty() ? std::string() : absl::StrCat(" '", Quote(id), "'");
}

struct TokenParts {
  absl::string_view header_b64;
  absl::string_view payload_b64;
  absl::string_view signature_b64;
  Json header;
};

absl::StatusOr<Json> DecodeHeader(absl::string_view part) {
  std::string bytes;
  if (part.empty() || !absl::WebSafeBase64Unescape(part, &bytes)) {
    return absl::UnauthenticatedError("token is malformed: the header is not base64url");
  }
  Json json = Json::parse(bytes, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::UnauthenticatedError("token is malformed: the header is not a JSON object");
  }
  return json;
}

// Structural checks and the header. The payload is not decoded here: its
// bytes are only read once the signature over them verified (or, in dev
// mode, by DecodeUnverified).
absl::StatusOr<TokenParts> SplitToken(std::string_view token) {
  if (token.empty()) return absl::UnauthenticatedError("token is empty");
  if (token.size() > kMaxTokenBytes) {
    return absl::UnauthenticatedError(absl::StrCat("token is ", token.size(), " bytes; at most ",
                                                   kMaxTokenBytes, " are accepted"));
  }
  for (char c : token) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return absl::UnauthenticatedError(
          "token is malformed: it may contain only base64url characters and "
          "'.' (was the whole 'Bearer ...' value passed, or was it quoted?)");
    }
  }
  std::vector<absl::string_view> parts = absl::StrSplit(Sv(token), '.');
  if (parts.size() != 3) {
    return absl::UnauthenticatedError(
        absl::StrCat("token is malformed: expected 3 '.'-separated parts "
                     "(header.payload.signature), got ",
                     parts.size()));
  }
  absl::StatusOr<Json> header = DecodeHeader(parts[0]);
  if (!header.ok()) return header.status();
  return TokenParts{parts[0], parts[1], parts[2], *std::move(header)};
}

// Walks a payload that did not parse, to say which claim is at fault and
// why: nlohmann's parser refuses a number beyond the range of a double
// (1e400) as a whole-document error.
class PayloadDiagnosis final : public nlohmann::json_sax<Json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return ++depth_ > 0; }
  bool key(string_t& key) override {
    if (depth_ == 1) claim_ = key;
    return true;
  }
  bool end_object() override { return --depth_ >= 0; }
  bool start_array(std::size_t) override { return ++depth_ > 0; }
  bool end_array() override { return --depth_ >= 0; }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& error) override {
    position_ = position;
    token_ = last_token;
    out_of_range_ = error.id == 406;  // out_of_range.406: number overflow
    return false;
  }

  absl::Status Explain(const std::string& bytes) {
    Json::sax_parse(bytes, this, nlohmann::detail::input_format_t::json, /*strict=*/true);
    if (out_of_range_ && !claim_.empty()) {
      return absl::UnauthenticatedError(absl::StrCat(
          "claim '", Quote(claim_), "' holds a number out of range ('", Quote(token_), "')"));
    }
    return absl::UnauthenticatedError(absl::StrCat(
        "token is malformed: the payload is not valid JSON (at byte ", position_, ")"));
  }

 private:
  int depth_ = 0;
  std::string claim_;
  std::string token_;
  size_t position_ = 0;
  bool out_of_range_ = false;
};

absl::StatusOr<Json> DecodePayload(absl::string_view part) {
  std::string bytes;
  if (part.empty() || !absl::WebSafeBase64Unescape(part, &bytes)) {
    return absl::UnauthenticatedError("token is malformed: the payload is not base64url");
  }
  Json json = Json::parse(bytes, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return PayloadDiagnosis().Explain(bytes);
  if (!json.is_object()) {
    return absl::UnauthenticatedError("token is malformed: the payload is not a JSON object");
  }
  return json;
}

// A string claim's value: no NUL, which would cut the string short in C
// APIs and make two different names compare equal in some.
absl::Status CheckClaimText(const char* name, const std::string& value) {
  if (value.find('\0') != std::string::npos) {
    return absl::UnauthenticatedError(
        absl::StrCat("claim '", name, "' contains a NUL character (\\u0000)"));
  }
  return absl::OkStatus();
}

absl::Status OptionalStringClaim(const Json& claims, const char* name, std::string* out) {
  auto it = claims.find(name);
  if (it == claims.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) {
    return absl::UnauthenticatedError(absl::StrCat("claim '", name, "' must be a string"));
  }
  *out = it->get<std::string>();
  return CheckClaimText(name, *out);
}

absl::StatusOr<Principal> PrincipalFromClaims(const Json& claims) {
  Principal principal;
  auto sub = claims.find("sub");
  if (sub == claims.end() || sub->is_null()) {
    return absl::UnauthenticatedError("claim 'sub' is missing");
  }
  if (absl::Status s = OptionalStringClaim(claims, "sub", &principal.subject); !s.ok()) return s;
  if (principal.subject.empty()) {
    return absl::UnauthenticatedError("claim 'sub' is empty");
  }
  if (absl::Status s = OptionalStringClaim(claims, "team", &principal.team); !s.ok()) {
    return s;
  }
  if (absl::Status s = OptionalStringClaim(claims, "department", &principal.department); !s.ok()) {
    return s;
  }
  auto roles = claims.find("roles");
  if (roles != claims.end() && !roles->is_null()) {
    if (!roles->is_array()) {
      return absl::UnauthenticatedError("claim 'roles' must be an array of role names");
    }
    for (const Json& name : *roles) {
      if (!name.is_string()) {
        return absl::UnauthenticatedError("claim 'roles' must contain only strings");
      }
      const std::string& text = name.get_ref<const std::string&>();
      if (absl::Status s = CheckClaimText("roles", text); !s.ok()) return s;
      absl::StatusOr<Role> role = ParseRole(text);
      if (!role.ok()) {
        return absl::UnauthenticatedError(
            absl::StrCat("unknown role '", Quote(text),
                         "' in claim 'roles'; expected 'member', 'head', 'admin' or "
                         "'service'"));
      }
      if (!principal.HasRole(*role)) principal.roles.push_back(*role);
    }
  }
  return principal;
}

// A NumericDate claim (seconds since the Unix epoch, RFC 7519 §2; fractions
// allowed); nullopt when absent. Out of [0, kMaxNumericDate] is refused:
// no real token expires before 1970 or after 9999, and such values only
// serve to probe overflow.
absl::StatusOr<std::optional<absl::Time>> NumericDateClaim(const Json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "claim '", name, "' must be a number of seconds since the Unix epoch (a NumericDate), got ",
        it->type_name()));
  }
  bool in_range = false;
  absl::Time time;
  if (it->is_number_unsigned()) {
    const uint64_t s = it->get<uint64_t>();
    in_range = s <= static_cast<uint64_t>(kMaxNumericDate);
    if (in_range) time = absl::FromUnixSeconds(static_cast<int64_t>(s));
  } else if (it->is_number_integer()) {
    const int64_t s = it->get<int64_t>();
    in_range = s >= 0 && s <= kMaxNumericDate;
    if (in_range) time = absl::FromUnixSeconds(s);
  } else {
    const double s = it->get<double>();
    in_range = std::isfinite(s) && s >= 0 && s <= static_cast<double>(kMaxNumericDate);
    if (in_range) time = absl::UnixEpoch() + absl::Seconds(s);
  }
  if (!in_range) {
    return absl::UnauthenticatedError(absl::StrCat(
        "claim '", name, "' is out of range: ", Quote(it->dump()),
        " is not a NumericDate between 0 (1970) and ", kMaxNumericDate, " (year 9999)"));
  }
  return time;
}

std::string DescribeAudience(const Json& aud) {
  if (aud.is_string()) return absl::StrCat("'", aud.get<std::string>(), "'");
  std::string out = "[";
  bool first = true;
  if (aud.is_array()) {
    for (const Json& a : aud) {
      if (!a.is_string()) continue;
      absl::StrAppend(&out, first ? "" : ", ", "'", a.get<std::string>(), "'");
      first = false;
    }
  }
  return out + "]";
}

// Verifies the JWS signature: `signature` (decoded) over `signing_input`
// ("<header>.<payload>" exactly as sent).
bool Hs256Verifies(const std::string& secret, absl::string_view signing_input,
                   const std::string& signature) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
           &mac_size) == nullptr) {
    ERR_clear_error();
    return false;
  }
  return signature.size() == mac_size && CRYPTO_memcmp(mac, signature.data(), mac_size) == 0;
}

bool Rs256Verifies(EVP_PKEY* key, absl::string_view signing_input, const std::string& signature) {
  openssl::MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx != nullptr && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(
          ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  ERR_clear_error();
  return ok;
}

absl::StatusOr<std::shared_ptr<EVP_PKEY>> ParseRsaPublicKey(const std::string& pem,
                                                            absl::string_view id) {
  if (pem.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return absl::InvalidArgumentError(absl::StrCat("RS256 key", KeyName(id), " is too large"));
  }
  openssl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the RS256 key", KeyName(id), ": ", openssl::TakeOpenSslError()));
  }
  std::shared_ptr<EVP_PKEY> pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
                                 openssl::PkeyFree());
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("RS256 key", KeyName(id),
                     " is not a PEM public key (expected '-----BEGIN PUBLIC KEY-----'): ",
                     openssl::TakeOpenSslError()));
  }
  if (!EVP_PKEY_is_a(pkey.get(), "RSA")) {
    return absl::InvalidArgumentError(absl::StrCat("RS256 key", KeyName(id), " is a ",
                                                   EVP_PKEY_get0_type_name(pkey.get()),
                                                   " public key; an RSA public key is required"));
  }
  return pkey;
}

}  // namespace

struct JwtVerifier::Key {
  std::string id;                        // "" for options.key
  std::string secret;                    // HS256
  std::shared_ptr<EVP_PKEY> public_key;  // RS256
};

std::string_view AlgorithmName(JwtVerifierOptions::Algorithm alg) {
  switch (alg) {
    case JwtVerifierOptions::Algorithm::kHs256:
      return "HS256";
    case JwtVerifierOptions::Algorithm::kRs256:
      return "RS256";
  }
  return "unknown";
}

JwtVerifier::JwtVerifier(JwtVerifierOptions options, const Clock* clock, std::vector<Key> keys)
    : options_(std::move(options)), clock_(clock), keys_(std::move(keys)) {}

JwtVerifier::~JwtVerifier() = default;

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(JwtVerifierOptions options,
                                                                 const Clock* clock) {
  if (options.key_count() == 0) {
    return absl::InvalidArgumentError(
        "no JWT key: HS256 needs the shared secret, RS256 a PEM public key");
  }
  if (options.leeway < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("JWT leeway must not be negative, got ",
                                                   absl::FormatDuration(options.leeway)));
  }
  std::vector<Key> keys;
  std::vector<JwtKey> all;
  if (!options.key.empty()) all.push_back({.id = "", .material = options.key});
  for (const JwtKey& key : options.keys) {
    if (key.id.empty()) {
      return absl::InvalidArgumentError("a JWT key in the list of keys has an empty id");
    }
    if (key.id.size() > kMaxKeyIdBytes || key.id.find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("JWT key id", KeyName(key.id),
                                                     " is longer than ", kMaxKeyIdBytes,
                                                     " bytes or holds NUL"));
    }
    for (const JwtKey& other : all) {
      if (other.id == key.id) {
        return absl::InvalidArgumentError(
            absl::StrCat("JWT key id", KeyName(key.id), " is given twice"));
      }
    }
    all.push_back(key);
  }
  for (const JwtKey& key : all) {
    if (key.material.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("JWT key", KeyName(key.id), " is empty"));
    }
    Key out{.id = key.id};
    if (options.algorithm == JwtVerifierOptions::Algorithm::kHs256) {
      if (key.material.size() < kMinHs256KeyBytes) {
        return absl::InvalidArgumentError(absl::StrCat(
            "HS256 key", KeyName(key.id), " is ", key.material.size(), " bytes; at least ",
            kMinHs256KeyBytes,
            " are required (RFC 7518 section 3.2: as long as the SHA-256 output). Generate one "
            "with e.g. 'head -c 32 /dev/urandom | base64'"));
      }
      if (key.material.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
        return absl::InvalidArgumentError(
            absl::StrCat("HS256 key", KeyName(key.id), " is too large"));
      }
      out.secret = key.material;
    } else {
      auto pkey = ParseRsaPublicKey(key.material, key.id);
      if (!pkey.ok()) return pkey.status();
      out.public_key = *std::move(pkey);
    }
    keys.push_back(std::move(out));
  }
  if (clock == nullptr) clock = Clock::Real();
  return std::unique_ptr<JwtVerifier>(new JwtVerifier(std::move(options), clock, std::move(keys)));
}

absl::StatusOr<const JwtVerifier::Key*> JwtVerifier::KeyFor(const std::string* kid) const {
  if (kid != nullptr) {
    for (const Key& key : keys_) {
      if (!key.id.empty() && key.id == *kid) return &key;
    }
    return absl::UnauthenticatedError(absl::StrCat("unknown key id '", Quote(*kid), "'"));
  }
  if (keys_.size() != 1) {
    return absl::UnauthenticatedError(
        absl::StrCat("token has no 'kid' header, but ", keys_.size(),
                     " keys are configured: the token must name the key it is signed with"));
  }
  return &keys_.front();
}

absl::StatusOr<Principal> JwtVerifier::Verify(std::string_view token,
                                              absl::Time* valid_until) const {
  absl::StatusOr<TokenParts> parts = SplitToken(token);
  if (!parts.ok()) return parts.status();

  // Reject alg confusion before any signature work: only the configured
  // algorithm is acceptable, whatever the token claims.
  const std::string_view expected_alg = AlgorithmName(options_.algorithm);
  auto alg = parts->header.find("alg");
  if (alg == parts->header.end() || !alg->is_string()) {
    return absl::UnauthenticatedError("token is malformed: the header has no 'alg'");
  }
  if (alg->get_ref<const std::string&>() != expected_alg) {
    return absl::UnauthenticatedError(
        absl::StrCat("token is signed with alg '", Quote(alg->get_ref<const std::string&>()),
                     "' but only '", Sv(expected_alg), "' is accepted"));
  }
  auto typ = parts->header.find("typ");
  if (typ != parts->header.end() &&
      !(typ->is_string() && absl::EqualsIgnoreCase(typ->get_ref<const std::string&>(), "JWT"))) {
    return absl::UnauthenticatedError("token header 'typ' must be 'JWT' when present");
  }
  const std::string* kid = nullptr;
  if (auto it = parts->header.find("kid"); it != parts->header.end() && !it->is_null()) {
    if (!it->is_string()) {
      return absl::UnauthenticatedError("token is malformed: the header's 'kid' is not a string");
    }
    kid = &it->get_ref<const std::string&>();
  }
  absl::StatusOr<const Key*> key = KeyFor(kid);
  if (!key.ok()) return key.status();

  // The signature, over the bytes as sent: nothing of the payload is read
  // before it verifies.
  std::string signature;
  const absl::string_view signing_input(parts->header_b64.data(),
                                        parts->header_b64.size() + 1 + parts->payload_b64.size());
  const bool verifies = !parts->signature_b64.empty() &&
                        absl::WebSafeBase64Unescape(parts->signature_b64, &signature) &&
                        (options_.algorithm == JwtVerifierOptions::Algorithm::kHs256
                             ? Hs256Verifies((*key)->secret, signing_input, signature)
                             : Rs256Verifies((*key)->public_key.get(), signing_input, signature));
  if (!verifies) {
    return absl::UnauthenticatedError(absl::StrCat("signature does not verify with the configured ",
                                                   Sv(expected_alg), " key", KeyName((*key)->id),
                                                   " (token altered, or signed with another key)"));
  }

  absl::StatusOr<Json> payload = DecodePayload(parts->payload_b64);
  if (!payload.ok()) return payload.status();
  const Json& claims = *payload;

  const absl::Time now = clock_->Now();
  absl::StatusOr<std::optional<absl::Time>> exp = NumericDateClaim(claims, "exp");
  if (!exp.ok()) return exp.status();
  if (!exp->has_value()) {
    return absl::UnauthenticatedError(
        "claim 'exp' is missing; tokens without an expiry are not accepted");
  }
  absl::StatusOr<std::optional<absl::Time>> nbf = NumericDateClaim(claims, "nbf");
  if (!nbf.ok()) return nbf.status();
  absl::StatusOr<std::optional<absl::Time>> iat = NumericDateClaim(claims, "iat");
  if (!iat.ok()) return iat.status();
  if (now >= **exp + options_.leeway) {
    return absl::UnauthenticatedError(absl::StrCat("token expired at ", FormatUtc(**exp), " (now ",
                                                   FormatUtc(now), "); get a new token"));
  }
  if (nbf->has_value() && now + options_.leeway < **nbf) {
    return absl::UnauthenticatedError(absl::StrCat("token is not valid before ", FormatUtc(**nbf),
                                                   " (now ", FormatUtc(now),
                                                   "); check the clocks of issuer and server"));
  }

  if (!options_.issuer.empty()) {
    auto iss = claims.find("iss");
    if (iss == claims.end() || iss->is_null()) {
      return absl::UnauthenticatedError(
          absl::StrCat("claim 'iss' is missing; expected '", options_.issuer, "'"));
    }
    if (!iss->is_string() || iss->get_ref<const std::string&>() != options_.issuer) {
      return absl::UnauthenticatedError(
          absl::StrCat("token issuer ",
                       iss->is_string() ? absl::StrCat("'", iss->get_ref<const std::string&>(), "'")
                                        : std::string("(not a string)"),
                       " is not the expected issuer '", options_.issuer, "'"));
    }
  }

  if (!options_.audience.empty()) {
    auto aud = claims.find("aud");
    if (aud == claims.end() || aud->is_null()) {
      return absl::UnauthenticatedError(
          absl::StrCat("claim 'aud' is missing; expected '", options_.audience, "'"));
    }
    bool match = false;
    if (aud->is_string()) {
      match = aud->get_ref<const std::string&>() == options_.audience;
    } else if (aud->is_array()) {
      for (const Json& a : *aud) {
        if (a.is_string() && a.get_ref<const std::string&>() == options_.audience) {
          match = true;
          break;
        }
      }
    } else {
      return absl::UnauthenticatedError("claim 'aud' must be a string or an array of strings");
    }
    if (!match) {
      return absl::UnauthenticatedError(absl::StrCat("token audience ", DescribeAudience(*aud),
                                                     " does not include '", options_.audience,
                                                     "'"));
    }
  }

  absl::StatusOr<Principal> principal = PrincipalFromClaims(claims);
  if (principal.ok() && valid_until != nullptr) *valid_until = **exp + options_.leeway;
  return principal;
}

absl::StatusOr<Principal> JwtVerifier::DecodeUnverified(std::string_view token) {
  absl::StatusOr<TokenParts> parts = SplitToken(token);
  if (!parts.ok()) return parts.status();
  absl::StatusOr<Json> payload = DecodePayload(parts->payload_b64);
  if (!payload.ok()) return payload.status();
  return PrincipalFromClaims(*payload);
}

absl::StatusOr<std::vector<JwtKey>> ReadKeyDir(const std::string& dir) {
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(dir, ec);
  if (st.type() == std::filesystem::file_type::not_found) {
    return absl::NotFoundError(absl::StrCat("key directory '", dir, "' does not exist"));
  }
  if (ec || st.type() != std::filesystem::file_type::directory) {
    return absl::InvalidArgumentError(absl::StrCat("key directory '", dir, "' is not a directory"));
  }
  std::vector<JwtKey> keys;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    // Kubernetes mounts a secret as "..data" and "..<timestamp>" entries
    // plus one symlink per key; hidden files are never keys.
    if (name.empty() || name.front() == '.') continue;
    std::error_code type_ec;
    if (!std::filesystem::is_regular_file(it->path(), type_ec)) continue;
    absl::StatusOr<std::string> material = ReadKeyFile(it->path().string());
    if (!material.ok()) return material.status();
    keys.push_back({.id = name, .material = *std::move(material)});
  }
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot list key directory '", dir, "': ", ec.message()));
  }
  if (keys.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key directory '", dir, "' holds no key (one file per key, named by its key id)"));
  }
  std::sort(keys.begin(), keys.end(), [](const JwtKey& a, const JwtKey& b) { return a.id < b.id; });
  return keys;
}

absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (st.type() == std::filesystem::file_type::not_found) {
    return absl::NotFoundError(absl::StrCat("key file '", path, "' does not exist"));
  }
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot stat key file '", path, "': ", ec.message()));
  }
  if (st.type() != std::filesystem::file_type::regular) {
    return absl::InvalidArgumentError(absl::StrCat("key file '", path, "' is not a regular file"));
  }
  std::ifstream in(path, std::ios::in | std::ios::binary);
  if (!in.is_open()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot open key file '", path, "' for reading (check permissions)"));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(absl::StrCat("error while reading key file '", path, "'"));
  }
  std::string bytes = std::move(contents).str();
  if (bytes.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("key file '", path, "' is empty"));
  }
  return bytes;
}

}  // namespace baton::auth
