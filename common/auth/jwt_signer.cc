#include "common/auth/jwt_signer.h"

#include <jwt.h>
#include <openssl/err.h>

#include <cstdlib>
#include <limits>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace baton::auth {
namespace {

// Abseil here is built without std::string_view aliasing; convert at the edge.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

using Json = nlohmann::json;

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
struct MallocDeleter {
  void operator()(char* p) const { std::free(p); }
};

// `claims_json` must be a JSON object.
absl::StatusOr<std::string> SignJson(JwtVerifierOptions::Algorithm alg, std::string_view key,
                                     const std::string& claims_json,
                                     const std::string& key_id = "") {
  if (key.empty()) {
    return absl::InvalidArgumentError(
        "signing key is empty: HS256 needs the shared secret, RS256 a PEM "
        "private key");
  }
  if (key.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return absl::InvalidArgumentError("signing key is too large");
  }
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0 || raw == nullptr) {
    return absl::ResourceExhaustedError("jwt_new failed");
  }
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  const jwt_alg_t jwt_alg =
      alg == JwtVerifierOptions::Algorithm::kRs256 ? JWT_ALG_RS256 : JWT_ALG_HS256;
  if (jwt_set_alg(jwt.get(), jwt_alg, reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) != 0) {
    return absl::InvalidArgumentError("libjwt rejected the signing key");
  }
  if (!key_id.empty() && jwt_add_header(jwt.get(), "kid", key_id.c_str()) != 0) {
    return absl::InvalidArgumentError("libjwt rejected the key id");
  }
  if (jwt_add_grants_json(jwt.get(), claims_json.c_str()) != 0) {
    return absl::InvalidArgumentError("libjwt rejected the claims (duplicate keys?)");
  }
  std::unique_ptr<char, MallocDeleter> token(jwt_encode_str(jwt.get()));
  if (token == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot sign with ", Sv(AlgorithmName(alg)),
        (alg == JwtVerifierOptions::Algorithm::kRs256 ? ": the key is not a PEM RSA private key"
                                                      : "")));
  }
  return std::string(token.get());
}

}  // namespace

absl::StatusOr<std::string> SignToken(JwtVerifierOptions::Algorithm alg, std::string_view key,
                                      const TokenClaims& claims) {
  if (claims.subject.empty()) {
    return absl::InvalidArgumentError("TokenClaims.subject is empty");
  }
  if (claims.ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("TokenClaims.ttl must be positive, got ", absl::FormatDuration(claims.ttl)));
  }
  if (claims.issued_at == absl::InfiniteFuture() || claims.issued_at == absl::InfinitePast() ||
      claims.issued_at + claims.ttl == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("TokenClaims.issued_at + ttl must be finite");
  }
  Json json = Json::object();
  json["sub"] = claims.subject;
  if (!claims.team.empty()) json["team"] = claims.team;
  if (!claims.department.empty()) json["department"] = claims.department;
  Json roles = Json::array();
  for (Role role : claims.roles) roles.push_back(std::string(RoleName(role)));
  json["roles"] = std::move(roles);
  json["iat"] = absl::ToUnixSeconds(claims.issued_at);
  json["exp"] = absl::ToUnixSeconds(claims.issued_at + claims.ttl);
  if (!claims.issuer.empty()) json["iss"] = claims.issuer;
  if (!claims.audience.empty()) json["aud"] = claims.audience;

  std::string text;
  try {
    text = json.dump();
  } catch (const Json::exception& e) {  // Invalid UTF-8 in a string.
    return absl::InvalidArgumentError(absl::StrCat("token claims are not valid UTF-8: ", e.what()));
  }
  return SignJson(alg, key, text, claims.key_id);
}

absl::StatusOr<std::string> SignRawClaims(JwtVerifierOptions::Algorithm alg, std::string_view key,
                                          std::string_view claims_json) {
  const Json json = Json::parse(claims_json, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::InvalidArgumentError("claims_json is not a JSON object");
  }
  return SignJson(alg, key, std::string(claims_json));
}

}  // namespace baton::auth
