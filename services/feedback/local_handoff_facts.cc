#include "services/feedback/local_handoff_facts.h"

#include <utility>

#include "common/api/names.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/feedback/handoff_fact_parsing.h"

namespace baton::feedback {

LocalHandoffFacts::LocalHandoffFacts(const handoff::HandoffStore* store) : store_(store) {
  self_.principal.subject = "baton-feedback";
  self_.principal.roles = {auth::Role::kService};
}

absl::StatusOr<TeamFact> LocalHandoffFacts::ReadTeam(absl::string_view id) const {
  handoff::v1::GetTeamRequest request;
  request.set_name(api::Name(api::kTeams, id));
  handoff::v1::GetTeamResponse response;
  RETURN_IF_ERROR(store_->GetTeam(self_, request, &response));
  return TeamFactOf(response.team());
}

absl::StatusOr<HandoffFact> LocalHandoffFacts::ReadHandoff(absl::string_view id) const {
  handoff::v1::GetHandoffRequest request;
  request.set_name(api::Name(api::kHandoffs, id));
  handoff::v1::GetHandoffResponse response;
  RETURN_IF_ERROR(store_->GetHandoff(self_, request, &response));
  ASSIGN_OR_RETURN(HandoffFact fact, HandoffFactOf(response.handoff()));
  ASSIGN_OR_RETURN(fact.supplier, ReadTeam(fact.supplier.team_id));
  ASSIGN_OR_RETURN(fact.customer, ReadTeam(fact.customer.team_id));
  return fact;
}

absl::StatusOr<WorkItemFact> LocalHandoffFacts::ReadWorkItem(absl::string_view id) const {
  handoff::v1::GetWorkItemRequest request;
  request.set_name(api::Name(api::kWorkItems, id));
  handoff::v1::GetWorkItemResponse response;
  RETURN_IF_ERROR(store_->GetWorkItem(self_, request, &response));
  handoff::v1::GetChainRequest chain_request;
  chain_request.set_name(response.work_item().chain());
  handoff::v1::GetChainResponse chain;
  RETURN_IF_ERROR(store_->GetChain(self_, chain_request, &chain));
  return WorkItemFactOf(response.work_item(), chain.chain());
}

void LocalHandoffFacts::Handoff(absl::string_view id, absl::Time, FactCallback<HandoffFact> done) {
  done(ReadHandoff(id));
}

void LocalHandoffFacts::Team(absl::string_view id, absl::Time, FactCallback<TeamFact> done) {
  done(ReadTeam(id));
}

void LocalHandoffFacts::WorkItem(absl::string_view id, absl::Time,
                                 FactCallback<WorkItemFact> done) {
  done(ReadWorkItem(id));
}

std::function<absl::StatusOr<std::unique_ptr<HandoffFacts>>()> LocalFacts(
    const handoff::HandoffModule* handoff) {
  return [handoff]() -> absl::StatusOr<std::unique_ptr<HandoffFacts>> {
    if (handoff->store() == nullptr) {
      return absl::FailedPreconditionError("the handoff module must open before feedback");
    }
    return std::make_unique<LocalHandoffFacts>(handoff->store());
  };
}

}  // namespace baton::feedback
