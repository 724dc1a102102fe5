#ifndef BATON_SERVICES_FEEDBACK_FEEDBACK_SERVICE_H_
#define BATON_SERVICES_FEEDBACK_FEEDBACK_SERVICE_H_

// The gRPC adapter of baton.feedback.v1.FeedbackService: a one-liner per
// unary method over FeedbackStore (common/server/unary_adapter.h), every
// method raw so that requests are authenticated before they are parsed.

#include "baton/feedback/v1/feedback_service.grpc.pb.h"
#include "common/events/log_tail_reactor.h"
#include "common/server/identity.h"
#include "services/feedback/feedback_store.h"

namespace baton::feedback {

namespace internal {
using S = v1::FeedbackService;
// Every method raw.
template <typename Base>
using RawRatings = S::WithRawCallbackMethod_RateHandoff<
    S::WithRawCallbackMethod_GetRating<S::WithRawCallbackMethod_ListRatings<
        S::WithRawCallbackMethod_DisputeRating<S::WithRawCallbackMethod_RuleOnDispute<Base>>>>>;
template <typename Base>
using RawThreads = S::WithRawCallbackMethod_SubmitFeedback<
    S::WithRawCallbackMethod_AcknowledgeFeedback<S::WithRawCallbackMethod_RespondToFeedback<
        S::WithRawCallbackMethod_ResolveFeedback<S::WithRawCallbackMethod_DismissFeedback<
            S::WithRawCallbackMethod_ReopenFeedback<S::WithRawCallbackMethod_RecognizeGrievance<
                S::WithRawCallbackMethod_GetFeedback<S::WithRawCallbackMethod_ListFeedback<
                    S::WithRawCallbackMethod_WatchFeedback<Base>>>>>>>>>>;
template <typename Base>
using RawRest = S::WithRawCallbackMethod_AnswerPulse<
    S::WithRawCallbackMethod_GetPulseSummary<S::WithRawCallbackMethod_RecordVerdict<
        S::WithRawCallbackMethod_GetVerdict<S::WithRawCallbackMethod_StreamEvents<Base>>>>>;
using RawFeedbackService = RawRatings<RawThreads<RawRest<S::Service>>>;
}  // namespace internal

class FeedbackServiceImpl final : public internal::RawFeedbackService {
 public:
  // The full service name, for health checks.
  static constexpr char kServiceName[] = "baton.feedback.v1.FeedbackService";

  // `store` and `identity` must outlive the service.
  FeedbackServiceImpl(FeedbackStore* store, server::CallIdentity* identity)
      : store_(store), identity_(identity) {}

  using Reactor = grpc::ServerUnaryReactor;
  using Ctx = grpc::CallbackServerContext;
  using Buf = grpc::ByteBuffer;

  Reactor* RateHandoff(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* GetRating(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* ListRatings(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* DisputeRating(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* RuleOnDispute(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* SubmitFeedback(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* AcknowledgeFeedback(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* RespondToFeedback(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* ResolveFeedback(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* DismissFeedback(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* ReopenFeedback(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* RecognizeGrievance(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* GetFeedback(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* ListFeedback(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* AnswerPulse(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* GetPulseSummary(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* RecordVerdict(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* GetVerdict(Ctx* ctx, const Buf* in, Buf* out) override;

  grpc::ServerWriteReactor<Buf>* WatchFeedback(Ctx* ctx, const Buf* in) override;
  grpc::ServerWriteReactor<Buf>* StreamEvents(Ctx* ctx, const Buf* in) override;

  // WatchFeedback also ends a live stream this many events behind.
  static constexpr uint64_t kWatchMaxLag = 10'000;
  // Bounds of the two streams (events::StreamLimits). Set before serving.
  void set_stream_limits(const events::StreamLimits& limits) { stream_limits_ = limits; }

 private:
  FeedbackStore* const store_;
  server::CallIdentity* const identity_;
  events::StreamLimits stream_limits_;
};

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_FEEDBACK_SERVICE_H_
