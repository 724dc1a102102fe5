#include "services/handoff/handoff_service.h"

#include <functional>

#include "common/events/log_tail_reactor.h"
#include "common/server/unary_adapter.h"
#include "common/status/grpc_status.h"

namespace baton::handoff {
namespace {

template <typename Response>
grpc::ServerWriteReactor<Response>* FailedStream(const absl::Status& status) {
  class Failed final : public grpc::ServerWriteReactor<Response> {
   public:
    explicit Failed(const absl::Status& status) { this->Finish(ToGrpcStatus(status)); }
    void OnDone() override { delete this; }
  };
  return new Failed(status);
}

}  // namespace

#define BATON_MUTATION(Method)                                                                 \
  HandoffServiceImpl::Reactor* HandoffServiceImpl::Method(Ctx* ctx, const Buf* in, Buf* out) { \
    return server::ServeMutation(ctx, in, out, *identity_, store_, &HandoffStore::Method);     \
  }
#define BATON_READ(Method)                                                                     \
  HandoffServiceImpl::Reactor* HandoffServiceImpl::Method(Ctx* ctx, const Buf* in, Buf* out) { \
    return server::ServeRead(ctx, in, out, *identity_, store_, &HandoffStore::Method);         \
  }

BATON_MUTATION(CreateDepartment)
BATON_MUTATION(CreateTeam)
BATON_MUTATION(CreateChain)
BATON_MUTATION(CreateWorkItem)
BATON_MUTATION(CompleteWorkItem)
BATON_MUTATION(DropWorkItem)
BATON_MUTATION(OfferHandoff)
BATON_MUTATION(AcceptHandoff)
BATON_MUTATION(ReturnHandoff)
BATON_READ(GetDepartment)
BATON_READ(ListDepartments)
BATON_READ(GetTeam)
BATON_READ(ListTeams)
BATON_READ(GetChain)
BATON_READ(ListChains)
BATON_READ(GetWorkItem)
BATON_READ(ListWorkItems)
BATON_READ(GetHandoff)
BATON_READ(ListHandoffs)

#undef BATON_MUTATION
#undef BATON_READ

grpc::ServerWriteReactor<v1::WatchInboxResponse>* HandoffServiceImpl::WatchInbox(
    Ctx* ctx, const v1::WatchInboxRequest* request) {
  absl::StatusOr<auth::Principal> principal = identity_->Of(ctx);
  absl::StatusOr<Caller> caller =
      principal.ok() ? server::CallerFrom(*std::move(principal), ctx) : principal.status();
  if (!caller.ok()) return FailedStream<v1::WatchInboxResponse>(caller.status());
  absl::StatusOr<std::string> team_id = store_->AuthorizeInboxWatch(*caller, request->team());
  if (!team_id.ok()) return FailedStream<v1::WatchInboxResponse>(team_id.status());
  // Start at the log's current end: the `synced` marker means every later
  // offer to the team will come through this stream.
  v1::WatchInboxResponse synced;
  synced.set_synced(true);
  events::EventLog* log = store_->event_log();
  return events::LogTailReactor<v1::WatchInboxResponse>::Start(
      log, log->last_sequence(),
      [team_id = *team_id](const events::EventLog::Entry& entry, v1::WatchInboxResponse* out) {
        v1::Event event;
        return HandoffStore::DecodeEvent(entry, &event) &&
               HandoffStore::InboxUpdate(event, team_id, out);
      },
      std::move(synced));
}

grpc::ServerWriteReactor<v1::StreamEventsResponse>* HandoffServiceImpl::StreamEvents(
    Ctx* ctx, const v1::StreamEventsRequest* request) {
  absl::StatusOr<auth::Principal> principal = identity_->Of(ctx);
  absl::StatusOr<Caller> caller =
      principal.ok() ? server::CallerFrom(*std::move(principal), ctx) : principal.status();
  if (!caller.ok()) return FailedStream<v1::StreamEventsResponse>(caller.status());
  if (absl::Status s = HandoffStore::AuthorizeEventStream(*caller); !s.ok()) {
    return FailedStream<v1::StreamEventsResponse>(s);
  }
  return events::LogTailReactor<v1::StreamEventsResponse>::Start(
      store_->event_log(), request->after_sequence(),
      [](const events::EventLog::Entry& entry, v1::StreamEventsResponse* out) {
        return HandoffStore::DecodeEvent(entry, out->mutable_event());
      });
}

}  // namespace baton::handoff
