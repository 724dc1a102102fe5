#include "common/auth/authenticator_config.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace baton::auth {

absl::StatusOr<JwtVerifierOptions> LoadVerifierOptions(const AuthConfig& config) {
  const bool has_key = !config.key_file.empty() || !config.key_dir.empty();
  if (config.insecure_dev_mode) {
    if (has_key) {
      return absl::InvalidArgumentError(
          "give either --insecure_dev_mode or a key (--jwt_key_file or --jwt_key_dir), not both");
    }
    return absl::InvalidArgumentError("open dev mode verifies nothing: it has no verifier options");
  }
  if (!has_key) {
    return absl::InvalidArgumentError(
        "no --jwt_key_file or --jwt_key_dir: give the key(s) that verify bearer tokens, or "
        "--insecure_dev_mode on a loopback address for local development");
  }
  if (!config.key_file.empty() && !config.key_dir.empty()) {
    return absl::InvalidArgumentError(
        "give --jwt_key_file (one key) or --jwt_key_dir (keys named by their kid), not both");
  }
  JwtVerifierOptions options;
  if (config.algorithm == "HS256") {
    options.algorithm = JwtVerifierOptions::Algorithm::kHs256;
  } else if (config.algorithm == "RS256") {
    options.algorithm = JwtVerifierOptions::Algorithm::kRs256;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--jwt_algorithm: '", config.algorithm, "' is not HS256 or RS256"));
  }
  if (!config.key_file.empty()) {
    absl::StatusOr<std::string> key = ReadKeyFile(config.key_file);
    if (!key.ok()) return key.status();
    options.key = *std::move(key);
  } else {
    absl::StatusOr<std::vector<JwtKey>> keys = ReadKeyDir(config.key_dir);
    if (!keys.ok()) return keys.status();
    options.keys = *std::move(keys);
  }
  options.issuer = config.issuer;
  options.audience = config.audience;
  return options;
}

absl::StatusOr<std::unique_ptr<Authenticator>> MakeAuthenticator(const AuthConfig& config,
                                                                 const Clock* clock) {
  if (config.insecure_dev_mode && config.key_file.empty() && config.key_dir.empty()) {
    return std::make_unique<Authenticator>(nullptr);
  }
  if (clock == nullptr) clock = Clock::Real();
  absl::StatusOr<JwtVerifierOptions> options = LoadVerifierOptions(config);
  if (!options.ok()) return options.status();
  absl::StatusOr<std::unique_ptr<JwtVerifier>> verifier =
      JwtVerifier::Create(*std::move(options), clock);
  if (!verifier.ok()) return verifier.status();
  auto authenticator = std::make_unique<Authenticator>(*std::move(verifier));
  if (config.key_reload_interval > absl::ZeroDuration()) {
    authenticator->ReloadEvery(config.key_reload_interval,
                               [config, clock]() -> absl::StatusOr<std::unique_ptr<JwtVerifier>> {
                                 absl::StatusOr<JwtVerifierOptions> options =
                                     LoadVerifierOptions(config);
                                 if (!options.ok()) return options.status();
                                 return JwtVerifier::Create(*std::move(options), clock);
                               });
  }
  return authenticator;
}

}  // namespace baton::auth
