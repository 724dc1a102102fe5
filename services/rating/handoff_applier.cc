#include "services/rating/handoff_applier.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "baton/handoff/v1/events.pb.h"
#include "common/api/names.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/rating/histogram.h"

namespace baton::rating {
namespace {

namespace hv1 = ::baton::handoff::v1;
using v1::StoredHandoff;

class Application : public EventStep {
 public:
  using EventStep::EventStep;

  absl::Status Run(const hv1::Event& event) {
    switch (event.payload_case()) {
      case hv1::Event::kTeamCreated:
        return Finish(TeamCreated(event.team_created()));
      case hv1::Event::kChainCreated:
        return Finish(ChainCreated(event.chain_created()));
      case hv1::Event::kWorkItemCreated:
        return Finish(ItemCreated(event.work_item_created()));
      case hv1::Event::kWorkItemCompleted:
        return Finish(ItemCompleted(event.work_item_completed()));
      case hv1::Event::kWorkItemDropped:
        return Finish(ItemDropped(event.work_item_dropped()));
      case hv1::Event::kHandoffOffered:
        return Finish(Offered(event.handoff_offered()));
      case hv1::Event::kHandoffAccepted:
        return Finish(Decided(event.handoff_accepted(), /*accepted=*/true));
      case hv1::Event::kHandoffReturned:
        return Finish(Decided(event.handoff_returned(), /*accepted=*/false));
      case hv1::Event::kHandoffOverdue:
        return Finish(Overdue(event.handoff_overdue()));
      default:  // department_created, and payloads newer than this binary
        return absl::OkStatus();
    }
  }

 private:
  absl::Status TeamCreated(const hv1::Team& team) {
    ASSIGN_OR_RETURN(std::string id, EventId("team.name", team.name(), api::kTeams));
    ASSIGN_OR_RETURN(std::string department,
                     EventId("team.department", team.department(), api::kDepartments));
    tx_.Put(cfs_.org, TeamDepartmentKey(id), department);
    tx_.Put(cfs_.org, DepartmentTeamKey(department, id), team.display_name());
    // A new row on the department's scoreboard (no rollup says so).
    if (options_.marks != nullptr) options_.marks->NoteDepartment(department);
    return absl::OkStatus();
  }

  absl::Status ChainCreated(const hv1::Chain& chain) {
    ASSIGN_OR_RETURN(std::string id, EventId("chain.name", chain.name(), api::kChains));
    v1::StoredChain stored;
    for (const hv1::Stage& stage : chain.stages()) {
      ASSIGN_OR_RETURN(*stored.add_stage_teams(),
                       EventId("stage.owner_team", stage.owner_team(), api::kTeams));
    }
    tx_.PutProto(cfs_.org, ChainStagesKey(id), stored);
    return absl::OkStatus();
  }

  absl::StatusOr<RollupOwner> StageOf(const hv1::WorkItem& item) {
    ASSIGN_OR_RETURN(std::string chain, EventId("work_item.chain", item.chain(), api::kChains));
    if (item.stage_index() < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("work item ", item.name(), " is at stage ", item.stage_index()));
    }
    return RollupOwner{.scope = Scope::kChainStage,
                       .id = std::move(chain),
                       .stage = static_cast<uint32_t>(item.stage_index())};
  }

  absl::Status ItemCreated(const hv1::WorkItem& item) {
    RETURN_IF_ERROR(ItemAtStage(item, slot::kEntered));
    ASSIGN_OR_RETURN(std::string id, EventId("work_item.name", item.name(), api::kWorkItems));
    ASSIGN_OR_RETURN(std::string team,
                     EventId("work_item.holder_team", item.holder_team(), api::kTeams));
    // Not a fresh record: the feedback log may have run ahead, leaving a
    // pending verdict here before the item was created.
    ASSIGN_OR_RETURN(v1::StoredItem stored, LoadItem(tx_, cfs_, id));
    RETURN_IF_ERROR(Holder(stored, team).status());
    StoreItem(tx_, cfs_, id, stored);
    return absl::OkStatus();
  }

  // kEntered at stage 0 on creation, kPassed at the last on completion.
  absl::Status ItemAtStage(const hv1::WorkItem& item, uint32_t counter) {
    ASSIGN_OR_RETURN(RollupOwner stage, StageOf(item));
    const auto& when = counter == slot::kEntered ? item.create_time() : item.update_time();
    rollups_.Add(stage, Day(when), counter, 1);
    return absl::OkStatus();
  }

  absl::Status ItemCompleted(const hv1::WorkItem& item) {
    RETURN_IF_ERROR(ItemAtStage(item, slot::kPassed));
    return ItemFinished(item);
  }

  // Marks the item finished and counts a verdict that came before.
  absl::Status ItemFinished(const hv1::WorkItem& item) {
    ASSIGN_OR_RETURN(std::string id, EventId("work_item.name", item.name(), api::kWorkItems));
    ASSIGN_OR_RETURN(v1::StoredItem stored, LoadItem(tx_, cfs_, id));
    ASSIGN_OR_RETURN(const RollupOwner stage, StageOf(item));
    stored.set_finished(true);
    stored.set_chain(stage.id);
    stored.set_end_stage(stage.stage);
    if (stored.has_pending_verdict()) {
      CountVerdict(stored, stored.pending_verdict().score(), stored.pending_verdict().day(),
                   rollups_);
      stored.clear_pending_verdict();
    }
    StoreItem(tx_, cfs_, id, stored);
    return absl::OkStatus();
  }

  absl::Status ItemDropped(const hv1::WorkItem& item) {
    RETURN_IF_ERROR(ItemFinished(item));
    ASSIGN_OR_RETURN(RollupOwner stage, StageOf(item));
    ASSIGN_OR_RETURN(std::string team,
                     EventId("work_item.holder_team", item.holder_team(), api::kTeams));
    ASSIGN_OR_RETURN(std::string department, DepartmentOf(tx_, cfs_, team));
    std::vector<RollupOwner> owners = {stage, {.scope = Scope::kSupplierTeam, .id = team}};
    if (!department.empty()) owners.push_back({.scope = Scope::kDepartment, .id = department});
    rollups_.Add(owners, Day(item.update_time()), slot::kDrops, 1);
    return absl::OkStatus();
  }

  // The entry of `team` in `item`, added (with its department) when absent.
  absl::StatusOr<v1::StoredItemTeam*> Holder(v1::StoredItem& item, const std::string& team) {
    for (v1::StoredItemTeam& entry : *item.mutable_teams()) {
      if (entry.team() == team) return &entry;
    }
    v1::StoredItemTeam* entry = item.add_teams();
    entry->set_team(team);
    ASSIGN_OR_RETURN(*entry->mutable_department(), DepartmentOf(tx_, cfs_, team));
    return entry;
  }

  // The record of `handoff`: the stored one (which may hold a pending
  // rating) with the event's facts over it.
  absl::StatusOr<StoredHandoff> Record(const hv1::Handoff& handoff, const std::string& id) {
    ASSIGN_OR_RETURN(std::optional<StoredHandoff> stored, LoadHandoff(tx_, cfs_, id));
    StoredHandoff record = stored.value_or(StoredHandoff());
    ASSIGN_OR_RETURN(*record.mutable_supplier_team(),
                     EventId("handoff.supplier_team", handoff.supplier_team(), api::kTeams));
    ASSIGN_OR_RETURN(*record.mutable_customer_team(),
                     EventId("handoff.customer_team", handoff.customer_team(), api::kTeams));
    ASSIGN_OR_RETURN(*record.mutable_chain(),
                     EventId("handoff.chain", handoff.chain(), api::kChains));
    ASSIGN_OR_RETURN(*record.mutable_work_item(),
                     EventId("handoff.work_item", handoff.work_item(), api::kWorkItems));
    ASSIGN_OR_RETURN(*record.mutable_supplier_department(),
                     DepartmentOf(tx_, cfs_, record.supplier_team()));
    ASSIGN_OR_RETURN(*record.mutable_customer_department(),
                     DepartmentOf(tx_, cfs_, record.customer_team()));
    record.set_to_stage(handoff.to_stage());
    record.set_attempt(handoff.attempt());
    *record.mutable_offer_time() = handoff.offer_time();
    *record.mutable_due_time() = handoff.due_time();
    if (handoff.has_decide_time()) *record.mutable_decide_time() = handoff.decide_time();
    return record;
  }

  absl::Status Offered(const hv1::Handoff& handoff) {
    ASSIGN_OR_RETURN(std::string id, EventId("handoff.name", handoff.name(), api::kHandoffs));
    ASSIGN_OR_RETURN(StoredHandoff record, Record(handoff, id));
    record.set_state(v1::STORED_HANDOFF_STATE_OFFERED);
    rollups_.OnlyVolume();  // watches coalesce it (scoreboard_marks.h)
    rollups_.Add(HandoffOwners(record), Day(handoff.offer_time()), slot::kOffers, 1);
    StoreHandoff(tx_, cfs_, id, record);
    return absl::OkStatus();
  }

  absl::Status Decided(const hv1::Handoff& handoff, bool accepted) {
    ASSIGN_OR_RETURN(std::string id, EventId("handoff.name", handoff.name(), api::kHandoffs));
    ASSIGN_OR_RETURN(StoredHandoff record, Record(handoff, id));
    if (record.state() == v1::STORED_HANDOFF_STATE_ACCEPTED ||
        record.state() == v1::STORED_HANDOFF_STATE_RETURNED) {
      return absl::InvalidArgumentError(
          absl::StrCat("handoff ", handoff.name(), " is decided a second time"));
    }
    record.set_state(accepted ? v1::STORED_HANDOFF_STATE_ACCEPTED
                              : v1::STORED_HANDOFF_STATE_RETURNED);
    const absl::Time offer = FromProto(handoff.offer_time());
    const absl::Time decide = FromProto(handoff.decide_time());
    const std::vector<RollupOwner> owners = HandoffOwners(record);
    const DayNumber day = options_.calendar.DayOf(decide);
    rollups_.Add(owners, day, accepted ? slot::kAccepts : slot::kReturns, 1);
    rollups_.Add(owners, day, slot::kDecided, 1);
    if (accepted && handoff.attempt() == 1) rollups_.Add(owners, day, slot::kFirstPass, 1);
    if (decide <= FromProto(handoff.due_time())) rollups_.Add(owners, day, slot::kOnTime, 1);
    rollups_.Add(owners, day, AcceptLatencySlot(LatencyBucket(decide - offer)), 1);
    RETURN_IF_ERROR(Reconcile(options_, record, rollups_));
    StoreHandoff(tx_, cfs_, id, record);

    // Funnel and verdict attribution.
    ASSIGN_OR_RETURN(v1::StoredItem item, LoadItem(tx_, cfs_, record.work_item()));
    ASSIGN_OR_RETURN(v1::StoredItemTeam * supplier, Holder(item, record.supplier_team()));
    if (accepted) {
      supplier->set_passed_first(handoff.attempt() == 1);
      RETURN_IF_ERROR(Holder(item, record.customer_team()).status());
      if (record.to_stage() >= 1) {
        const RollupOwner from{.scope = Scope::kChainStage,
                               .id = record.chain(),
                               .stage = static_cast<uint32_t>(record.to_stage() - 1)};
        RollupOwner to = from;
        to.stage = static_cast<uint32_t>(record.to_stage());
        rollups_.Add(from, day, slot::kPassed, 1);
        rollups_.Add(to, day, slot::kEntered, 1);
      }
    } else {
      supplier->set_reworked(true);
    }
    StoreItem(tx_, cfs_, record.work_item(), item);
    return absl::OkStatus();
  }

  absl::Status Overdue(const hv1::Handoff& handoff) {
    ASSIGN_OR_RETURN(std::string id, EventId("handoff.name", handoff.name(), api::kHandoffs));
    ASSIGN_OR_RETURN(StoredHandoff record, Record(handoff, id));
    rollups_.Add(HandoffOwners(record), Day(handoff.due_time()), slot::kOverdue, 1);
    return absl::OkStatus();
  }
};

}  // namespace

absl::Status HandoffApplier::Apply(storage::Transaction& tx, const events::ConsumedEvent& event) {
  ASSIGN_OR_RETURN(hv1::Event parsed, ParseEvent<hv1::Event>(event, "baton.handoff.v1.Event"));
  return Application(tx, options_, rollups_, FromProto(parsed.time())).Run(parsed);
}

}  // namespace baton::rating
