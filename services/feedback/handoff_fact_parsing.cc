#include "services/feedback/handoff_fact_parsing.h"

#include "common/api/names.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"

namespace baton::feedback {

using api::StoredId;

absl::StatusOr<TeamFact> TeamFactOf(const handoff::v1::Team& team) {
  TeamFact fact;
  ASSIGN_OR_RETURN(fact.team_id, StoredId("team", team.name(), api::kTeams));
  ASSIGN_OR_RETURN(fact.department_id,
                   StoredId("team department", team.department(), api::kDepartments));
  return fact;
}

absl::StatusOr<HandoffFact> HandoffFactOf(const handoff::v1::Handoff& handoff) {
  HandoffFact fact;
  ASSIGN_OR_RETURN(fact.handoff_id, StoredId("handoff", handoff.name(), api::kHandoffs));
  ASSIGN_OR_RETURN(fact.work_item_id,
                   StoredId("handoff work item", handoff.work_item(), api::kWorkItems));
  ASSIGN_OR_RETURN(fact.chain_id, StoredId("handoff chain", handoff.chain(), api::kChains));
  ASSIGN_OR_RETURN(fact.supplier.team_id,
                   StoredId("supplier team", handoff.supplier_team(), api::kTeams));
  ASSIGN_OR_RETURN(fact.customer.team_id,
                   StoredId("customer team", handoff.customer_team(), api::kTeams));
  fact.state = handoff.state();
  if (handoff.has_decide_time()) fact.decide_time = FromProto(handoff.decide_time());
  return fact;
}

absl::StatusOr<WorkItemFact> WorkItemFactOf(const handoff::v1::WorkItem& item,
                                            const handoff::v1::Chain& chain) {
  WorkItemFact fact;
  ASSIGN_OR_RETURN(fact.work_item_id, StoredId("work item", item.name(), api::kWorkItems));
  ASSIGN_OR_RETURN(fact.chain_id, StoredId("item chain", item.chain(), api::kChains));
  fact.state = item.state();
  fact.stage_index = item.stage_index();
  for (const handoff::v1::Stage& stage : chain.stages()) {
    ASSIGN_OR_RETURN(std::string team_id,
                     StoredId("stage owner team", stage.owner_team(), api::kTeams));
    fact.chain_team_ids.push_back(std::move(team_id));
  }
  return fact;
}

}  // namespace baton::feedback
