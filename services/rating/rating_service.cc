#include "services/rating/rating_service.h"

#include "common/events/log_tail_reactor.h"
#include "common/server/unary_adapter.h"
#include "services/rating/validation.h"

namespace baton::rating {
RatingServiceImpl::Reactor* RatingServiceImpl::GetConsumerStatus(Ctx* ctx, const Buf* in,
                                                                 Buf* out) {
  return server::ServeRead(ctx, in, out, *identity_, consumers_,
                           &ConsumerStatuses::GetConsumerStatus);
}

#define BATON_READ(Method)                                                                   \
  RatingServiceImpl::Reactor* RatingServiceImpl::Method(Ctx* ctx, const Buf* in, Buf* out) { \
    return server::ServeRead(ctx, in, out, *identity_, reads_, &RatingReads::Method);        \
  }

BATON_READ(GetHandoffScore)
BATON_READ(GetTeamScorecard)
BATON_READ(GetDepartmentScoreboard)
BATON_READ(GetChainFunnel)

#undef BATON_READ

RatingServiceImpl::Reactor* RatingServiceImpl::GetScoringRules(Ctx* ctx, const Buf* in, Buf* out) {
  return server::ServeRead(ctx, in, out, *identity_, rules_, &ScoringRulesStore::GetScoringRules);
}

RatingServiceImpl::Reactor* RatingServiceImpl::SetScoringRules(Ctx* ctx, const Buf* in, Buf* out) {
  return server::ServeMutation(ctx, in, out, *identity_, rules_,
                               &ScoringRulesStore::SetScoringRules);
}

RatingServiceImpl::Reactor* RatingServiceImpl::RebuildRollups(Ctx* ctx, const Buf* in, Buf* out) {
  return server::ServeMutation(ctx, in, out, *identity_, rebuilds_,
                               &RollupConsumers::RebuildRollups);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* RatingServiceImpl::WatchScoreboard(Ctx* ctx,
                                                                               const Buf* in) {
  v1::WatchScoreboardRequest request;
  absl::StatusOr<auth::Caller> caller = server::StreamCaller(ctx, in, *identity_, &request);
  if (!caller.ok()) return events::FinishedStream(caller.status());
  absl::StatusOr<std::string> department = Validate(request);
  if (!department.ok()) return events::FinishedStream(department.status());
  return watches_->Watch(ctx, KeyOf(*std::move(department), request), caller->principal.subject);
}

}  // namespace baton::rating
