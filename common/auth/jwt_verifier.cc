#include "common/auth/jwt_verifier.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

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
#include "nlohmann/json.hpp"

namespace baton::auth {
namespace {

// Abseil here is built without std::string_view aliasing; convert at the edge.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

using Json = nlohmann::json;

// Longest token accepted; a bound on the work an unauthenticated caller can
// make us do.
constexpr size_t kMaxTokenBytes = 16 * 1024;

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
struct MallocDeleter {
  void operator()(char* p) const { std::free(p); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }
};

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

jwt_alg_t LibJwtAlg(JwtVerifierOptions::Algorithm alg) {
  switch (alg) {
    case JwtVerifierOptions::Algorithm::kHs256:
      return JWT_ALG_HS256;
    case JwtVerifierOptions::Algorithm::kRs256:
      return JWT_ALG_RS256;
  }
  return JWT_ALG_INVAL;
}

// The most recent OpenSSL error on this thread, then clears the queue.
std::string TakeOpenSslError() {
  unsigned long code = ERR_peek_last_error();
  std::string text = "no detail";
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    text = buf;
  }
  ERR_clear_error();
  return text;
}

absl::StatusOr<Json> DecodeJsonPart(absl::string_view part, std::string_view what) {
  std::string bytes;
  if (part.empty() || !absl::WebSafeBase64Unescape(part, &bytes)) {
    return absl::UnauthenticatedError(
        absl::StrCat("token is malformed: the ", Sv(what), " is not base64url"));
  }
  Json json = Json::parse(bytes, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::UnauthenticatedError(
        absl::StrCat("token is malformed: the ", Sv(what), " is not a JSON object"));
  }
  return json;
}

struct TokenParts {
  Json header;
  Json payload;
};

// Structural checks and decoding of header and payload. The signature part is
// left to libjwt.
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
  TokenParts out;
  absl::StatusOr<Json> header = DecodeJsonPart(parts[0], "header");
  if (!header.ok()) return header.status();
  absl::StatusOr<Json> payload = DecodeJsonPart(parts[1], "payload");
  if (!payload.ok()) return payload.status();
  out.header = *std::move(header);
  out.payload = *std::move(payload);
  return out;
}

absl::Status OptionalStringClaim(const Json& claims, const char* name, std::string* out) {
  auto it = claims.find(name);
  if (it == claims.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) {
    return absl::UnauthenticatedError(absl::StrCat("claim '", name, "' must be a string"));
  }
  *out = it->get<std::string>();
  return absl::OkStatus();
}

absl::StatusOr<Principal> PrincipalFromClaims(const Json& claims) {
  Principal principal;
  auto sub = claims.find("sub");
  if (sub == claims.end() || sub->is_null()) {
    return absl::UnauthenticatedError("claim 'sub' is missing");
  }
  if (!sub->is_string()) {
    return absl::UnauthenticatedError("claim 'sub' must be a string");
  }
  principal.subject = sub->get<std::string>();
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
      absl::StatusOr<Role> role = ParseRole(text);
      if (!role.ok()) {
        return absl::UnauthenticatedError(
            absl::StrCat("unknown role '", text,
                         "' in claim 'roles'; expected 'member', 'head', 'admin' or "
                         "'service'"));
      }
      if (!principal.HasRole(*role)) principal.roles.push_back(*role);
    }
  }
  return principal;
}

// A NumericDate claim (seconds since the Unix epoch); nullopt when absent.
absl::StatusOr<std::optional<absl::Time>> NumericDateClaim(const Json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || it->is_null()) return std::nullopt;
  if (it->is_number_unsigned()) {
    uint64_t s = it->get<uint64_t>();
    if (s > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return absl::InfiniteFuture();
    }
    return absl::FromUnixSeconds(static_cast<int64_t>(s));
  }
  if (it->is_number_integer()) {
    return absl::FromUnixSeconds(it->get<int64_t>());
  }
  if (it->is_number_float()) {
    double s = it->get<double>();
    if (std::isfinite(s)) return absl::UnixEpoch() + absl::Seconds(s);
  }
  return absl::UnauthenticatedError(
      absl::StrCat("claim '", name, "' must be a number of seconds since the Unix epoch"));
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

}  // namespace

std::string_view AlgorithmName(JwtVerifierOptions::Algorithm alg) {
  switch (alg) {
    case JwtVerifierOptions::Algorithm::kHs256:
      return "HS256";
    case JwtVerifierOptions::Algorithm::kRs256:
      return "RS256";
  }
  return "unknown";
}

JwtVerifier::JwtVerifier(JwtVerifierOptions options, const Clock* clock)
    : options_(std::move(options)), clock_(clock) {}

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(JwtVerifierOptions options,
                                                                 const Clock* clock) {
  if (options.key.empty()) {
    return absl::InvalidArgumentError(
        "JWT key is empty: HS256 needs the shared secret, RS256 a PEM public "
        "key");
  }
  if (options.leeway < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("JWT leeway must not be negative, got ",
                                                   absl::FormatDuration(options.leeway)));
  }
  if (options.key.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return absl::InvalidArgumentError("JWT key is too large");
  }
  if (options.algorithm == JwtVerifierOptions::Algorithm::kRs256) {
    std::unique_ptr<BIO, BioDeleter> bio(
        BIO_new_mem_buf(options.key.data(), static_cast<int>(options.key.size())));
    if (bio == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read the RS256 key: ", TakeOpenSslError()));
    }
    std::unique_ptr<EVP_PKEY, PkeyDeleter> pkey(
        PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (pkey == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("RS256 key is not a PEM public key (expected '-----BEGIN PUBLIC "
                       "KEY-----'): ",
                       TakeOpenSslError()));
    }
    if (!EVP_PKEY_is_a(pkey.get(), "RSA")) {
      return absl::InvalidArgumentError(absl::StrCat("RS256 key is a ",
                                                     EVP_PKEY_get0_type_name(pkey.get()),
                                                     " public key; an RSA public key is required"));
    }
  }
  if (clock == nullptr) clock = Clock::Real();
  return std::unique_ptr<JwtVerifier>(new JwtVerifier(std::move(options), clock));
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
        absl::StrCat("token is signed with alg '", alg->get_ref<const std::string&>(),
                     "' but only '", Sv(expected_alg), "' is accepted"));
  }
  auto typ = parts->header.find("typ");
  if (typ != parts->header.end() &&
      !(typ->is_string() && absl::EqualsIgnoreCase(typ->get_ref<const std::string&>(), "JWT"))) {
    return absl::UnauthenticatedError("token header 'typ' must be 'JWT' when present");
  }

  const std::string token_str(token);  // libjwt needs NUL termination.
  jwt_t* raw = nullptr;
  int rc = jwt_decode(&raw, token_str.c_str(),
                      reinterpret_cast<const unsigned char*>(options_.key.data()),
                      static_cast<int>(options_.key.size()));
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  if (rc != 0 || jwt == nullptr) {
    ERR_clear_error();
    return absl::UnauthenticatedError(
        absl::StrCat("signature does not verify with the configured ", Sv(expected_alg),
                     " key (token altered, or signed with another key)"));
  }
  // Belt and braces: what libjwt verified with must be what we expect.
  if (jwt_get_alg(jwt.get()) != LibJwtAlg(options_.algorithm)) {
    return absl::UnauthenticatedError(
        absl::StrCat("token is not signed with '", Sv(expected_alg), "'"));
  }

  // Claims as verified by libjwt (not our own pre-parse).
  std::unique_ptr<char, MallocDeleter> grants(jwt_get_grants_json(jwt.get(), nullptr));
  if (grants == nullptr) {
    return absl::UnauthenticatedError("token has no claims");
  }
  const Json claims = Json::parse(grants.get(), /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (claims.is_discarded() || !claims.is_object()) {
    return absl::UnauthenticatedError("token is malformed: the claims are not a JSON object");
  }

  const absl::Time now = clock_->Now();
  absl::StatusOr<std::optional<absl::Time>> exp = NumericDateClaim(claims, "exp");
  if (!exp.ok()) return exp.status();
  if (!exp->has_value()) {
    return absl::UnauthenticatedError(
        "claim 'exp' is missing; tokens without an expiry are not accepted");
  }
  if (now >= **exp + options_.leeway) {
    return absl::UnauthenticatedError(absl::StrCat("token expired at ", FormatUtc(**exp), " (now ",
                                                   FormatUtc(now), "); get a new token"));
  }
  absl::StatusOr<std::optional<absl::Time>> nbf = NumericDateClaim(claims, "nbf");
  if (!nbf.ok()) return nbf.status();
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

  if (valid_until != nullptr) *valid_until = **exp + options_.leeway;
  return PrincipalFromClaims(claims);
}

absl::StatusOr<Principal> JwtVerifier::DecodeUnverified(std::string_view token) {
  absl::StatusOr<TokenParts> parts = SplitToken(token);
  if (!parts.ok()) return parts.status();
  return PrincipalFromClaims(parts->payload);
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
