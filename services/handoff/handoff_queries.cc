// The read side of HandoffStore: gets, paged lists, and what the streams
// send. Reads see the last committed state and never take the commit queue.

#include <functional>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/time/proto_time.h"
#include "services/handoff/handoff_store.h"
#include "services/handoff/keys.h"
#include "services/handoff/names.h"

namespace baton::handoff {
namespace {

// At most this many entries are examined per filtered list call; a page may
// come back short with a token to go on, so no call scans without bound.
constexpr int kMaxScanPerPage = 5000;

// Scans keys of `cf` that start with `prefix`, from just after the page
// token's key, calling `visit(key_suffix, value)` until it returns false or
// `page_size` items were taken. `visit` returns whether it took the item via
// *taken. Sets next_page_token when more may follow.
absl::Status ScanPage(const storage::Store& store, rocksdb::ColumnFamilyHandle* cf,
                      const std::string& prefix, const std::string& page_token, int page_size,
                      const std::function<absl::Status(
                          absl::string_view suffix, absl::string_view value, bool* taken)>& visit,
                      std::string* next_page_token) {
  std::string start = prefix;
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(std::string last, DecodePageToken(page_token));
    start = prefix + last;
    start.push_back('\0');  // the smallest key after `last`
  }
  const std::string end = storage::PrefixEnd(prefix);
  std::shared_ptr<const rocksdb::Snapshot> pin;
  rocksdb::ReadOptions options = store.DurableReads(&pin);
  rocksdb::Slice upper(end);
  if (!end.empty()) options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator(options, cf));
  int taken_count = 0;
  int scanned = 0;
  for (it->Seek(start); it->Valid(); it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    absl::string_view suffix = key.substr(prefix.size());
    if (taken_count == page_size || scanned == kMaxScanPerPage) {
      // More remain: resume after the last key examined.
      std::string last_key(it->key().data(), it->key().size());
      it->Prev();
      absl::string_view prev(it->key().data(), it->key().size());
      *next_page_token = EncodePageToken(prev.substr(prefix.size()));
      return absl::OkStatus();
    }
    bool taken = false;
    RETURN_IF_ERROR(visit(suffix, {it->value().data(), it->value().size()}, &taken));
    taken_count += taken;
    ++scanned;
  }
  return FromRocksDb(it->status());
}

template <typename Message>
absl::Status ParseStored(absl::string_view value, Message* out) {
  if (!out->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("stored ", out->GetTypeName(), " does not parse"));
  }
  return absl::OkStatus();
}

}  // namespace

template <typename Message>
absl::Status HandoffStore::ReadProto(rocksdb::ColumnFamilyHandle* cf, const std::string& key,
                                     absl::string_view name, Message* out) const {
  ASSIGN_OR_RETURN(bool found, store_->GetProto(cf, key, out));
  return found ? absl::OkStatus() : NotFound(name);
}

absl::Status HandoffStore::GetDepartment(const v1::GetDepartmentRequest& request,
                                         v1::GetDepartmentResponse* response) const {
  ASSIGN_OR_RETURN(std::string id, ParseName("name", request.name(), kDepartments));
  return ReadProto(org_, keys::Org(keys::kDepartment, id), request.name(),
                   response->mutable_department());
}

absl::Status HandoffStore::GetTeam(const v1::GetTeamRequest& request,
                                   v1::GetTeamResponse* response) const {
  ASSIGN_OR_RETURN(std::string id, ParseName("name", request.name(), kTeams));
  return ReadProto(org_, keys::Org(keys::kTeam, id), request.name(), response->mutable_team());
}

absl::Status HandoffStore::GetChain(const v1::GetChainRequest& request,
                                    v1::GetChainResponse* response) const {
  ASSIGN_OR_RETURN(std::string id, ParseName("name", request.name(), kChains));
  return ReadProto(org_, keys::Org(keys::kChain, id), request.name(), response->mutable_chain());
}

absl::Status HandoffStore::GetWorkItem(const v1::GetWorkItemRequest& request,
                                       v1::GetWorkItemResponse* response) const {
  ASSIGN_OR_RETURN(std::string id, ParseName("name", request.name(), kWorkItems));
  return ReadProto(items_, keys::Item(id), request.name(), response->mutable_work_item());
}

absl::Status HandoffStore::GetHandoff(const v1::GetHandoffRequest& request,
                                      v1::GetHandoffResponse* response) const {
  ASSIGN_OR_RETURN(std::string id, ParseName("name", request.name(), kHandoffs));
  return ReadProto(handoffs_, keys::Handoff(id), request.name(), response->mutable_handoff());
}

absl::Status HandoffStore::ListDepartments(const v1::ListDepartmentsRequest& request,
                                           v1::ListDepartmentsResponse* response) const {
  ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  return ScanPage(
      *store_, org_, keys::OrgPrefix(keys::kDepartment), request.page_token(), page_size,
      [&](absl::string_view, absl::string_view value, bool* taken) {
        *taken = true;
        return ParseStored(value, response->add_departments());
      },
      response->mutable_next_page_token());
}

absl::Status HandoffStore::ListTeams(const v1::ListTeamsRequest& request,
                                     v1::ListTeamsResponse* response) const {
  ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  if (!request.department().empty()) {
    RETURN_IF_ERROR(ParseName("department", request.department(), kDepartments).status());
  }
  return ScanPage(
      *store_, org_, keys::OrgPrefix(keys::kTeam), request.page_token(), page_size,
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

absl::Status HandoffStore::ListChains(const v1::ListChainsRequest& request,
                                      v1::ListChainsResponse* response) const {
  ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  return ScanPage(
      *store_, org_, keys::OrgPrefix(keys::kChain), request.page_token(), page_size,
      [&](absl::string_view, absl::string_view value, bool* taken) {
        *taken = true;
        return ParseStored(value, response->add_chains());
      },
      response->mutable_next_page_token());
}

absl::Status HandoffStore::ListWorkItems(const v1::ListWorkItemsRequest& request,
                                         v1::ListWorkItemsResponse* response) const {
  ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  if (!request.chain().empty()) {
    RETURN_IF_ERROR(ParseName("chain", request.chain(), kChains).status());
  }
  if (!request.holder_team().empty()) {
    RETURN_IF_ERROR(ParseName("holder_team", request.holder_team(), kTeams).status());
  }
  if (!v1::WorkItemState_IsValid(request.state())) {
    return InvalidField("state", "is not a WorkItemState value");
  }
  return ScanPage(
      *store_, items_, "", request.page_token(), page_size,
      [&](absl::string_view, absl::string_view value, bool* taken) -> absl::Status {
        v1::WorkItem item;
        RETURN_IF_ERROR(ParseStored(value, &item));
        if ((!request.chain().empty() && item.chain() != request.chain()) ||
            (!request.holder_team().empty() && item.holder_team() != request.holder_team()) ||
            (request.state() != v1::WORK_ITEM_STATE_UNSPECIFIED &&
             item.state() != request.state())) {
          return absl::OkStatus();
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
  ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  ASSIGN_OR_RETURN(std::string team_id, ParseName("team", request.team(), kTeams));
  if (request.box() != v1::BOX_INBOX && request.box() != v1::BOX_OUTBOX) {
    return InvalidField("box", "is required: BOX_INBOX or BOX_OUTBOX");
  }
  if (!v1::HandoffState_IsValid(request.state())) {
    return InvalidField("state", "is not a HandoffState value");
  }
  v1::Team team;
  RETURN_IF_ERROR(ReadProto(org_, keys::Org(keys::kTeam, team_id), request.team(), &team));
  RETURN_IF_ERROR(RequireTeamViewer(
      caller, team_id, ParseName("department", team.department(), kDepartments).value_or("")));
  const auto box = request.box() == v1::BOX_INBOX ? keys::Box::kInbox : keys::Box::kOutbox;
  return ScanPage(
      *store_, index_, keys::BoxPrefix(team_id, box), request.page_token(), page_size,
      [&](absl::string_view suffix, absl::string_view, bool* taken) -> absl::Status {
        std::string id;
        storage::KeyReader reader(suffix);
        if (!reader.Str(&id)) return absl::DataLossError("box index holds a malformed key");
        v1::Handoff handoff;
        RETURN_IF_ERROR(ReadProto(handoffs_, keys::Handoff(id), Name(kHandoffs, id), &handoff));
        if (request.state() != v1::HANDOFF_STATE_UNSPECIFIED &&
            handoff.state() != request.state()) {
          return absl::OkStatus();
        }
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
  RETURN_IF_ERROR(RequireTeamViewer(
      caller, team_id, ParseName("department", stored.department(), kDepartments).value_or("")));
  return team_id;
}

absl::Status HandoffStore::AuthorizeEventStream(const Caller& caller) {
  return RequireServiceOrAdmin(caller, "StreamEvents");
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
