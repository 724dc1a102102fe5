#ifndef BATON_COMMON_AUTH_CALLER_H_
#define BATON_COMMON_AUTH_CALLER_H_

// Who calls and for which team, and the access checks every service shares.
//
// A caller with the `service` role may act for any team and must say which
// (metadata x-baton-act-as-team); nobody else may act for another team.
// Department heads: a caller heads department D when its token carries the
// `head` role and the `department` claim D. That is the one source of truth
// for headship in Baton (the identity provider says who heads what; no
// service keeps its own copy), so every service decides it the same way
// without asking another.
//
// Every refusal is PERMISSION_DENIED with a message a person can act on and
// an ErrorInfo reason saying which rule refused it (ADMIN_REQUIRED,
// SERVICE_REQUIRED, ACT_AS_FORBIDDEN, ACT_AS_REQUIRED, or the reason the
// caller of RequireTeam names, e.g. NOT_HOLDER).

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"

namespace baton::auth {

// The metadata key a service names its team in.
inline constexpr absl::string_view kActAsTeamHeader = "x-baton-act-as-team";

// An authenticated caller and the team it acts for.
struct Caller {
  Principal principal;
  // Team id the caller acts for; empty when it acts for none.
  std::string team;
  // When the caller stops waiting; a change not made by then is not made.
  absl::Time deadline = absl::InfiniteFuture();

  bool is_admin() const { return principal.HasRole(Role::kAdmin); }
  bool is_service() const { return principal.HasRole(Role::kService); }
  // Whether the caller heads department `department_id` (see above).
  bool heads(absl::string_view department_id) const {
    return !department_id.empty() && principal.HasRole(Role::kHead) &&
           principal.department == department_id;
  }
};

// Builds the Caller from a verified principal and the x-baton-act-as-team
// value ("" when absent). PERMISSION_DENIED (ACT_AS_FORBIDDEN) when a
// non-service names a team other than its own.
absl::StatusOr<Caller> MakeCaller(Principal principal, absl::string_view act_as_team);

// PERMISSION_DENIED with `reason` and `message`.
absl::Status Denied(absl::string_view reason, std::string message);

// PERMISSION_DENIED (ADMIN_REQUIRED) unless the caller is an admin.
// `action` names the RPC.
absl::Status RequireAdmin(const Caller& caller, absl::string_view action);

// PERMISSION_DENIED (SERVICE_REQUIRED) unless the caller has the service or
// admin role.
absl::Status RequireServiceOrAdmin(const Caller& caller, absl::string_view action);

// PERMISSION_DENIED unless the caller acts for `team_id`. `role` says which
// side that team is ("the customer"), for the message; `reason` is the
// ErrorInfo reason (e.g. "NOT_CUSTOMER"). A service that named no team gets
// ACT_AS_REQUIRED.
absl::Status RequireTeam(const Caller& caller, absl::string_view team_id, absl::string_view action,
                         absl::string_view role, absl::string_view reason);

}  // namespace baton::auth

#endif  // BATON_COMMON_AUTH_CALLER_H_
