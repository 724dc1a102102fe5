#include "common/auth/authenticator.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace baton::auth {
namespace {

// Abseil here is built without std::string_view aliasing; convert at the edge.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

constexpr std::string_view kScheme = "Bearer";

std::string_view StripSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

nlohmann::json KeyIds(const JwtVerifierOptions& options) {
  nlohmann::json ids = nlohmann::json::array();
  if (!options.key.empty()) ids.push_back("(no id)");
  for (const JwtKey& key : options.keys) ids.push_back(key.id);
  return ids;
}

}  // namespace

Authenticator::Authenticator(std::unique_ptr<JwtVerifier> verifier, size_t token_cache_capacity)
    : dev_mode_(verifier == nullptr), token_cache_capacity_(token_cache_capacity) {
  if (verifier != nullptr) {
    state_ = std::make_shared<State>(std::move(verifier), token_cache_capacity_);
  }
}

Authenticator::~Authenticator() = default;

Principal Authenticator::DevPrincipal() {
  Principal p;
  p.subject = "dev";
  p.roles = {Role::kAdmin, Role::kService};
  return p;
}

std::shared_ptr<Authenticator::State> Authenticator::Current() const {
  absl::ReaderMutexLock lock(&mu_);
  return state_;
}

std::shared_ptr<const JwtVerifier> Authenticator::verifier() const {
  std::shared_ptr<State> state = Current();
  return state == nullptr ? nullptr : state->verifier;
}

absl::StatusOr<bool> Authenticator::ReplaceVerifier(std::unique_ptr<JwtVerifier> verifier) {
  return Install(std::move(verifier));
}

absl::StatusOr<bool> Authenticator::Install(std::unique_ptr<JwtVerifier> verifier) const {
  if (dev_mode_) {
    return absl::FailedPreconditionError("open dev mode has no verifier to replace");
  }
  if (verifier == nullptr) return absl::InvalidArgumentError("no verifier given");
  // A new State comes with an empty cache: calls that took the old State
  // before the swap may still insert into the old cache, which nobody reads
  // any more.
  auto fresh = std::make_shared<State>(std::move(verifier), token_cache_capacity_);
  absl::MutexLock lock(&mu_);
  if (state_->verifier->options() == fresh->verifier->options()) return false;
  state_ = std::move(fresh);
  return true;
}

void Authenticator::ReloadEvery(absl::Duration interval, VerifierLoader load) {
  if (dev_mode_ || interval <= absl::ZeroDuration() || load == nullptr) return;
  reload_interval_ = interval;
  load_ = std::move(load);
  const absl::Time now = Current()->verifier->clock()->Now();
  next_reload_ns_.store(absl::ToUnixNanos(now + interval), std::memory_order_relaxed);
}

void Authenticator::MaybeReload(absl::Time now) const {
  if (load_ == nullptr) return;
  int64_t due = next_reload_ns_.load(std::memory_order_relaxed);
  const int64_t now_ns = absl::ToUnixNanos(now);
  if (now_ns < due) return;
  // One caller wins the claim and loads; the others carry on with the
  // current verifier.
  if (!next_reload_ns_.compare_exchange_strong(due, absl::ToUnixNanos(now + reload_interval_),
                                               std::memory_order_relaxed)) {
    return;
  }
  absl::StatusOr<std::unique_ptr<JwtVerifier>> loaded = load_();
  if (!loaded.ok()) {
    log::Warn("cannot reload the JWT verification keys; keeping the current ones",
              {{"error", loaded.status().ToString()}});
    return;
  }
  const JwtVerifierOptions options = (*loaded)->options();
  absl::StatusOr<bool> replaced = Install(*std::move(loaded));
  if (replaced.ok() && *replaced) {
    log::Info("JWT verification keys changed; remembered tokens forgotten",
              {{"keys", KeyIds(options)}});
  }
}

absl::StatusOr<Principal> Authenticator::Authenticate(
    std::optional<std::string_view> authorization) const {
  if (!authorization.has_value()) {
    if (dev_mode()) return DevPrincipal();
    return absl::UnauthenticatedError("missing 'authorization: Bearer <token>' metadata");
  }
  const std::string_view value = StripSpaces(*authorization);
  if (value.empty()) {
    return absl::UnauthenticatedError(
        "'authorization' metadata is empty; expected 'Bearer <token>'");
  }
  const size_t space = value.find(' ');
  const std::string_view scheme = value.substr(0, space);
  if (!absl::EqualsIgnoreCase(Sv(scheme), Sv(kScheme))) {
    return absl::UnauthenticatedError(
        absl::StrCat("'authorization' metadata must use the 'Bearer' scheme "
                     "('Bearer <token>'), got scheme '",
                     absl::CHexEscape(Sv(scheme.substr(0, 32))), "'"));
  }
  const std::string_view token =
      space == std::string_view::npos ? std::string_view() : StripSpaces(value.substr(space));
  if (token.empty()) {
    return absl::UnauthenticatedError("'authorization' metadata has no token after 'Bearer'");
  }
  if (dev_mode()) return JwtVerifier::DecodeUnverified(token);
  std::shared_ptr<State> state = Current();
  const absl::Time now = state->verifier->clock()->Now();
  if (load_ != nullptr) {
    MaybeReload(now);
    state = Current();
  }
  if (std::optional<Principal> known = state->verified.Find(token, now)) return *std::move(known);
  absl::Time valid_until;
  absl::StatusOr<Principal> principal = state->verifier->Verify(token, &valid_until);
  if (principal.ok()) state->verified.Insert(token, *principal, valid_until, now);
  return principal;
}

}  // namespace baton::auth
