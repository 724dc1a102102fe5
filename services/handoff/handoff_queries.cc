// The read side of HandoffStore: gets, paged lists, and what the streams
// send. Reads see the last durable state, check who may read what
// (access.h), and never take the commit queue.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/names.h"
#include "common/api/paging.h"
#include "common/status/errors.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/time/proto_time.h"
#include "services/handoff/handoff_store.h"
#include "services/handoff/keys.h"

namespace baton::handoff {

using api::kChains;
using api::kDepartments;
using api::kHandoffs;
using api::kTeams;
using api::kWorkItems;
using api::Name;
using api::ParseName;
using api::StoredId;

namespace {

template <typename Message>
absl::Status ParseStored(absl::string_view value, Message* out) {
  if (!out->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("stored ", out->GetTypeName(), " does not parse"));
  }
  return absl::OkStatus();
}

// The states a handoff can be in, each with its own box index.
constexpr v1::HandoffState kListedStates[] = {v1::HANDOFF_STATE_OFFERED, v1::HANDOFF_STATE_ACCEPTED,
                                              v1::HANDOFF_STATE_RETURNED};

}  // namespace

template <typename Message>
absl::Status HandoffStore::ReadProto(rocksdb::ColumnFamilyHandle* cf, const std::string& key,
                                     absl::string_view name, Message* out) const {
  ASSIGN_OR_RETURN(bool found, store_->GetProto(cf, key, out));
  return found ? absl::OkStatus() : NotFound(name);
}

absl::StatusOr<std::shared_ptr<const CachedChain>> HandoffStore::ReadChain(
    absl::string_view id, absl::string_view name) const {
  if (auto cached = chains_.Find(id); cached != nullptr) return cached;
  v1::Chain chain;
  RETURN_IF_ERROR(ReadProto(org_, keys::Org(keys::kChain, id), name, &chain));
  ASSIGN_OR_RETURN(std::shared_ptr<CachedChain> cached,
                   WithAudience(std::move(chain), [&](absl::string_view team_id, v1::Team* team) {
                     return ReadProto(org_, keys::Org(keys::kTeam, team_id), Name(kTeams, team_id),
                                      team);
                   }));
  chains_.Insert(id, cached);  // read from the durable state: committed
  return cached;
}

absl::Status HandoffStore::CheckChainReader(const Caller& caller, absl::string_view chain,
                                            absl::string_view resource) const {
  if (caller.is_admin() || caller.is_service()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::string chain_id, StoredId("chain", chain, kChains));
  ASSIGN_OR_RETURN(std::shared_ptr<const CachedChain> cached, ReadChain(chain_id, chain));
  return RequireChainReader(caller, cached->audience, resource);
}

absl::Status HandoffStore::FillFields(v1::Handoff* handoff) const {
  ASSIGN_OR_RETURN(std::string item_id,
                   StoredId("handoff work item", handoff->work_item(), kWorkItems));
  v1::WorkItem item;
  RETURN_IF_ERROR(ReadProto(items_, keys::Item(item_id), handoff->work_item(), &item));
  *handoff->mutable_fields() = std::move(*item.mutable_fields());
  return absl::OkStatus();
}

absl::Status HandoffStore::GetDepartment(const Caller& caller,
                                         const v1::GetDepartmentRequest& request,
                                         v1::GetDepartmentResponse* response) const {
  ASSIGN_OR_RETURN(std::string id, ParseName("name", request.name(), kDepartments));
  return ReadProto(org_, keys::Org(keys::kDepartment, id), request.name(),
                   response->mutable_department());
}

absl::Status HandoffStore::GetTeam(const Caller& caller, const v1::GetTeamRequest& request,
                                   v1::GetTeamResponse* response) const {
  ASSIGN_OR_RETURN(std::string id, ParseName("name", request.name(), kTeams));
  return ReadProto(org_, keys::Org(keys::kTeam, id), request.name(), response->mutable_team());
}

absl::Status HandoffStore::GetChain(const Caller& caller, const v1::GetChainRequest& request,
                                    v1::GetChainResponse* response) const {
  ASSIGN_OR_RETURN(std::string id, ParseName("name", request.name(), kChains));
  return ReadProto(org_, keys::Org(keys::kChain, id), request.name(), response->mutable_chain());
}

absl::Status HandoffStore::GetWorkItem(const Caller& caller, const v1::GetWorkItemRequest& request,
                                       v1::GetWorkItemResponse* response) const {
  ASSIGN_OR_RETURN(std::string id, ParseName("name", request.name(), kWorkItems));
  v1::WorkItem item;
  RETURN_IF_ERROR(ReadProto(items_, keys::Item(id), request.name(), &item));
  RETURN_IF_ERROR(CheckChainReader(caller, item.chain(), request.name()));
  *response->mutable_work_item() = std::move(item);
  return absl::OkStatus();
}

absl::Status HandoffStore::GetHandoff(const Caller& caller, const v1::GetHandoffRequest& request,
                                      v1::GetHandoffResponse* response) const {
  ASSIGN_OR_RETURN(std::string id, ParseName("name", request.name(), kHandoffs));
  v1::Handoff handoff;
  RETURN_IF_ERROR(ReadProto(handoffs_, keys::Handoff(id), request.name(), &handoff));
  RETURN_IF_ERROR(CheckChainReader(caller, handoff.chain(), request.name()));
  RETURN_IF_ERROR(FillFields(&handoff));
  *response->mutable_handoff() = std::move(handoff);
  return absl::OkStatus();
}

absl::Status HandoffStore::ListDepartments(const Caller& caller,
                                           const v1::ListDepartmentsRequest& request,
                                           v1::ListDepartmentsResponse* response) const {
  ASSIGN_OR_RETURN(int page_size, api::PageSize(request.page_size()));
  return api::ScanPage(
      {.store = store_,
       .cf = org_,
       .prefixes = {keys::OrgPrefix(keys::kDepartment)},
       .page_token = request.page_token(),
       .filter = "departments",
       .page_size = page_size},
      [&](absl::string_view, absl::string_view value, bool* taken) {
        *taken = true;
        return ParseStored(value, response->add_departments());
      },
      response->mutable_next_page_token());
}

absl::Status HandoffStore::ListTeams(const Caller& caller, const v1::ListTeamsRequest& request,
                                     v1::ListTeamsResponse* response) const {
  ASSIGN_OR_RETURN(int page_size, api::PageSize(request.page_size()));
  if (!request.department().empty()) {
    RETURN_IF_ERROR(ParseName("department", request.department(), kDepartments).status());
  }
  return api::ScanPage(
      {.store = store_,
       .cf = org_,
       .prefixes = {keys::OrgPrefix(keys::kTeam)},
       .page_token = request.page_token(),
       .filter = absl::StrCat("teams;department=", request.department()),
       .page_size = page_size},
      [&](absl::string_view, absl::string_view value, bool* taken) -> absl::Status {
        v1::Team team;
        RETURN_IF_ERROR(ParseStored(value, &team));
        if (!request.department().empty() && team.department() != request.department()) {
          return absl::OkStatus();
        }
        *response->add_teams() = std::move(team);
        *taken = true;
        return absl::OkStatus();
      },
      response->mutable_next_page_token());
}

absl::Status HandoffStore::ListChains(const Caller& caller, const v1::ListChainsRequest& request,
                                      v1::ListChainsResponse* response) const {
  ASSIGN_OR_RETURN(int page_size, api::PageSize(request.page_size()));
  return api::ScanPage(
      {.store = store_,
       .cf = org_,
       .prefixes = {keys::OrgPrefix(keys::kChain)},
       .page_token = request.page_token(),
       .filter = "chains",
       .page_size = page_size},
      [&](absl::string_view, absl::string_view value, bool* taken) {
        *taken = true;
        return ParseStored(value, response->add_chains());
      },
      response->mutable_next_page_token());
}

absl::Status HandoffStore::ListWorkItems(const Caller& caller,
                                         const v1::ListWorkItemsRequest& request,
                                         v1::ListWorkItemsResponse* response) const {
  ASSIGN_OR_RETURN(int page_size, api::PageSize(request.page_size()));
  if (!request.chain().empty()) {
    RETURN_IF_ERROR(ParseName("chain", request.chain(), kChains).status());
    // Refused up front rather than answered with empty pages.
    RETURN_IF_ERROR(CheckChainReader(caller, request.chain(),
                                     absl::StrCat("the work items of ", request.chain())));
  }
  if (!request.holder_team().empty()) {
    RETURN_IF_ERROR(ParseName("holder_team", request.holder_team(), kTeams).status());
  }
  if (!v1::WorkItemState_IsValid(request.state())) {
    return InvalidField("state", "is not a WorkItemState value");
  }
  return api::ScanPage(
      {.store = store_,
       .cf = items_,
       .prefixes = {""},
       .page_token = request.page_token(),
       .filter = absl::StrCat("items;chain=", request.chain(), ";holder=", request.holder_team(),
                              ";state=", request.state()),
       .page_size = page_size},
      [&](absl::string_view, absl::string_view value, bool* taken) -> absl::Status {
        v1::WorkItem item;
        RETURN_IF_ERROR(ParseStored(value, &item));
        if ((!request.chain().empty() && item.chain() != request.chain()) ||
            (!request.holder_team().empty() && item.holder_team() != request.holder_team()) ||
            (request.state() != v1::WORK_ITEM_STATE_UNSPECIFIED &&
             item.state() != request.state())) {
          return absl::OkStatus();
        }
        // Only what the caller may read (need to know): others are skipped.
        if (absl::Status s = CheckChainReader(caller, item.chain(), item.name()); !s.ok()) {
          return s.code() == absl::StatusCode::kPermissionDenied ? absl::OkStatus() : s;
        }
        *response->add_work_items() = std::move(item);
        *taken = true;
        return absl::OkStatus();
      },
      response->mutable_next_page_token());
}

absl::Status HandoffStore::ListHandoffs(const Caller& caller,
                                        const v1::ListHandoffsRequest& request,
                                        v1::ListHandoffsResponse* response) const {
  ASSIGN_OR_RETURN(int page_size, api::PageSize(request.page_size()));
  ASSIGN_OR_RETURN(std::string team_id, ParseName("team", request.team(), kTeams));
  if (request.box() != v1::BOX_INBOX && request.box() != v1::BOX_OUTBOX) {
    return InvalidField("box", "is required: BOX_INBOX or BOX_OUTBOX");
  }
  if (!v1::HandoffState_IsValid(request.state())) {
    return InvalidField("state", "is not a HandoffState value");
  }
  v1::Team team;
  RETURN_IF_ERROR(ReadProto(org_, keys::Org(keys::kTeam, team_id), request.team(), &team));
  ASSIGN_OR_RETURN(std::string department_id,
                   StoredId("team department", team.department(), kDepartments));
  RETURN_IF_ERROR(RequireTeamViewer(caller, team_id, department_id));
  const auto box = request.box() == v1::BOX_INBOX ? keys::Box::kInbox : keys::Box::kOutbox;
  // One index per state: listing the open offers of a team with a long
  // history reads only the open ones; with no state filter the three are
  // read merged in id (commit) order. An offer writes one key per box, not
  // also one for an every-state index (measured in bench/README.md).
  std::vector<std::string> prefixes;
  for (v1::HandoffState state : kListedStates) {
    if (request.state() == v1::HANDOFF_STATE_UNSPECIFIED || request.state() == state) {
      prefixes.push_back(keys::StateBoxPrefix(team_id, box, state));
    }
  }
  return api::ScanPage(
      {.store = store_,
       .cf = index_,
       .prefixes = std::move(prefixes),
       .page_token = request.page_token(),
       .filter = absl::StrCat("handoffs;team=", team_id, ";box=", request.box(),
                              ";state=", request.state()),
       .page_size = page_size},
      [&](absl::string_view suffix, absl::string_view, bool* taken) -> absl::Status {
        std::string id;
        storage::KeyReader reader(suffix);
        if (!reader.Str(&id)) return absl::DataLossError("box index holds a malformed key");
        v1::Handoff handoff;
        RETURN_IF_ERROR(ReadProto(handoffs_, keys::Handoff(id), Name(kHandoffs, id), &handoff));
        RETURN_IF_ERROR(FillFields(&handoff));
        *response->add_handoffs() = std::move(handoff);
        *taken = true;
        return absl::OkStatus();
      },
      response->mutable_next_page_token());
}

absl::StatusOr<std::optional<absl::Time>> HandoffStore::NextDue() const {
  const std::string prefix = keys::DuePrefix();
  std::shared_ptr<const rocksdb::Snapshot> pin;
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(store_->DurableReads(&pin), index_));
  it->Seek(prefix);
  if (!it->Valid() || !it->key().starts_with(prefix)) {
    RETURN_IF_ERROR(FromRocksDb(it->status()));
    return std::nullopt;
  }
  absl::Time due;
  std::string id;
  if (!keys::ParseDue({it->key().data(), it->key().size()}, &due, &id)) {
    return absl::DataLossError("due index holds a malformed key");
  }
  return due;
}

absl::StatusOr<std::string> HandoffStore::AuthorizeInboxWatch(const Caller& caller,
                                                              const std::string& team) const {
  ASSIGN_OR_RETURN(std::string team_id, ParseName("team", team, kTeams));
  v1::Team stored;
  RETURN_IF_ERROR(ReadProto(org_, keys::Org(keys::kTeam, team_id), team, &stored));
  ASSIGN_OR_RETURN(std::string department_id,
                   StoredId("team department", stored.department(), kDepartments));
  RETURN_IF_ERROR(RequireTeamViewer(caller, team_id, department_id));
  return team_id;
}

bool HandoffStore::DecodeEvent(const events::EventLog::Entry& entry, v1::Event* event) {
  if (!event->ParseFromString(entry.value)) return false;
  event->set_sequence(entry.sequence);
  return true;
}

std::string HandoffStore::InboxTopic(const std::string& team_id) { return Name(kTeams, team_id); }

void HandoffStore::EventTopics(const events::EventLog::Entry& entry,
                               std::vector<std::string>* topics) {
  v1::Event event;
  if (!event.ParseFromString(entry.value)) {
    topics->emplace_back(events::kEveryTopic);
  } else if (event.has_handoff_offered()) {
    topics->push_back(event.handoff_offered().customer_team());
  } else if (event.has_handoff_overdue()) {
    topics->push_back(event.handoff_overdue().customer_team());
  }
}

bool HandoffStore::InboxUpdate(const v1::Event& event, const std::string& team_id,
                               v1::WatchInboxResponse* update) {
  const std::string team = Name(kTeams, team_id);
  if (event.has_handoff_offered() && event.handoff_offered().customer_team() == team) {
    *update->mutable_offered() = event.handoff_offered();
    return true;
  }
  if (event.has_handoff_overdue() && event.handoff_overdue().customer_team() == team) {
    *update->mutable_overdue() = event.handoff_overdue();
    return true;
  }
  return false;
}

}  // namespace baton::handoff
