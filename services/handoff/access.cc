#include "services/handoff/access.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace baton::handoff {
namespace {

absl::Status Denied(std::string message) {
  return ErrorWithInfo(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
                       std::move(message));
}

}  // namespace

absl::StatusOr<Caller> MakeCaller(auth::Principal principal, absl::string_view act_as_team) {
  Caller caller;
  caller.team = principal.team;
  if (!act_as_team.empty() && act_as_team != principal.team) {
    if (!principal.HasRole(auth::Role::kService)) {
      return Denied(absl::StrCat("only the service role may act for another team (",
                                 kActAsTeamHeader, ": ", act_as_team, ")"));
    }
    caller.team = std::string(act_as_team);
  }
  caller.principal = std::move(principal);
  return caller;
}

absl::Status RequireAdmin(const Caller& caller, absl::string_view action) {
  if (caller.is_admin()) return absl::OkStatus();
  return Denied(absl::StrCat(action, " needs the admin role; ", caller.principal.subject,
                             " does not have it"));
}

absl::Status RequireTeam(const Caller& caller, absl::string_view team_id, absl::string_view action,
                         absl::string_view role) {
  if (caller.team == team_id) return absl::OkStatus();
  if (caller.team.empty() && caller.is_service()) {
    return Denied(absl::StrCat(action, ": a service must name the team it acts for in ",
                               kActAsTeamHeader, " metadata (here teams/", team_id, ")"));
  }
  return Denied(absl::StrCat(
      action, " is for ", role, " teams/", team_id, "; the caller acts for ",
      caller.team.empty() ? std::string("no team") : absl::StrCat("teams/", caller.team)));
}

absl::Status RequireTeamViewer(const Caller& caller, absl::string_view team_id,
                               absl::string_view department_id) {
  if (caller.team == team_id || caller.is_admin() || caller.is_service()) return absl::OkStatus();
  if (caller.principal.HasRole(auth::Role::kHead) && caller.principal.department == department_id) {
    return absl::OkStatus();
  }
  return Denied(absl::StrCat("the handoffs of teams/", team_id,
                             " are for that team, the head of departments/", department_id,
                             ", services and admins"));
}

absl::Status RequireServiceOrAdmin(const Caller& caller, absl::string_view action) {
  if (caller.is_service() || caller.is_admin()) return absl::OkStatus();
  return Denied(absl::StrCat(action, " needs the service or admin role"));
}

}  // namespace baton::handoff
