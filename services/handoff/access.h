#ifndef BATON_SERVICES_HANDOFF_ACCESS_H_
#define BATON_SERVICES_HANDOFF_ACCESS_H_

// The access rules of DESIGN.md that touch the handoff service:
//   org and chains: admin. Offer: the supplier stage's team. Accept, return:
//   the customer team. Complete, drop: the holding team. Create a work item:
//   the first stage's team. Inbox and outbox: the team, its department's
//   head, a service, an admin. Event log: service or admin. Reads of org,
//   chains, items and handoffs: any authenticated caller.
// A caller with the `service` role may act for any team and must say which
// (metadata x-baton-act-as-team); nobody else may act for another team.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"

namespace baton::handoff {

// The metadata key a service names its team in.
inline constexpr absl::string_view kActAsTeamHeader = "x-baton-act-as-team";

// An authenticated caller and the team it acts for.
struct Caller {
  auth::Principal principal;
  // Team id the caller acts for; empty when it acts for none.
  std::string team;
  // When the caller stops waiting; a change not made by then is not made.
  absl::Time deadline = absl::InfiniteFuture();

  bool is_admin() const { return principal.HasRole(auth::Role::kAdmin); }
  bool is_service() const { return principal.HasRole(auth::Role::kService); }
};

// Builds the Caller from a verified principal and the x-baton-act-as-team
// value ("" when absent). PERMISSION_DENIED when a non-service names a team
// other than its own.
absl::StatusOr<Caller> MakeCaller(auth::Principal principal, absl::string_view act_as_team);

// PERMISSION_DENIED unless the caller is an admin. `action` names the RPC.
absl::Status RequireAdmin(const Caller& caller, absl::string_view action);

// PERMISSION_DENIED unless the caller acts for `team_id`. `role` says which
// side of the handoff that team is ("the customer team"), for the message.
absl::Status RequireTeam(const Caller& caller, absl::string_view team_id, absl::string_view action,
                         absl::string_view role);

// PERMISSION_DENIED unless the caller may read the handoffs of `team_id`
// (of department `department_id`): the team, the head of its department, a
// service or an admin.
absl::Status RequireTeamViewer(const Caller& caller, absl::string_view team_id,
                               absl::string_view department_id);

// PERMISSION_DENIED unless the caller has the service or admin role.
absl::Status RequireServiceOrAdmin(const Caller& caller, absl::string_view action);

}  // namespace baton::handoff

#endif  // BATON_SERVICES_HANDOFF_ACCESS_H_
