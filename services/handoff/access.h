#ifndef BATON_SERVICES_HANDOFF_ACCESS_H_
#define BATON_SERVICES_HANDOFF_ACCESS_H_

// The access rules of the handoff service (the shared ones are in
// common/auth/caller.h). Writes:
//   org and chains: admin. Create a work item: the first stage's team.
//   Offer, complete, drop: the holding team. Accept, return: the customer
//   team. Event log: service or admin.
// Reads (work items and handoffs carry people's data: names, phone numbers):
//   org and chains: any authenticated caller (no people's data).
//   A work item or handoff: the teams on its chain, the heads of their
//   departments, services, admins (ChainAudience).
//   A team's inbox/outbox and its watch: the team, the head of its
//   department, services, admins.

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/auth/caller.h"

namespace baton::handoff {

using auth::Caller;

// Who may read a chain's work items and handoffs: its stages' teams and
// their departments. Chains and teams never change once created, so this is
// computed once per chain.
struct ChainAudience {
  absl::flat_hash_set<std::string> teams;        // team ids
  absl::flat_hash_set<std::string> departments;  // department ids of those teams
};

// Whether `caller` may read the work items and handoffs of a chain.
bool MayReadChain(const Caller& caller, const ChainAudience& audience);

// PERMISSION_DENIED (NOT_ON_CHAIN) unless MayReadChain; `resource` names
// what was asked for.
absl::Status RequireChainReader(const Caller& caller, const ChainAudience& audience,
                                absl::string_view resource);

// PERMISSION_DENIED (NOT_TEAM_VIEWER) unless the caller may read the
// handoffs of `team_id` (of department `department_id`): the team, the head
// of its department, a service or an admin.
absl::Status RequireTeamViewer(const Caller& caller, absl::string_view team_id,
                               absl::string_view department_id);

}  // namespace baton::handoff

#endif  // BATON_SERVICES_HANDOFF_ACCESS_H_
