#include "common/auth/principal.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace baton::auth {

absl::StatusOr<Role> ParseRole(std::string_view name) {
  if (name == "member") return Role::kMember;
  if (name == "head") return Role::kHead;
  if (name == "admin") return Role::kAdmin;
  if (name == "service") return Role::kService;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown role '", absl::string_view(name.data(), name.size()),
                   "'; expected one of 'member', 'head', 'admin', 'service'"));
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kMember:
      return "member";
    case Role::kHead:
      return "head";
    case Role::kAdmin:
      return "admin";
    case Role::kService:
      return "service";
  }
  return "unknown";
}

bool Principal::HasRole(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string Principal::DebugString() const {
  return absl::StrCat("Principal{subject=\"", subject, "\", team=\"", team, "\", department=\"",
                      department, "\", roles=[",
                      absl::StrJoin(roles, ", ",
                                    [](std::string* out, Role r) {
                                      const std::string_view n = RoleName(r);
                                      out->append(n.data(), n.size());
                                    }),
                      "]}");
}

}  // namespace baton::auth
