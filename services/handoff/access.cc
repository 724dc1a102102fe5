#include "services/handoff/access.h"

#include "absl/strings/str_cat.h"

namespace baton::handoff {

bool MayReadChain(const Caller& caller, const ChainAudience& audience) {
  if (caller.is_admin() || caller.is_service()) return true;
  if (!caller.team.empty() && audience.teams.contains(caller.team)) return true;
  return caller.principal.HasRole(auth::Role::kHead) &&
         audience.departments.contains(caller.principal.department);
}

absl::Status RequireChainReader(const Caller& caller, const ChainAudience& audience,
                                absl::string_view resource) {
  if (MayReadChain(caller, audience)) return absl::OkStatus();
  return auth::Denied("NOT_ON_CHAIN",
                      absl::StrCat(resource,
                                   " is for the teams on its chain, the heads of their "
                                   "departments, services and admins; the caller acts for ",
                                   caller.team.empty() ? std::string("no team")
                                                       : absl::StrCat("teams/", caller.team)));
}

absl::Status RequireTeamViewer(const Caller& caller, absl::string_view team_id,
                               absl::string_view department_id) {
  if (caller.team == team_id || caller.is_admin() || caller.is_service() ||
      caller.heads(department_id)) {
    return absl::OkStatus();
  }
  return auth::Denied("NOT_TEAM_VIEWER",
                      absl::StrCat("the handoffs of teams/", team_id,
                                   " are for that team, the head of departments/", department_id,
                                   ", services and admins"));
}

}  // namespace baton::handoff
