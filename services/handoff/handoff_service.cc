#include "services/handoff/handoff_service.h"

#include <functional>

#include "common/events/log_tail_reactor.h"
#include "common/server/raw_unary.h"
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

// The caller of an authenticated call: the team it acts for and its deadline.
absl::StatusOr<Caller> CallerFrom(auth::Principal principal, grpc::CallbackServerContext* ctx) {
  absl::string_view act_as;
  const auto& metadata = ctx->client_metadata();
  if (auto it = metadata.find(std::string(kActAsTeamHeader)); it != metadata.end()) {
    act_as = absl::string_view(it->second.data(), it->second.size());
  }
  absl::StatusOr<Caller> caller = MakeCaller(std::move(principal), act_as);
  if (caller.ok() && ctx->deadline() != std::chrono::system_clock::time_point::max()) {
    caller->deadline = absl::FromChrono(ctx->deadline());
  }
  return caller;
}

}  // namespace

absl::StatusOr<Caller> HandoffServiceImpl::CallerOf(Ctx* ctx) const {
  absl::StatusOr<auth::Principal> principal = identity_->Of(ctx);
  if (!principal.ok()) return principal.status();
  return CallerFrom(*std::move(principal), ctx);
}

template <typename Request, typename Response>
HandoffServiceImpl::Reactor* HandoffServiceImpl::Mutate(
    Ctx* ctx, const Buf* in, Buf* out,
    void (HandoffStore::*method)(const Caller&, const Request&, Response*, Done)) {
  return server::ServeRawUnary<Request, Response>(
      ctx, *identity_, in, out,
      [&](auth::Principal principal, const Request& request, Response* response,
          server::Finish finish) {
        absl::StatusOr<Caller> caller = CallerFrom(std::move(principal), ctx);
        if (!caller.ok()) return finish(caller.status());
        // std::invoke rather than (store_->*method)(...): GCC 12's
        // -fsanitize=vptr miscompiles that call inside this lambda (the
        // sanitizer build crashed on every call).
        std::invoke(method, store_, *caller, request, response, std::move(finish));
      });
}

template <typename Request, typename Response>
HandoffServiceImpl::Reactor* HandoffServiceImpl::Read(
    Ctx* ctx, const Buf* in, Buf* out,
    absl::Status (HandoffStore::*method)(const Request&, Response*) const) {
  return server::ServeRawUnary<Request, Response>(
      ctx, *identity_, in, out,
      [&](auth::Principal principal, const Request& request, Response* response,
          server::Finish finish) {
        absl::StatusOr<Caller> caller = CallerFrom(std::move(principal), ctx);
        if (!caller.ok()) return finish(caller.status());
        finish(std::invoke(method, store_, request, response));  // as in Mutate
      });
}

#define BATON_MUTATION(Method)                                                                 \
  HandoffServiceImpl::Reactor* HandoffServiceImpl::Method(Ctx* ctx, const Buf* in, Buf* out) { \
    return Mutate(ctx, in, out, &HandoffStore::Method);                                        \
  }
#define BATON_READ(Method)                                                                     \
  HandoffServiceImpl::Reactor* HandoffServiceImpl::Method(Ctx* ctx, const Buf* in, Buf* out) { \
    return Read(ctx, in, out, &HandoffStore::Method);                                          \
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

#undef BATON_MUTATION
#undef BATON_READ

HandoffServiceImpl::Reactor* HandoffServiceImpl::ListHandoffs(Ctx* ctx, const Buf* in, Buf* out) {
  return server::ServeRawUnary<v1::ListHandoffsRequest, v1::ListHandoffsResponse>(
      ctx, *identity_, in, out,
      [&](auth::Principal principal, const v1::ListHandoffsRequest& request,
          v1::ListHandoffsResponse* response, server::Finish finish) {
        absl::StatusOr<Caller> caller = CallerFrom(std::move(principal), ctx);
        if (!caller.ok()) return finish(caller.status());
        finish(store_->ListHandoffs(*caller, request, response));
      });
}

grpc::ServerWriteReactor<v1::WatchInboxResponse>* HandoffServiceImpl::WatchInbox(
    Ctx* ctx, const v1::WatchInboxRequest* request) {
  absl::StatusOr<Caller> caller = CallerOf(ctx);
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
  absl::StatusOr<Caller> caller = CallerOf(ctx);
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
