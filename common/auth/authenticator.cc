#include "common/auth/authenticator.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

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

}  // namespace

Authenticator::Authenticator(std::unique_ptr<JwtVerifier> verifier, size_t token_cache_capacity)
    : verifier_(std::move(verifier)), verified_(token_cache_capacity) {}

Principal Authenticator::DevPrincipal() {
  Principal p;
  p.subject = "dev";
  p.roles = {Role::kAdmin, Role::kService};
  return p;
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
                     Sv(scheme.substr(0, 32)), "'"));
  }
  const std::string_view token =
      space == std::string_view::npos ? std::string_view() : StripSpaces(value.substr(space));
  if (token.empty()) {
    return absl::UnauthenticatedError("'authorization' metadata has no token after 'Bearer'");
  }
  if (dev_mode()) return JwtVerifier::DecodeUnverified(token);
  const absl::Time now = verifier_->clock()->Now();
  if (std::optional<Principal> known = verified_.Find(token, now)) return *std::move(known);
  absl::Time valid_until;
  absl::StatusOr<Principal> principal = verifier_->Verify(token, &valid_until);
  if (principal.ok()) verified_.Insert(token, *principal, valid_until, now);
  return principal;
}

}  // namespace baton::auth
