#ifndef BATON_SERVICES_RATING_RATING_SERVICE_H_
#define BATON_SERVICES_RATING_RATING_SERVICE_H_

// The gRPC adapter of baton.rating.v1.RatingService: a one-liner per unary
// method over its domain (common/server/unary_adapter.h), every method raw
// so that requests are authenticated before they are parsed.
//
// Served now: the reads (RatingReads), WatchScoreboard (ScoreboardWatchHub)
// and GetConsumerStatus (ConsumerStatuses). The rules and rebuild methods
// authenticate the caller and answer UNIMPLEMENTED saying they are being
// built; each becomes a one-liner over its domain as the reads are.

#include "baton/rating/v1/rating_service.grpc.pb.h"
#include "common/server/identity.h"
#include "services/rating/consumer_status.h"
#include "services/rating/rating_reads.h"
#include "services/rating/scoreboard_watch_hub.h"

namespace baton::rating {

namespace internal {
using S = v1::RatingService;
// Every method raw.
template <typename Base>
using RawReads = S::WithRawCallbackMethod_GetHandoffScore<
    S::WithRawCallbackMethod_GetTeamScorecard<S::WithRawCallbackMethod_GetDepartmentScoreboard<
        S::WithRawCallbackMethod_GetChainFunnel<S::WithRawCallbackMethod_WatchScoreboard<Base>>>>>;
template <typename Base>
using RawOperations =
    S::WithRawCallbackMethod_GetConsumerStatus<S::WithRawCallbackMethod_GetScoringRules<
        S::WithRawCallbackMethod_SetScoringRules<S::WithRawCallbackMethod_RebuildRollups<Base>>>>;
using RawRatingService = RawReads<RawOperations<S::Service>>;
}  // namespace internal

class RatingServiceImpl final : public internal::RawRatingService {
 public:
  // The full service name, for health checks.
  static constexpr char kServiceName[] = "baton.rating.v1.RatingService";

  // `consumers`, `reads`, `watches` and `identity` must outlive the service.
  RatingServiceImpl(const ConsumerStatuses* consumers, const RatingReads* reads,
                    ScoreboardWatchHub* watches, server::CallIdentity* identity)
      : consumers_(consumers), reads_(reads), watches_(watches), identity_(identity) {}

  using Reactor = grpc::ServerUnaryReactor;
  using Ctx = grpc::CallbackServerContext;
  using Buf = grpc::ByteBuffer;

  // Errors: UNAUTHENTICATED; INVALID_ARGUMENT when the request does not
  // parse; then the domain's (RatingReads, ConsumerStatuses).
  Reactor* GetConsumerStatus(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* GetHandoffScore(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* GetTeamScorecard(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* GetDepartmentScoreboard(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* GetChainFunnel(Ctx* ctx, const Buf* in, Buf* out) override;

  // Not built yet: UNAUTHENTICATED, else UNIMPLEMENTED.
  Reactor* GetScoringRules(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* SetScoringRules(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* RebuildRollups(Ctx* ctx, const Buf* in, Buf* out) override;

  // UNAUTHENTICATED; INVALID_ARGUMENT naming the fields (validation.h);
  // then the hub's (scoreboard_watch_hub.h Watch).
  grpc::ServerWriteReactor<Buf>* WatchScoreboard(Ctx* ctx, const Buf* in) override;

 private:
  const ConsumerStatuses* const consumers_;
  const RatingReads* const reads_;
  ScoreboardWatchHub* const watches_;
  server::CallIdentity* const identity_;
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_RATING_SERVICE_H_
