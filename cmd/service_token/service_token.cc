#include "cmd/service_token/service_token.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth/jwt_signer.h"
#include "common/log/log.h"

namespace baton::cmd {

absl::StatusOr<TokenSource> ServiceToken(const ServiceTokenOptions& options) {
  if (!options.token_file.empty()) {
    absl::StatusOr<std::string> token = auth::ReadKeyFile(options.token_file);
    if (!token.ok()) return token.status();
    return [token = std::string(absl::StripAsciiWhitespace(*token))] { return token; };
  }
  if (options.hs256_key_file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.token_flag, " is required unless --jwt_key_file holds an HS256 key"));
  }
  absl::StatusOr<std::string> key = auth::ReadKeyFile(options.hs256_key_file);
  if (!key.ok()) return key.status();
  struct Minted {
    absl::Mutex mu;
    std::string token ABSL_GUARDED_BY(mu);
    absl::Time renew ABSL_GUARDED_BY(mu) = absl::InfinitePast();
  };
  auto minted = std::make_shared<Minted>();
  TokenSource source = [key = *std::move(key), subject = options.subject, minted]() -> std::string {
    absl::MutexLock lock(&minted->mu);
    const absl::Time now = absl::Now();
    if (now < minted->renew) return minted->token;
    absl::StatusOr<std::string> token =
        auth::SignToken(auth::JwtVerifierOptions::Algorithm::kHs256, key,
                        {.subject = subject, .roles = {auth::Role::kService}, .issued_at = now});
    if (!token.ok()) {
      log::Error("cannot sign a service token", {{"error", token.status().ToString()}});
      return minted->token;
    }
    minted->token = *std::move(token);
    minted->renew = now + absl::Minutes(30);  // of the token's hour
    return minted->token;
  };
  if (source().empty()) return absl::InvalidArgumentError("cannot sign with --jwt_key_file");
  return source;
}

}  // namespace baton::cmd
