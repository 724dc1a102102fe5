#ifndef BATON_COMMON_AUTH_PRINCIPAL_H_
#define BATON_COMMON_AUTH_PRINCIPAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace baton::auth {

// What a caller is allowed to act as. Services map roles to permissions.
enum class Role { kMember, kHead, kAdmin, kService };

// Parses the wire name of a role: "member", "head", "admin" or "service"
// (exact, lower case). Anything else → InvalidArgument naming the input.
absl::StatusOr<Role> ParseRole(std::string_view name);

// The wire name of `role` ("member", "head", "admin", "service").
std::string_view RoleName(Role role);

// The authenticated caller of one RPC. A plain value type; copyable; not
// synchronized (treat as immutable once built to share between threads).
struct Principal {
  // Every member has an initializer so that designated initializers may omit
  // any of them under -Wextra.
  std::string subject{};     // Stable user or service id (JWT `sub`). Non-empty.
  std::string team{};        // Plain team id such as "front-desk"; may be empty.
  std::string department{};  // Plain department id; may be empty.
  std::vector<Role> roles{};

  // True when `roles` contains `role`.
  bool HasRole(Role role) const;

  // For logs, e.g.
  // Principal{subject="alice", team="front-desk", department="ops",
  // roles=[member, head]}
  std::string DebugString() const;
};

}  // namespace baton::auth

#endif  // BATON_COMMON_AUTH_PRINCIPAL_H_
