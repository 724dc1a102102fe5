#include "services/feedback/feedback_service.h"

#include "common/events/log_tail_reactor.h"
#include "common/events/serve_event_log.h"
#include "common/server/unary_adapter.h"

namespace baton::feedback {

#define BATON_ADAPT(Serve, Method)                                                               \
  FeedbackServiceImpl::Reactor* FeedbackServiceImpl::Method(Ctx* ctx, const Buf* in, Buf* out) { \
    return server::Serve(ctx, in, out, *identity_, store_, &FeedbackStore::Method);              \
  }

BATON_ADAPT(ServeMutation, RateHandoff)
BATON_ADAPT(ServeMutation, DisputeRating)
BATON_ADAPT(ServeMutation, RuleOnDispute)
BATON_ADAPT(ServeMutation, SubmitFeedback)
BATON_ADAPT(ServeMutation, AcknowledgeFeedback)
BATON_ADAPT(ServeMutation, RespondToFeedback)
BATON_ADAPT(ServeMutation, ResolveFeedback)
BATON_ADAPT(ServeMutation, DismissFeedback)
BATON_ADAPT(ServeMutation, ReopenFeedback)
BATON_ADAPT(ServeMutation, RecognizeGrievance)
BATON_ADAPT(ServeMutation, AnswerPulse)
BATON_ADAPT(ServeMutation, RecordVerdict)
BATON_ADAPT(ServeRead, GetRating)
BATON_ADAPT(ServeRead, GetFeedback)
BATON_ADAPT(ServeAsyncRead, ListRatings)
BATON_ADAPT(ServeAsyncRead, ListFeedback)
BATON_ADAPT(ServeAsyncRead, GetPulseSummary)
BATON_ADAPT(ServeAsyncRead, GetVerdict)

#undef BATON_ADAPT

grpc::ServerWriteReactor<grpc::ByteBuffer>* FeedbackServiceImpl::WatchFeedback(Ctx* ctx,
                                                                               const Buf* in) {
  v1::WatchFeedbackRequest request;
  absl::StatusOr<Caller> caller = server::StreamCaller(ctx, in, *identity_, &request);
  if (!caller.ok()) return events::FinishedStream(caller.status());
  absl::StatusOr<std::string> topic = store_->AuthorizeFeedbackWatch(*caller, request);
  if (!topic.ok()) return events::FinishedStream(topic.status());
  v1::WatchFeedbackResponse synced;
  synced.set_synced(true);
  events::EventLog* log = store_->event_log();
  events::StreamLimits limits = stream_limits_;
  if (limits.max_lag == 0) limits.max_lag = kWatchMaxLag;
  return events::LogTailReactor::Start(
      ctx, {.log = log,
            .after = log->last_sequence(),
            .topic = *topic,
            .convert =
                [topic = *topic](const events::EventLog::Entry& entry, std::string* out) {
                  v1::Event event;
                  if (!FeedbackStore::DecodeEvent(entry, &event)) {
                    return events::Converted::kCorrupt;
                  }
                  v1::WatchFeedbackResponse update;
                  if (!FeedbackStore::WatchUpdate(event, topic, &update)) {
                    return events::Converted::kSkip;
                  }
                  *out = update.SerializeAsString();
                  return events::Converted::kSend;
                },
            .first = synced.SerializeAsString(),
            .resume_hint = [](uint64_t) { return std::string("watch again and list the threads"); },
            .limits = limits});
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* FeedbackServiceImpl::StreamEvents(Ctx* ctx,
                                                                              const Buf* in) {
  return events::ServeEventLog<v1::StreamEventsRequest, v1::StreamEventsResponse>(
      ctx, in, *identity_, store_->event_log(), stream_limits_, &FeedbackStore::DecodeEvent);
}

}  // namespace baton::feedback
