#include "common/auth/caller.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace baton::auth {

absl::Status Denied(absl::string_view reason, std::string message) {
  return ErrorWithInfo(absl::StatusCode::kPermissionDenied, reason, std::move(message));
}

absl::StatusOr<Caller> MakeCaller(Principal principal, absl::string_view act_as_team) {
  Caller caller;
  caller.team = principal.team;
  if (!act_as_team.empty() && act_as_team != principal.team) {
    if (!principal.HasRole(Role::kService)) {
      return Denied("ACT_AS_FORBIDDEN",
                    absl::StrCat("only the service role may act for another team (",
                                 kActAsTeamHeader, ": ", act_as_team, ")"));
    }
    caller.team = std::string(act_as_team);
  }
  caller.principal = std::move(principal);
  return caller;
}

absl::Status RequireAdmin(const Caller& caller, absl::string_view action) {
  if (caller.is_admin()) return absl::OkStatus();
  return Denied("ADMIN_REQUIRED", absl::StrCat(action, " needs the admin role; ",
                                               caller.principal.subject, " does not have it"));
}

absl::Status RequireServiceOrAdmin(const Caller& caller, absl::string_view action) {
  if (caller.is_service() || caller.is_admin()) return absl::OkStatus();
  return Denied("SERVICE_REQUIRED", absl::StrCat(action, " needs the service or admin role"));
}

absl::Status RequireTeam(const Caller& caller, absl::string_view team_id, absl::string_view action,
                         absl::string_view role, absl::string_view reason) {
  if (caller.team == team_id) return absl::OkStatus();
  if (caller.team.empty() && caller.is_service()) {
    return Denied("ACT_AS_REQUIRED",
                  absl::StrCat(action, ": a service must name the team it acts for in ",
                               kActAsTeamHeader, " metadata (here teams/", team_id, ")"));
  }
  return Denied(reason, absl::StrCat(action, " is for ", role, " team teams/", team_id,
                                     "; the caller acts for ",
                                     caller.team.empty() ? std::string("no team")
                                                         : absl::StrCat("teams/", caller.team)));
}

}  // namespace baton::auth
