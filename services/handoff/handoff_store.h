#ifndef BATON_SERVICES_HANDOFF_HANDOFF_STORE_H_
#define BATON_SERVICES_HANDOFF_HANDOFF_STORE_H_

// The handoff domain: org, chains, work items and handoffs, their rules and
// their persistence. Knows nothing of gRPC; the service adapter calls it.
//
// Mutations are asynchronous: each validates its request, then runs as a
// storage::Mutation on the commit queue (which serialises them, so a rule
// checked there holds when the change is written), appends its event in the
// same batch, and calls `done` once durable. A request_id makes a mutation
// idempotent (storage::RequestLedger). Ids of new work items and handoffs
// are made on the committer, in commit order, so a client listing "oldest
// first" never misses one committed behind its cursor. Reads are
// synchronous, read the last durable state, and check who may read what
// (access.h).
//
// A work item's fields (people's data) are stored once, on the item: a
// handoff record carries none and gets the item's when read, and events
// carry none at all.
//
// Thread-safe.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "baton/handoff/v1/events.pb.h"
#include "baton/handoff/v1/handoff_service.pb.h"
#include "common/events/event_log.h"
#include "common/storage/commit_queue.h"
#include "common/api/mutation.h"
#include "common/storage/store.h"
#include "common/time/clock.h"
#include "common/time/id_generator.h"
#include "services/handoff/access.h"
#include "services/handoff/chain_cache.h"

namespace baton::handoff {

using storage::Done;

class HandoffStore {
 public:
  // `store` must have been opened with keys::ColumnFamilies(); `store`,
  // `queue` and `clock` must outlive this object.
  static absl::StatusOr<std::unique_ptr<HandoffStore>> Open(storage::Store* store,
                                                            storage::CommitQueue* queue,
                                                            const Clock* clock);

  // The event log (outbox) of this service.
  events::EventLog* event_log() const { return event_log_.get(); }

  // --- Mutations. Each ends by calling `done` exactly once; on OK the
  // response is filled. Codes as in handoff_service.proto.
  void CreateDepartment(const Caller& caller, const v1::CreateDepartmentRequest& request,
                        v1::CreateDepartmentResponse* response, Done done);
  void CreateTeam(const Caller& caller, const v1::CreateTeamRequest& request,
                  v1::CreateTeamResponse* response, Done done);
  void CreateChain(const Caller& caller, const v1::CreateChainRequest& request,
                   v1::CreateChainResponse* response, Done done);
  void CreateWorkItem(const Caller& caller, const v1::CreateWorkItemRequest& request,
                      v1::CreateWorkItemResponse* response, Done done);
  void CompleteWorkItem(const Caller& caller, const v1::CompleteWorkItemRequest& request,
                        v1::CompleteWorkItemResponse* response, Done done);
  void DropWorkItem(const Caller& caller, const v1::DropWorkItemRequest& request,
                    v1::DropWorkItemResponse* response, Done done);
  void OfferHandoff(const Caller& caller, const v1::OfferHandoffRequest& request,
                    v1::OfferHandoffResponse* response, Done done);
  void AcceptHandoff(const Caller& caller, const v1::AcceptHandoffRequest& request,
                     v1::AcceptHandoffResponse* response, Done done);
  void ReturnHandoff(const Caller& caller, const v1::ReturnHandoffRequest& request,
                     v1::ReturnHandoffResponse* response, Done done);

  // Marks every offer whose due time is at or before the commit time as
  // overdue and records a handoff_overdue event for each (at most `limit`
  // per call). `marked`, when set, receives how many were marked.
  void MarkOverdue(size_t limit, int* marked, Done done);
  // The earliest due time of an open offer not yet marked overdue.
  absl::StatusOr<std::optional<absl::Time>> NextDue() const;

  // --- Reads. Codes as in handoff_service.proto.
  absl::Status GetDepartment(const Caller& caller, const v1::GetDepartmentRequest& request,
                             v1::GetDepartmentResponse* response) const;
  absl::Status ListDepartments(const Caller& caller, const v1::ListDepartmentsRequest& request,
                               v1::ListDepartmentsResponse* response) const;
  absl::Status GetTeam(const Caller& caller, const v1::GetTeamRequest& request,
                       v1::GetTeamResponse* response) const;
  absl::Status ListTeams(const Caller& caller, const v1::ListTeamsRequest& request,
                         v1::ListTeamsResponse* response) const;
  absl::Status GetChain(const Caller& caller, const v1::GetChainRequest& request,
                        v1::GetChainResponse* response) const;
  absl::Status ListChains(const Caller& caller, const v1::ListChainsRequest& request,
                          v1::ListChainsResponse* response) const;
  absl::Status GetWorkItem(const Caller& caller, const v1::GetWorkItemRequest& request,
                           v1::GetWorkItemResponse* response) const;
  absl::Status ListWorkItems(const Caller& caller, const v1::ListWorkItemsRequest& request,
                             v1::ListWorkItemsResponse* response) const;
  absl::Status GetHandoff(const Caller& caller, const v1::GetHandoffRequest& request,
                          v1::GetHandoffResponse* response) const;
  absl::Status ListHandoffs(const Caller& caller, const v1::ListHandoffsRequest& request,
                            v1::ListHandoffsResponse* response) const;

  // Checks that `caller` may watch the inbox of `team` (a resource name)
  // and returns the team's id: INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED.
  absl::StatusOr<std::string> AuthorizeInboxWatch(const Caller& caller,
                                                  const std::string& team) const;

  // Turns a log entry into an Event with its sequence; false when the stored
  // bytes do not parse.
  static bool DecodeEvent(const events::EventLog::Entry& entry, v1::Event* event);
  // The inbox update an event means for team `team_id`, if any.
  static bool InboxUpdate(const v1::Event& event, const std::string& team_id,
                          v1::WatchInboxResponse* update);
  // The event log's topics (events::TopicsFn): InboxTopic(team) of each team
  // whose inbox an event updates — exactly the events InboxUpdate passes —
  // and events::kEveryTopic when the entry does not parse.
  static void EventTopics(const events::EventLog::Entry& entry, std::vector<std::string>* topics);
  static std::string InboxTopic(const std::string& team_id);

 private:
  HandoffStore(storage::Store* store, storage::CommitQueue* queue, const Clock* clock,
               std::unique_ptr<events::EventLog> event_log);

  // Runs `body` as an idempotent mutation of `method` after checking the
  // caller's deadline; `done` gets the outcome.
  void Submit(const char* method, const Caller& caller, const google::protobuf::Message& request,
              google::protobuf::Message* response, Done done,
              absl::AnyInvocable<absl::Status(storage::Transaction&)> body);
  // Stages the event `fill` describes, stamped with the commit time and actor.
  void AppendEvent(storage::Transaction& tx, const Caller& caller,
                   const std::function<void(v1::Event&)>& fill);

  // Loads within a mutation; NOT_FOUND naming the resource when absent.
  absl::Status LoadTeam(storage::Transaction& tx, absl::string_view id, v1::Team* team) const;
  // Chains never change once created, so they are read through chains_.
  absl::Status LoadChain(storage::Transaction& tx, absl::string_view id,
                         std::shared_ptr<const CachedChain>* chain) const;
  absl::Status LoadItem(storage::Transaction& tx, absl::string_view id, v1::WorkItem* item) const;
  absl::Status LoadHandoff(storage::Transaction& tx, absl::string_view id, v1::Handoff* h) const;
  // Loads the active work item `id` that the caller's team holds, for
  // `action`: NOT_FOUND, PERMISSION_DENIED (NOT_HOLDER), FAILED_PRECONDITION.
  absl::Status LoadHeldItem(storage::Transaction& tx, const Caller& caller,
                            absl::string_view action, absl::string_view id,
                            v1::WorkItem* item) const;
  // A handoff's decision (accept or return) by its customer team: loads the
  // handoff `id`, its item and chain, and checks the caller and the state.
  absl::Status Decide(storage::Transaction& tx, const Caller& caller, absl::string_view action,
                      absl::string_view id, v1::Handoff* handoff, v1::WorkItem* item,
                      std::shared_ptr<const CachedChain>* chain);
  // Writes a decided handoff (state ACCEPTED or RETURNED) and moves its
  // inbox/outbox entries out of the open offers.
  absl::Status WriteDecision(storage::Transaction& tx, absl::string_view id,
                             const v1::Handoff& handoff);

  // The committed chain `id` for reads; NOT_FOUND naming `name` otherwise.
  absl::StatusOr<std::shared_ptr<const CachedChain>> ReadChain(absl::string_view id,
                                                               absl::string_view name) const;
  // PERMISSION_DENIED unless `caller` may read items and handoffs of the
  // chain named `chain` (a stored name).
  absl::Status CheckChainReader(const Caller& caller, absl::string_view chain,
                                absl::string_view resource) const;
  // Sets a read handoff's fields from its work item.
  absl::Status FillFields(v1::Handoff* handoff) const;

  // Reads of committed state.
  template <typename Message>
  absl::Status ReadProto(rocksdb::ColumnFamilyHandle* cf, const std::string& key,
                         absl::string_view name, Message* out) const;

  storage::Store* const store_;
  storage::CommitQueue* const queue_;
  const Clock* const clock_;
  IdGenerator ids_;
  std::unique_ptr<events::EventLog> event_log_;
  api::Mutations mutations_;
  rocksdb::ColumnFamilyHandle* const org_;
  rocksdb::ColumnFamilyHandle* const items_;
  rocksdb::ColumnFamilyHandle* const handoffs_;
  rocksdb::ColumnFamilyHandle* const index_;
  mutable ChainCache chains_;
};

}  // namespace baton::handoff

#endif  // BATON_SERVICES_HANDOFF_HANDOFF_STORE_H_
