// The outside customer's verdict on a finished work item: recorded once by
// a service (a survey, a CRM) or an admin, read by the teams of its chain.

#include <string>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "common/api/mutation.h"
#include "common/api/names.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/feedback/feedback_store.h"
#include "services/feedback/keys.h"
#include "services/feedback/validation.h"

namespace baton::feedback {
namespace {

using api::kChains;
using api::kVerdicts;
using api::kWorkItems;
using api::Name;

// How `item` left its chain; UNSPECIFIED while it is still on it.
v1::ItemOutcome OutcomeOf(const WorkItemFact& item) {
  switch (item.state) {
    case handoff::v1::WORK_ITEM_STATE_COMPLETED:
      return v1::ITEM_OUTCOME_COMPLETED;
    case handoff::v1::WORK_ITEM_STATE_DROPPED:
      return v1::ITEM_OUTCOME_DROPPED;
    default:
      return v1::ITEM_OUTCOME_UNSPECIFIED;
  }
}

absl::Status NotFinished(const WorkItemFact& item) {
  const std::string name = Name(kWorkItems, item.work_item_id);
  return FailedPrecondition(
      "ITEM_NOT_FINISHED",
      absl::StrCat(name,
                   " is still on its chain; record the verdict once it is completed or "
                   "dropped"),
      {{"STATE", name, "not completed or dropped"}});
}

// Services and admins read every verdict; anyone else only when acting
// for a team with a stage on the item's chain.
bool ReadsEveryVerdict(const Caller& caller) { return caller.is_service() || caller.is_admin(); }

absl::Status RequireChainTeam(const Caller& caller, const WorkItemFact& item,
                              const std::string& verdict) {
  if (ReadsEveryVerdict(caller) || absl::c_linear_search(item.chain_team_ids, caller.team)) {
    return absl::OkStatus();
  }
  return auth::Denied(
      "NOT_ON_CHAIN",
      absl::StrCat(verdict, " is for the teams of chains/", item.chain_id,
                   ", services and admins; the caller acts for teams/", caller.team));
}

}  // namespace

void FeedbackStore::RecordVerdict(const Caller& caller, const v1::RecordVerdictRequest& request,
                                  v1::RecordVerdictResponse* response, Done done) {
  absl::StatusOr<std::string> id = Validate(request);
  if (!id.ok()) return done(id.status());
  if (absl::Status s = auth::RequireServiceOrAdmin(caller, "RecordVerdict"); !s.ok()) {
    return done(s);
  }
  // A finished item stays finished, so the fact still holds at commit.
  facts_->WorkItem(
      *id, FactsDeadline(caller),
      [this, caller, &request, response,
       done = std::move(done)](absl::StatusOr<WorkItemFact> item) mutable {
        if (!item.ok()) return done(item.status());
        const v1::ItemOutcome outcome = OutcomeOf(*item);
        if (outcome == v1::ITEM_OUTCOME_UNSPECIFIED) return done(NotFinished(*item));
        Submit("RecordVerdict", caller, request, response, std::move(done),
               [this, caller, &request, response, item = *std::move(item),
                outcome](storage::Transaction& tx) -> absl::Status {
                 const std::string key = keys::Id(item.work_item_id);
                 const std::string name = Name(kVerdicts, item.work_item_id);
                 ASSIGN_OR_RETURN(auto existing, tx.Get(verdicts_, key));
                 if (existing.has_value()) {
                   return ErrorWithInfo(absl::StatusCode::kAlreadyExists, "VERDICT_EXISTS",
                                        absl::StrCat(name,
                                                     " is recorded already; a work item "
                                                     "has one verdict"),
                                        {{"resource", name}});
                 }
                 v1::Verdict verdict;
                 verdict.set_name(name);
                 verdict.set_work_item(Name(kWorkItems, item.work_item_id));
                 verdict.set_chain(Name(kChains, item.chain_id));
                 verdict.set_outcome(outcome);
                 verdict.set_final_stage(item.stage_index);
                 verdict.set_score(request.score());
                 verdict.set_comment(request.comment());
                 *verdict.mutable_recorded_by() = api::ActorOf(caller);
                 *verdict.mutable_create_time() = ToProto(tx.now());
                 tx.PutProto(verdicts_, key, verdict);
                 AppendEvent(tx, &caller,
                             [&](v1::Event& e) { *e.mutable_verdict_recorded() = verdict; });
                 *response->mutable_verdict() = std::move(verdict);
                 return absl::OkStatus();
               });
      });
}

void FeedbackStore::GetVerdict(const Caller& caller, const v1::GetVerdictRequest& request,
                               v1::GetVerdictResponse* response, Done done) const {
  absl::StatusOr<std::string> id = Validate(request);
  if (!id.ok()) return done(id.status());
  const std::string name = Name(kVerdicts, *id);
  if (ReadsEveryVerdict(caller)) {
    return done(ReadProto(verdicts_, keys::Id(*id), name, response->mutable_verdict()));
  }
  if (caller.team.empty()) {
    return done(auth::Denied("NOT_ON_CHAIN",
                             absl::StrCat(name,
                                          " is for the teams of its work item's chain, "
                                          "services and admins; the caller acts for no team")));
  }
  facts_->WorkItem(*id, FactsDeadline(caller),
                   [this, caller, id = *id, name, response,
                    done = std::move(done)](absl::StatusOr<WorkItemFact> item) mutable {
                     // An unknown item has no verdict: say so of the verdict asked for.
                     if (absl::IsNotFound(item.status())) return done(NotFound(name));
                     if (!item.ok()) return done(item.status());
                     if (absl::Status s = RequireChainTeam(caller, *item, name); !s.ok()) {
                       return done(s);
                     }
                     done(ReadProto(verdicts_, keys::Id(id), name, response->mutable_verdict()));
                   });
}

}  // namespace baton::feedback
