#include "services/rating/rating_service.h"

#include "absl/strings/str_cat.h"
#include "common/events/log_tail_reactor.h"
#include "common/server/unary_adapter.h"
#include "services/rating/validation.h"

namespace baton::rating {
namespace {

absl::Status NotYet(absl::string_view method) {
  return absl::UnimplementedError(
      absl::StrCat("RatingService.", method,
                   " is being built; GetConsumerStatus shows how far the rating service has read"));
}

}  // namespace

// Authenticated first (an unauthenticated caller learns nothing), then
// refused; the request is parsed so that bad bytes read as they will.
#define BATON_NOT_YET(Method)                                                                \
  RatingServiceImpl::Reactor* RatingServiceImpl::Method(Ctx* ctx, const Buf* in, Buf* out) { \
    return server::ServeRawUnary<v1::Method##Request, v1::Method##Response>(                 \
        ctx, *identity_, in, out,                                                            \
        [](auth::Principal, const v1::Method##Request&, v1::Method##Response*,               \
           server::Finish finish) { finish(NotYet(#Method)); });                             \
  }

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

BATON_NOT_YET(GetScoringRules)
BATON_NOT_YET(SetScoringRules)
BATON_NOT_YET(RebuildRollups)

#undef BATON_NOT_YET

grpc::ServerWriteReactor<grpc::ByteBuffer>* RatingServiceImpl::WatchScoreboard(Ctx* ctx,
                                                                               const Buf* in) {
  v1::WatchScoreboardRequest request;
  absl::StatusOr<auth::Caller> caller = server::StreamCaller(ctx, in, *identity_, &request);
  if (!caller.ok()) return events::FinishedStream(caller.status());
  absl::StatusOr<std::string> department = Validate(request);
  if (!department.ok()) return events::FinishedStream(department.status());
  return watches_->Watch(ctx, KeyOf(*std::move(department), request));
}

}  // namespace baton::rating
