#include "services/handoff/handoff_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/mutation.h"
#include "common/api/names.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/time/proto_time.h"
#include "services/handoff/keys.h"
#include "services/handoff/validation.h"

namespace baton::handoff {

using api::ActorOf;
using api::kChains;
using api::kDepartments;
using api::kHandoffs;
using api::kTeams;
using api::kWorkItems;
using api::Name;
using api::StoredId;

namespace {

absl::Status AlreadyExists(const std::string& name) {
  return ErrorWithInfo(absl::StatusCode::kAlreadyExists, "RESOURCE_EXISTS",
                       absl::StrCat(name, " already exists"), {{"resource", name}});
}

absl::Status WrongState(const std::string& name, std::string message) {
  return FailedPrecondition("WRONG_STATE", absl::StrCat(name, ": ", message),
                            {{"STATE", name, message}});
}

std::string StateName(v1::HandoffState state) {
  switch (state) {
    case v1::HANDOFF_STATE_OFFERED:
      return "offered";
    case v1::HANDOFF_STATE_ACCEPTED:
      return "accepted";
    case v1::HANDOFF_STATE_RETURNED:
      return "returned";
    default:
      return "in an unknown state";
  }
}

std::string StateName(v1::WorkItemState state) {
  switch (state) {
    case v1::WORK_ITEM_STATE_ACTIVE:
      return "active";
    case v1::WORK_ITEM_STATE_COMPLETED:
      return "completed";
    case v1::WORK_ITEM_STATE_DROPPED:
      return "dropped";
    default:
      return "in an unknown state";
  }
}

// Fields of `required` that `fields` lacks or holds empty.
std::vector<std::string> MissingFields(
    const google::protobuf::RepeatedPtrField<std::string>& required,
    const google::protobuf::Map<std::string, std::string>& fields) {
  std::vector<std::string> missing;
  for (const std::string& name : required) {
    auto it = fields.find(name);
    if (it == fields.end() || it->second.empty()) missing.push_back(name);
  }
  return missing;
}

absl::Status MissingFieldsError(const std::vector<std::string>& missing, const v1::Stage& stage) {
  std::vector<Violation> violations;
  for (const std::string& field : missing) {
    violations.push_back(
        {"MISSING_FIELD", field, absl::StrCat("required by stage \"", stage.display_name(), "\"")});
  }
  return FailedPrecondition(
      "MISSING_REQUIRED_FIELDS",
      absl::StrCat("stage \"", stage.display_name(), "\" requires fields that are missing: ",
                   absl::StrJoin(missing, ", "), "; set them in `fields`"),
      violations);
}

// The event form of a resource: no people's data (see the class comment).
template <typename Message>
Message WithoutFields(Message message) {
  message.clear_fields();
  return message;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HandoffStore>> HandoffStore::Open(storage::Store* store,
                                                                 storage::CommitQueue* queue,
                                                                 const Clock* clock) {
  // Topics let a team's inbox watchers sleep through other teams' events.
  const events::EventLogOptions log_options{.topics = &HandoffStore::EventTopics, .clock = clock};
  ASSIGN_OR_RETURN(std::unique_ptr<events::EventLog> log,
                   events::EventLog::Open(store, keys::kEventsCf, log_options));
  return std::unique_ptr<HandoffStore>(new HandoffStore(store, queue, clock, std::move(log)));
}

HandoffStore::HandoffStore(storage::Store* store, storage::CommitQueue* queue, const Clock* clock,
                           std::unique_ptr<events::EventLog> event_log)
    : store_(store),
      queue_(queue),
      clock_(clock),
      ids_(clock),
      event_log_(std::move(event_log)),
      mutations_(queue, store->cf(keys::kRequestsCf)),
      org_(store->cf(keys::kOrgCf)),
      items_(store->cf(keys::kItemsCf)),
      handoffs_(store->cf(keys::kHandoffsCf)),
      index_(store->cf(keys::kIndexCf)) {}

void HandoffStore::Submit(const char* method, const Caller& caller,
                          const google::protobuf::Message& request,
                          google::protobuf::Message* response, Done done,
                          absl::AnyInvocable<absl::Status(storage::Transaction&)> body) {
  // Deciding an offer drains the queue: admitted past the bound for new work.
  const absl::string_view name(method);
  const storage::Admission admission = name == "AcceptHandoff" || name == "ReturnHandoff"
                                           ? storage::Admission::kDrains
                                           : storage::Admission::kNew;
  mutations_.Submit(method, caller, request, response, std::move(done), std::move(body), admission);
}

void HandoffStore::AppendEvent(storage::Transaction& tx, const Caller& caller,
                               const std::function<void(v1::Event&)>& fill) {
  v1::Event event;
  *event.mutable_time() = ToProto(tx.now());
  *event.mutable_actor() = ActorOf(caller);
  fill(event);
  tx.Append(event_log_->writer(), event.SerializeAsString());
}

absl::Status HandoffStore::LoadTeam(storage::Transaction& tx, absl::string_view id,
                                    v1::Team* team) const {
  ASSIGN_OR_RETURN(bool found, tx.GetProto(org_, keys::Org(keys::kTeam, id), team));
  return found ? absl::OkStatus() : NotFound(Name(kTeams, id));
}

absl::Status HandoffStore::LoadChain(storage::Transaction& tx, absl::string_view id,
                                     std::shared_ptr<const CachedChain>* chain) const {
  if ((*chain = chains_.Find(id)) != nullptr) return absl::OkStatus();
  const std::string key = keys::Org(keys::kChain, id);
  v1::Chain loaded;
  ASSIGN_OR_RETURN(bool found, tx.GetProto(org_, key, &loaded));
  if (!found) return NotFound(Name(kChains, id));
  ASSIGN_OR_RETURN(std::shared_ptr<CachedChain> cached,
                   WithAudience(std::move(loaded), [&](absl::string_view team_id, v1::Team* team) {
                     return LoadTeam(tx, team_id, team);
                   }));
  // Remember it only once it is durable (Store::Get reads the durable
  // snapshot): until then a crash could still undo its creation.
  ASSIGN_OR_RETURN(std::optional<std::string> committed, store_->Get(org_, key));
  if (committed.has_value()) chains_.Insert(id, cached);
  *chain = std::move(cached);
  return absl::OkStatus();
}

absl::Status HandoffStore::LoadItem(storage::Transaction& tx, absl::string_view id,
                                    v1::WorkItem* item) const {
  ASSIGN_OR_RETURN(bool found, tx.GetProto(items_, keys::Item(id), item));
  return found ? absl::OkStatus() : NotFound(Name(kWorkItems, id));
}

absl::Status HandoffStore::LoadHandoff(storage::Transaction& tx, absl::string_view id,
                                       v1::Handoff* handoff) const {
  ASSIGN_OR_RETURN(bool found, tx.GetProto(handoffs_, keys::Handoff(id), handoff));
  return found ? absl::OkStatus() : NotFound(Name(kHandoffs, id));
}

// --- Org ---------------------------------------------------------------

void HandoffStore::CreateDepartment(const Caller& caller,
                                    const v1::CreateDepartmentRequest& request,
                                    v1::CreateDepartmentResponse* response, Done done) {
  if (absl::Status s = Validate(request); !s.ok()) return done(s);
  if (absl::Status s = auth::RequireAdmin(caller, "CreateDepartment"); !s.ok()) return done(s);
  Submit("CreateDepartment", caller, request, response, std::move(done),
         [this, caller, &request, response](storage::Transaction& tx) -> absl::Status {
           const std::string id =
               request.department_id().empty() ? ids_.Next() : request.department_id();
           const std::string key = keys::Org(keys::kDepartment, id);
           ASSIGN_OR_RETURN(auto existing, tx.Get(org_, key));
           if (existing.has_value()) return AlreadyExists(Name(kDepartments, id));
           v1::Department department = request.department();
           department.set_name(Name(kDepartments, id));
           *department.mutable_create_time() = ToProto(tx.now());
           tx.PutProto(org_, key, department);
           AppendEvent(tx, caller,
                       [&](v1::Event& e) { *e.mutable_department_created() = department; });
           *response->mutable_department() = std::move(department);
           return absl::OkStatus();
         });
}

void HandoffStore::CreateTeam(const Caller& caller, const v1::CreateTeamRequest& request,
                              v1::CreateTeamResponse* response, Done done) {
  absl::StatusOr<std::string> department_id = Validate(request);
  if (!department_id.ok()) return done(department_id.status());
  if (absl::Status s = auth::RequireAdmin(caller, "CreateTeam"); !s.ok()) return done(s);
  Submit("CreateTeam", caller, request, response, std::move(done),
         [this, caller, department_id = *std::move(department_id), &request,
          response](storage::Transaction& tx) -> absl::Status {
           const std::string id = request.team_id().empty() ? ids_.Next() : request.team_id();
           ASSIGN_OR_RETURN(auto department,
                            tx.Get(org_, keys::Org(keys::kDepartment, department_id)));
           if (!department.has_value()) return NotFound(request.team().department());
           const std::string key = keys::Org(keys::kTeam, id);
           ASSIGN_OR_RETURN(auto existing, tx.Get(org_, key));
           if (existing.has_value()) return AlreadyExists(Name(kTeams, id));
           v1::Team team = request.team();
           team.set_name(Name(kTeams, id));
           *team.mutable_create_time() = ToProto(tx.now());
           tx.PutProto(org_, key, team);
           AppendEvent(tx, caller, [&](v1::Event& e) { *e.mutable_team_created() = team; });
           *response->mutable_team() = std::move(team);
           return absl::OkStatus();
         });
}

void HandoffStore::CreateChain(const Caller& caller, const v1::CreateChainRequest& request,
                               v1::CreateChainResponse* response, Done done) {
  absl::StatusOr<std::vector<std::string>> owners = Validate(request);
  if (!owners.ok()) return done(owners.status());
  if (absl::Status s = auth::RequireAdmin(caller, "CreateChain"); !s.ok()) return done(s);
  Submit("CreateChain", caller, request, response, std::move(done),
         [this, caller, owners = *std::move(owners), &request,
          response](storage::Transaction& tx) -> absl::Status {
           for (const std::string& owner : owners) {
             v1::Team team;
             RETURN_IF_ERROR(LoadTeam(tx, owner, &team));
           }
           const std::string id = request.chain_id().empty() ? ids_.Next() : request.chain_id();
           const std::string key = keys::Org(keys::kChain, id);
           ASSIGN_OR_RETURN(auto existing, tx.Get(org_, key));
           if (existing.has_value()) return AlreadyExists(Name(kChains, id));
           v1::Chain chain = request.chain();
           chain.set_name(Name(kChains, id));
           *chain.mutable_create_time() = ToProto(tx.now());
           tx.PutProto(org_, key, chain);
           AppendEvent(tx, caller, [&](v1::Event& e) { *e.mutable_chain_created() = chain; });
           *response->mutable_chain() = std::move(chain);
           return absl::OkStatus();
         });
}

// --- Work items ----------------------------------------------------------

void HandoffStore::CreateWorkItem(const Caller& caller, const v1::CreateWorkItemRequest& request,
                                  v1::CreateWorkItemResponse* response, Done done) {
  absl::StatusOr<std::string> chain_id = Validate(request);
  if (!chain_id.ok()) return done(chain_id.status());
  Submit(
      "CreateWorkItem", caller, request, response, std::move(done),
      [this, caller, chain_id = *std::move(chain_id), &request,
       response](storage::Transaction& tx) -> absl::Status {
        std::shared_ptr<const CachedChain> chain;
        RETURN_IF_ERROR(LoadChain(tx, chain_id, &chain));
        const v1::Stage& first = chain->chain.stages(0);
        ASSIGN_OR_RETURN(std::string team_id, StoredId("owner team", first.owner_team(), kTeams));
        RETURN_IF_ERROR(auth::RequireTeam(caller, team_id, "CreateWorkItem", "the first stage's",
                                          "NOT_FIRST_STAGE"));
        const std::string ref_key = keys::ExternalReference(chain_id, request.external_reference());
        ASSIGN_OR_RETURN(auto existing, tx.Get(index_, ref_key));
        if (existing.has_value()) {
          const std::string existing_name = Name(kWorkItems, *existing);
          return ErrorWithInfo(
              absl::StatusCode::kAlreadyExists, "EXTERNAL_REFERENCE_EXISTS",
              absl::StrCat(request.chain(), " already has a work item with external_reference \"",
                           request.external_reference(), "\": ", existing_name),
              {{"existing", existing_name}});
        }
        if (auto missing = MissingFields(first.required_fields(), request.fields());
            !missing.empty()) {
          return MissingFieldsError(missing, first);
        }
        // Made here, on the committer: ids follow commit order.
        const std::string id = ids_.Next();
        v1::WorkItem item;
        item.set_name(Name(kWorkItems, id));
        item.set_chain(request.chain());
        item.set_external_reference(request.external_reference());
        *item.mutable_fields() = request.fields();
        item.set_stage_index(0);
        item.set_holder_team(first.owner_team());
        item.set_state(v1::WORK_ITEM_STATE_ACTIVE);
        *item.mutable_create_time() = ToProto(tx.now());
        *item.mutable_update_time() = ToProto(tx.now());
        tx.PutProto(items_, keys::Item(id), item);
        tx.Put(index_, ref_key, id);
        AppendEvent(tx, caller,
                    [&](v1::Event& e) { *e.mutable_work_item_created() = WithoutFields(item); });
        *response->mutable_work_item() = std::move(item);
        return absl::OkStatus();
      });
}

// Loads the active work item `id` held by the caller's team, for `action`.
absl::Status HandoffStore::LoadHeldItem(storage::Transaction& tx, const Caller& caller,
                                        absl::string_view action, absl::string_view id,
                                        v1::WorkItem* item) const {
  RETURN_IF_ERROR(LoadItem(tx, id, item));
  ASSIGN_OR_RETURN(std::string holder, StoredId("holder team", item->holder_team(), kTeams));
  RETURN_IF_ERROR(auth::RequireTeam(caller, holder, action, "the holding", "NOT_HOLDER"));
  if (item->state() != v1::WORK_ITEM_STATE_ACTIVE) {
    return WrongState(item->name(), absl::StrCat("is ", StateName(item->state()), ", not active"));
  }
  return absl::OkStatus();
}

void HandoffStore::CompleteWorkItem(const Caller& caller,
                                    const v1::CompleteWorkItemRequest& request,
                                    v1::CompleteWorkItemResponse* response, Done done) {
  absl::StatusOr<std::string> item_id = Validate(request);
  if (!item_id.ok()) return done(item_id.status());
  Submit(
      "CompleteWorkItem", caller, request, response, std::move(done),
      [this, caller, id = *std::move(item_id), response](storage::Transaction& tx) -> absl::Status {
        v1::WorkItem item;
        RETURN_IF_ERROR(LoadHeldItem(tx, caller, "CompleteWorkItem", id, &item));
        ASSIGN_OR_RETURN(std::string chain_id, StoredId("item chain", item.chain(), kChains));
        std::shared_ptr<const CachedChain> chain;
        RETURN_IF_ERROR(LoadChain(tx, chain_id, &chain));
        const int stages = chain->chain.stages_size();
        if (item.stage_index() != stages - 1) {
          return WrongState(item.name(),
                            absl::StrCat("is at stage ", item.stage_index() + 1, " of ", stages,
                                         "; only the last stage completes it"));
        }
        item.set_state(v1::WORK_ITEM_STATE_COMPLETED);
        *item.mutable_update_time() = ToProto(tx.now());
        tx.PutProto(items_, keys::Item(id), item);
        AppendEvent(tx, caller,
                    [&](v1::Event& e) { *e.mutable_work_item_completed() = WithoutFields(item); });
        *response->mutable_work_item() = std::move(item);
        return absl::OkStatus();
      });
}

void HandoffStore::DropWorkItem(const Caller& caller, const v1::DropWorkItemRequest& request,
                                v1::DropWorkItemResponse* response, Done done) {
  absl::StatusOr<std::string> item_id = Validate(request);
  if (!item_id.ok()) return done(item_id.status());
  Submit("DropWorkItem", caller, request, response, std::move(done),
         [this, caller, id = *std::move(item_id), &request,
          response](storage::Transaction& tx) -> absl::Status {
           v1::WorkItem item;
           RETURN_IF_ERROR(LoadHeldItem(tx, caller, "DropWorkItem", id, &item));
           if (!item.open_handoff().empty()) {
             return WrongState(item.name(), absl::StrCat("is offered in ", item.open_handoff(),
                                                         "; wait for the customer's decision"));
           }
           item.set_state(v1::WORK_ITEM_STATE_DROPPED);
           item.set_drop_reason(request.reason());
           item.set_drop_note(request.note());
           *item.mutable_update_time() = ToProto(tx.now());
           tx.PutProto(items_, keys::Item(id), item);
           AppendEvent(tx, caller,
                       [&](v1::Event& e) { *e.mutable_work_item_dropped() = WithoutFields(item); });
           *response->mutable_work_item() = std::move(item);
           return absl::OkStatus();
         });
}

// --- Handoffs --------------------------------------------------------------

void HandoffStore::OfferHandoff(const Caller& caller, const v1::OfferHandoffRequest& request,
                                v1::OfferHandoffResponse* response, Done done) {
  absl::StatusOr<std::string> item_id = Validate(request);
  if (!item_id.ok()) return done(item_id.status());
  Submit(
      "OfferHandoff", caller, request, response, std::move(done),
      [this, caller, item_id = *std::move(item_id), &request,
       response](storage::Transaction& tx) -> absl::Status {
        v1::WorkItem item;
        RETURN_IF_ERROR(LoadHeldItem(tx, caller, "OfferHandoff", item_id, &item));
        if (!item.open_handoff().empty()) {
          return WrongState(item.name(),
                            absl::StrCat("is already offered in ", item.open_handoff()));
        }
        ASSIGN_OR_RETURN(std::string supplier, StoredId("holder team", item.holder_team(), kTeams));
        ASSIGN_OR_RETURN(std::string chain_id, StoredId("item chain", item.chain(), kChains));
        std::shared_ptr<const CachedChain> chain;
        RETURN_IF_ERROR(LoadChain(tx, chain_id, &chain));
        const int to = item.stage_index() + 1;
        if (to >= chain->chain.stages_size()) {
          return WrongState(item.name(),
                            "is at the last stage; complete it instead of offering it");
        }
        for (const auto& [key, value] : request.fields()) (*item.mutable_fields())[key] = value;
        if (item.fields_size() > kMaxFields) {
          return InvalidField("fields", absl::StrCat("the item would hold ", item.fields_size(),
                                                     " fields; at most ", kMaxFields, " allowed"));
        }
        const v1::Stage& next = chain->chain.stages(to);
        if (auto missing = MissingFields(next.required_fields(), item.fields()); !missing.empty()) {
          return MissingFieldsError(missing, next);
        }
        const std::string attempts_key = keys::Attempts(item_id, to);
        ASSIGN_OR_RETURN(auto attempts_value, tx.Get(index_, attempts_key));
        uint32_t attempts = 0;
        if (attempts_value.has_value()) {
          storage::KeyReader reader(*attempts_value);
          if (!reader.U32(&attempts)) return absl::DataLossError("attempt counter is malformed");
        }
        ++attempts;
        tx.Put(index_, attempts_key, storage::KeyWriter().U32(attempts).Take());

        ASSIGN_OR_RETURN(std::string customer, StoredId("owner team", next.owner_team(), kTeams));
        const absl::Time due = tx.now() + FromProto(next.sla());
        // Made here, on the committer: ids follow commit order.
        const std::string handoff_id = ids_.Next();
        v1::Handoff handoff;
        handoff.set_name(Name(kHandoffs, handoff_id));
        handoff.set_work_item(item.name());
        handoff.set_chain(item.chain());
        handoff.set_from_stage(item.stage_index());
        handoff.set_to_stage(to);
        handoff.set_supplier_team(item.holder_team());
        handoff.set_customer_team(next.owner_team());
        handoff.set_attempt(static_cast<int32_t>(attempts));
        handoff.set_state(v1::HANDOFF_STATE_OFFERED);
        handoff.set_note(request.note());
        *handoff.mutable_offer_time() = ToProto(tx.now());
        *handoff.mutable_due_time() = ToProto(due);
        *handoff.mutable_offered_by() = ActorOf(caller);

        item.set_open_handoff(handoff.name());
        *item.mutable_update_time() = ToProto(tx.now());
        tx.PutProto(items_, keys::Item(item_id), item);
        tx.PutProto(handoffs_, keys::Handoff(handoff_id), handoff);  // without the fields
        tx.Put(
            index_,
            keys::StateBoxEntry(customer, keys::Box::kInbox, v1::HANDOFF_STATE_OFFERED, handoff_id),
            "");
        tx.Put(index_,
               keys::StateBoxEntry(supplier, keys::Box::kOutbox, v1::HANDOFF_STATE_OFFERED,
                                   handoff_id),
               "");
        tx.Put(index_, keys::Due(due, handoff_id), "");
        AppendEvent(tx, caller, [&](v1::Event& e) { *e.mutable_handoff_offered() = handoff; });
        *handoff.mutable_fields() = item.fields();
        *response->mutable_handoff() = std::move(handoff);
        return absl::OkStatus();
      });
}

absl::Status HandoffStore::Decide(storage::Transaction& tx, const Caller& caller,
                                  absl::string_view action, absl::string_view id,
                                  v1::Handoff* handoff, v1::WorkItem* item,
                                  std::shared_ptr<const CachedChain>* chain) {
  RETURN_IF_ERROR(LoadHandoff(tx, id, handoff));
  ASSIGN_OR_RETURN(std::string customer,
                   StoredId("customer team", handoff->customer_team(), kTeams));
  RETURN_IF_ERROR(auth::RequireTeam(caller, customer, action, "the customer", "NOT_CUSTOMER"));
  if (handoff->state() != v1::HANDOFF_STATE_OFFERED) {
    return WrongState(handoff->name(), absl::StrCat("is already ", StateName(handoff->state())));
  }
  ASSIGN_OR_RETURN(std::string item_id,
                   StoredId("handoff work item", handoff->work_item(), kWorkItems));
  RETURN_IF_ERROR(LoadItem(tx, item_id, item));
  ASSIGN_OR_RETURN(std::string chain_id, StoredId("handoff chain", handoff->chain(), kChains));
  return LoadChain(tx, chain_id, chain);
}

absl::Status HandoffStore::WriteDecision(storage::Transaction& tx, absl::string_view id,
                                         const v1::Handoff& handoff) {
  ASSIGN_OR_RETURN(std::string customer,
                   StoredId("customer team", handoff.customer_team(), kTeams));
  ASSIGN_OR_RETURN(std::string supplier,
                   StoredId("supplier team", handoff.supplier_team(), kTeams));
  tx.Delete(index_, keys::Due(FromProto(handoff.due_time()), id));
  for (const auto& [team, box] :
       {std::pair(customer, keys::Box::kInbox), std::pair(supplier, keys::Box::kOutbox)}) {
    tx.Delete(index_, keys::StateBoxEntry(team, box, v1::HANDOFF_STATE_OFFERED, id));
    tx.Put(index_, keys::StateBoxEntry(team, box, handoff.state(), id), "");
  }
  tx.PutProto(handoffs_, keys::Handoff(id), WithoutFields(handoff));
  return absl::OkStatus();
}

void HandoffStore::AcceptHandoff(const Caller& caller, const v1::AcceptHandoffRequest& request,
                                 v1::AcceptHandoffResponse* response, Done done) {
  absl::StatusOr<std::string> handoff_id = Validate(request);
  if (!handoff_id.ok()) return done(handoff_id.status());
  Submit("AcceptHandoff", caller, request, response, std::move(done),
         [this, caller, id = *std::move(handoff_id), &request,
          response](storage::Transaction& tx) -> absl::Status {
           v1::Handoff handoff;
           v1::WorkItem item;
           std::shared_ptr<const CachedChain> chain;
           RETURN_IF_ERROR(Decide(tx, caller, "AcceptHandoff", id, &handoff, &item, &chain));
           const v1::Stage& stage = chain->chain.stages(handoff.to_stage());
           if (stage.requires_read_back() && request.read_back().empty()) {
             return InvalidField(
                 "read_back",
                 absl::StrCat("stage \"", stage.display_name(),
                              "\" asks for a read-back: your own summary of what you received"));
           }
           ASSIGN_OR_RETURN(std::string item_id, StoredId("item", item.name(), kWorkItems));
           handoff.set_state(v1::HANDOFF_STATE_ACCEPTED);
           handoff.set_read_back(request.read_back());
           *handoff.mutable_decide_time() = ToProto(tx.now());
           *handoff.mutable_decided_by() = ActorOf(caller);
           RETURN_IF_ERROR(WriteDecision(tx, id, handoff));
           item.set_stage_index(handoff.to_stage());
           item.set_holder_team(handoff.customer_team());
           item.clear_open_handoff();
           *item.mutable_update_time() = ToProto(tx.now());
           tx.PutProto(items_, keys::Item(item_id), item);
           AppendEvent(tx, caller, [&](v1::Event& e) { *e.mutable_handoff_accepted() = handoff; });
           *handoff.mutable_fields() = item.fields();
           *response->mutable_handoff() = std::move(handoff);
           return absl::OkStatus();
         });
}

void HandoffStore::ReturnHandoff(const Caller& caller, const v1::ReturnHandoffRequest& request,
                                 v1::ReturnHandoffResponse* response, Done done) {
  absl::StatusOr<std::string> handoff_id = Validate(request);
  if (!handoff_id.ok()) return done(handoff_id.status());
  Submit("ReturnHandoff", caller, request, response, std::move(done),
         [this, caller, id = *std::move(handoff_id), &request,
          response](storage::Transaction& tx) -> absl::Status {
           v1::Handoff handoff;
           v1::WorkItem item;
           std::shared_ptr<const CachedChain> chain;
           RETURN_IF_ERROR(Decide(tx, caller, "ReturnHandoff", id, &handoff, &item, &chain));
           ASSIGN_OR_RETURN(std::string item_id, StoredId("item", item.name(), kWorkItems));
           handoff.set_state(v1::HANDOFF_STATE_RETURNED);
           *handoff.mutable_return_reasons() = request.reasons();
           *handoff.mutable_return_fields() = request.fields();
           handoff.set_return_note(request.note());
           *handoff.mutable_decide_time() = ToProto(tx.now());
           *handoff.mutable_decided_by() = ActorOf(caller);
           RETURN_IF_ERROR(WriteDecision(tx, id, handoff));
           item.clear_open_handoff();
           *item.mutable_update_time() = ToProto(tx.now());
           tx.PutProto(items_, keys::Item(item_id), item);
           AppendEvent(tx, caller, [&](v1::Event& e) { *e.mutable_handoff_returned() = handoff; });
           *handoff.mutable_fields() = item.fields();
           *response->mutable_handoff() = std::move(handoff);
           return absl::OkStatus();
         });
}

void HandoffStore::MarkOverdue(size_t limit, int* marked, Done done) {
  queue_->Submit(
      [this, limit, marked](storage::Transaction& tx) -> absl::Status {
        // The due index as written to the database (an offer whose group is
        // still being written is seen on the next tick); each entry is re-read
        // through the transaction, so an offer decided since is skipped.
        rocksdb::ReadOptions options;
        const std::string prefix = keys::DuePrefix();
        const std::string end = keys::Due(tx.now() + absl::Microseconds(1), "");
        rocksdb::Slice upper(end);
        options.iterate_upper_bound = &upper;
        std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(options, index_));
        Caller system;
        system.principal.subject = "baton-overdue-timer";
        int count = 0;
        for (it->Seek(prefix); it->Valid() && static_cast<size_t>(count) < limit; it->Next()) {
          absl::Time due;
          std::string id;
          if (!keys::ParseDue({it->key().data(), it->key().size()}, &due, &id)) {
            return absl::DataLossError("due index holds a malformed key");
          }
          tx.Delete(index_, {it->key().data(), it->key().size()});
          v1::Handoff handoff;
          ASSIGN_OR_RETURN(bool found, tx.GetProto(handoffs_, keys::Handoff(id), &handoff));
          if (!found || handoff.state() != v1::HANDOFF_STATE_OFFERED || handoff.overdue()) continue;
          handoff.set_overdue(true);
          tx.PutProto(handoffs_, keys::Handoff(id), handoff);
          AppendEvent(tx, system,
                      [&](v1::Event& e) { *e.mutable_handoff_overdue() = WithoutFields(handoff); });
          ++count;
        }
        if (marked != nullptr) *marked = count;
        return it->status().ok() ? absl::OkStatus() : absl::InternalError(it->status().ToString());
      },
      std::move(done), storage::Admission::kDrains);
}

}  // namespace baton::handoff
