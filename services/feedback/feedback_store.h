#ifndef BATON_SERVICES_FEEDBACK_FEEDBACK_STORE_H_
#define BATON_SERVICES_FEEDBACK_FEEDBACK_STORE_H_

// The feedback domain: ratings and their disputes, feedback threads and
// their escalation, the upward pulse and the outside customer's verdicts;
// their rules and persistence. Knows nothing of gRPC.
//
// Shaped as HandoffStore: a mutation validates its request, learns what it
// needs from the handoff service (HandoffFacts: facts that never change once
// true, so they still hold at commit), then runs on the commit queue, which
// serialises it with every other write, appends its event in the same
// batch, and calls `done` once durable. When the handoff service cannot
// answer, the call fails UNAVAILABLE before anything is queued. Reads see
// the last durable state. Ids of threads are made on the committer (commit
// order); a rating's id is its handoff's, a verdict's its work item's.
//
// The methods live in one file per area: ratings.cc and rating_queries.cc
// (ratings, disputes), threads.cc, thread_queries.cc and escalation.cc
// (feedback threads), pulse.cc, verdicts.cc, and feedback_store.cc (what
// they share).
//
// Thread-safe.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "baton/feedback/v1/events.pb.h"
#include "baton/feedback/v1/feedback_service.pb.h"
#include "common/api/mutation.h"
#include "common/auth/caller.h"
#include "common/events/event_log.h"
#include "common/storage/commit_queue.h"
#include "common/storage/store.h"
#include "common/time/clock.h"
#include "common/time/id_generator.h"
#include "services/feedback/handoff_facts.h"
#include "services/feedback/options.h"

namespace baton::feedback {

using auth::Caller;
using storage::Done;

class FeedbackStore {
 public:
  // `store` must have been opened with keys::ColumnFamilies(); `store`,
  // `queue`, `clock` and `facts` must outlive this object.
  static absl::StatusOr<std::unique_ptr<FeedbackStore>> Open(storage::Store* store,
                                                             storage::CommitQueue* queue,
                                                             const Clock* clock,
                                                             HandoffFacts* facts,
                                                             FeedbackOptions options = {});

  // The event log (outbox) of this service.
  events::EventLog* event_log() const { return event_log_.get(); }
  const FeedbackOptions& options() const { return options_; }

  // --- Calls. Each ends by calling `done` exactly once; on OK the response
  // is filled. Codes as in feedback_service.proto. Those marked const read
  // only (they are asynchronous because they may ask the handoff service).

  // ratings.cc
  void RateHandoff(const Caller& caller, const v1::RateHandoffRequest& request,
                   v1::RateHandoffResponse* response, Done done);
  void DisputeRating(const Caller& caller, const v1::DisputeRatingRequest& request,
                     v1::DisputeRatingResponse* response, Done done);
  void RuleOnDispute(const Caller& caller, const v1::RuleOnDisputeRequest& request,
                     v1::RuleOnDisputeResponse* response, Done done);
  absl::Status GetRating(const Caller& caller, const v1::GetRatingRequest& request,
                         v1::GetRatingResponse* response) const;
  void ListRatings(const Caller& caller, const v1::ListRatingsRequest& request,
                   v1::ListRatingsResponse* response, Done done) const;

  // threads.cc
  void SubmitFeedback(const Caller& caller, const v1::SubmitFeedbackRequest& request,
                      v1::SubmitFeedbackResponse* response, Done done);
  void AcknowledgeFeedback(const Caller& caller, const v1::AcknowledgeFeedbackRequest& request,
                           v1::AcknowledgeFeedbackResponse* response, Done done);
  void RespondToFeedback(const Caller& caller, const v1::RespondToFeedbackRequest& request,
                         v1::RespondToFeedbackResponse* response, Done done);
  void ResolveFeedback(const Caller& caller, const v1::ResolveFeedbackRequest& request,
                       v1::ResolveFeedbackResponse* response, Done done);
  void DismissFeedback(const Caller& caller, const v1::DismissFeedbackRequest& request,
                       v1::DismissFeedbackResponse* response, Done done);
  void ReopenFeedback(const Caller& caller, const v1::ReopenFeedbackRequest& request,
                      v1::ReopenFeedbackResponse* response, Done done);
  void RecognizeGrievance(const Caller& caller, const v1::RecognizeGrievanceRequest& request,
                          v1::RecognizeGrievanceResponse* response, Done done);
  absl::Status GetFeedback(const Caller& caller, const v1::GetFeedbackRequest& request,
                           v1::GetFeedbackResponse* response) const;
  void ListFeedback(const Caller& caller, const v1::ListFeedbackRequest& request,
                    v1::ListFeedbackResponse* response, Done done) const;
  // Marks every open thread whose respond_by is at or before the commit
  // time as escalated, with a feedback_escalated event each (at most
  // `limit` per call); `marked`, when set, receives how many.
  void MarkEscalated(size_t limit, int* marked, Done done);
  // The earliest respond_by of an open thread not yet escalated.
  absl::StatusOr<std::optional<absl::Time>> NextEscalation() const;
  // Checks that `caller` may watch the request's team or department and
  // returns the topic to wake the stream on: INVALID_ARGUMENT, PERMISSION_DENIED.
  absl::StatusOr<std::string> AuthorizeFeedbackWatch(const Caller& caller,
                                                     const v1::WatchFeedbackRequest& request) const;
  // The update an event means for a watch on `topic`, if any.
  static bool WatchUpdate(const v1::Event& event, const std::string& topic,
                          v1::WatchFeedbackResponse* update);

  // pulse.cc
  void AnswerPulse(const Caller& caller, const v1::AnswerPulseRequest& request,
                   v1::AnswerPulseResponse* response, Done done);
  void GetPulseSummary(const Caller& caller, const v1::GetPulseSummaryRequest& request,
                       v1::GetPulseSummaryResponse* response, Done done) const;
  // The pulse period `time` falls in: its calendar month in UTC, "2026-11".
  static std::string PulsePeriod(absl::Time time);

  // verdicts.cc
  void RecordVerdict(const Caller& caller, const v1::RecordVerdictRequest& request,
                     v1::RecordVerdictResponse* response, Done done);
  void GetVerdict(const Caller& caller, const v1::GetVerdictRequest& request,
                  v1::GetVerdictResponse* response, Done done) const;

  // --- Events (feedback_store.cc).
  // Turns a log entry into an Event with its sequence; false when the
  // stored bytes do not parse.
  static bool DecodeEvent(const events::EventLog::Entry& entry, v1::Event* event);
  // The event log's topics (events::TopicsFn): TeamTopic of the addressee
  // team and DepartmentTopic of the department of each thread submitted or
  // escalated — exactly the events WatchUpdate passes — and
  // events::kEveryTopic when the entry does not parse.
  static void EventTopics(const events::EventLog::Entry& entry, std::vector<std::string>* topics);
  static std::string TeamTopic(absl::string_view team_id);
  static std::string DepartmentTopic(absl::string_view department_id);

 private:
  FeedbackStore(storage::Store* store, storage::CommitQueue* queue, const Clock* clock,
                HandoffFacts* facts, FeedbackOptions options,
                std::unique_ptr<events::EventLog> event_log);

  // Runs `body` as an idempotent mutation of `method` (api::Mutations).
  void Submit(const char* method, const Caller& caller, const google::protobuf::Message& request,
              google::protobuf::Message* response, Done done,
              absl::AnyInvocable<absl::Status(storage::Transaction&)> body,
              storage::Admission admission = storage::Admission::kNew);
  // Stages the event `fill` describes, stamped with the commit time and
  // actor (none when `caller` is null: the clock, pulse answers).
  void AppendEvent(storage::Transaction& tx, const Caller* caller,
                   const std::function<void(v1::Event&)>& fill);
  // pulse.cc: the comments of a team's pulse for `period` into `summary`
  // (at most a few hundred, the rest counted in comments_left_out).
  absl::Status ReadComments(absl::string_view team_id, absl::string_view period,
                            v1::PulseSummary* summary) const;
  // The event form of a thread: without its text (title, body, replies,
  // notes), as the event log promises (events.proto).
  static v1::Feedback WithoutText(v1::Feedback feedback);
  // threads.cc: a change to the stored thread `id` as `method`'s mutation:
  // on the committer, loads it (NOT_FOUND), has `rule` check the caller
  // and state and change it, stores it with its Escalation key kept in
  // step, appends it without text as the event field `event`, and answers
  // with it in `*out` (a field of `response`).
  using ThreadRule = absl::AnyInvocable<absl::Status(absl::Time now, v1::Feedback& thread)>;
  void ChangeThread(const char* method, const Caller& caller,
                    const google::protobuf::Message& request, google::protobuf::Message* response,
                    v1::Feedback* out, std::string id, v1::Feedback* (v1::Event::*event)(),
                    ThreadRule rule, Done done);
  // When a facts lookup for `caller` gives up: the sooner of its deadline
  // and options().facts_timeout from now.
  absl::Time FactsDeadline(const Caller& caller) const;

  // Reads of committed state: NOT_FOUND naming `name` when absent,
  // DATA_LOSS when the record does not parse.
  template <typename Message>
  absl::Status ReadProto(rocksdb::ColumnFamilyHandle* cf, const std::string& key,
                         absl::string_view name, Message* out) const;

  storage::Store* const store_;
  const Clock* const clock_;
  HandoffFacts* const facts_;
  const FeedbackOptions options_;
  IdGenerator ids_;
  std::unique_ptr<events::EventLog> event_log_;
  api::Mutations mutations_;
  rocksdb::ColumnFamilyHandle* const ratings_;
  rocksdb::ColumnFamilyHandle* const threads_;
  rocksdb::ColumnFamilyHandle* const verdicts_;
  rocksdb::ColumnFamilyHandle* const pulse_;
  rocksdb::ColumnFamilyHandle* const index_;
};

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_FEEDBACK_STORE_H_
