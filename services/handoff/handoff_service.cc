#include "services/handoff/handoff_service.h"

#include <functional>

#include "common/events/log_tail_reactor.h"
#include "common/events/serve_event_log.h"
#include "common/server/unary_adapter.h"
#include "common/status/grpc_status.h"

namespace baton::handoff {

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

grpc::ServerWriteReactor<grpc::ByteBuffer>* HandoffServiceImpl::WatchInbox(Ctx* ctx,
                                                                           const Buf* in) {
  // Authenticated before the request is parsed, as every unary call.
  v1::WatchInboxRequest request;
  absl::StatusOr<Caller> caller = server::StreamCaller(ctx, in, *identity_, &request);
  if (!caller.ok()) return events::FinishedStream(caller.status());
  absl::StatusOr<std::string> team_id = store_->AuthorizeInboxWatch(*caller, request.team());
  if (!team_id.ok()) return events::FinishedStream(team_id.status());
  // Start at the log's current end: the `synced` marker means every later
  // offer to the team will come through this stream.
  v1::WatchInboxResponse synced;
  synced.set_synced(true);
  events::EventLog* log = store_->event_log();
  events::StreamLimits limits = stream_limits_;
  if (limits.max_lag == 0) limits.max_lag = kWatchInboxMaxLag;
  return events::LogTailReactor::Start(
      ctx, {.log = log,
            .after = log->last_sequence(),
            // Woken only by events that concern the team (HandoffStore::EventTopics).
            .topic = HandoffStore::InboxTopic(*team_id),
            .convert =
                [team_id = *team_id](const events::EventLog::Entry& entry, std::string* out) {
                  v1::Event event;
                  if (!HandoffStore::DecodeEvent(entry, &event)) return events::Converted::kCorrupt;
                  v1::WatchInboxResponse update;
                  if (!HandoffStore::InboxUpdate(event, team_id, &update)) {
                    return events::Converted::kSkip;
                  }
                  *out = update.SerializeAsString();
                  return events::Converted::kSend;
                },
            .first = synced.SerializeAsString(),
            // The inbox has no position to resume from: a new watch and a list
            // after its `synced` give the whole picture again.
            .resume_hint = [](uint64_t) { return std::string("watch again and list the inbox"); },
            .limits = limits});
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* HandoffServiceImpl::StreamEvents(Ctx* ctx,
                                                                             const Buf* in) {
  return events::ServeEventLog<v1::StreamEventsRequest, v1::StreamEventsResponse>(
      ctx, in, *identity_, store_->event_log(), stream_limits_, &HandoffStore::DecodeEvent);
}

}  // namespace baton::handoff
