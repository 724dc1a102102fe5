#include "services/feedback/feedback_store.h"

#include <algorithm>
#include <utility>

#include "common/api/names.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/feedback/keys.h"

namespace baton::feedback {

absl::StatusOr<std::unique_ptr<FeedbackStore>> FeedbackStore::Open(storage::Store* store,
                                                                   storage::CommitQueue* queue,
                                                                   const Clock* clock,
                                                                   HandoffFacts* facts,
                                                                   FeedbackOptions options) {
  // Topics let a team's or department's watchers sleep through the rest.
  const events::EventLogOptions log_options{.topics = &FeedbackStore::EventTopics, .clock = clock};
  ASSIGN_OR_RETURN(std::unique_ptr<events::EventLog> log,
                   events::EventLog::Open(store, keys::kEventsCf, log_options));
  return std::unique_ptr<FeedbackStore>(
      new FeedbackStore(store, queue, clock, facts, options, std::move(log)));
}

FeedbackStore::FeedbackStore(storage::Store* store, storage::CommitQueue* queue, const Clock* clock,
                             HandoffFacts* facts, FeedbackOptions options,
                             std::unique_ptr<events::EventLog> event_log)
    : store_(store),
      clock_(clock),
      facts_(facts),
      options_(options),
      ids_(clock),
      event_log_(std::move(event_log)),
      mutations_(queue, store->cf(keys::kRequestsCf)),
      ratings_(store->cf(keys::kRatingsCf)),
      threads_(store->cf(keys::kThreadsCf)),
      verdicts_(store->cf(keys::kVerdictsCf)),
      pulse_(store->cf(keys::kPulseCf)),
      index_(store->cf(keys::kIndexCf)) {}

void FeedbackStore::Submit(const char* method, const Caller& caller,
                           const google::protobuf::Message& request,
                           google::protobuf::Message* response, Done done,
                           absl::AnyInvocable<absl::Status(storage::Transaction&)> body,
                           storage::Admission admission) {
  mutations_.Submit(method, caller, request, response, std::move(done), std::move(body), admission);
}

void FeedbackStore::AppendEvent(storage::Transaction& tx, const Caller* caller,
                                const std::function<void(v1::Event&)>& fill) {
  v1::Event event;
  *event.mutable_time() = ToProto(tx.now());
  if (caller != nullptr) *event.mutable_actor() = api::ActorOf(*caller);
  fill(event);
  tx.Append(event_log_->writer(), event.SerializeAsString());
}

absl::Time FeedbackStore::FactsDeadline(const Caller& caller) const {
  return std::min(caller.deadline, clock_->Now() + options_.facts_timeout);
}

v1::Feedback FeedbackStore::WithoutText(v1::Feedback feedback) {
  feedback.clear_title();
  feedback.clear_body();
  feedback.clear_replies();
  feedback.clear_dismiss_reason();
  feedback.mutable_recognition()->clear_note();
  if (feedback.recognition().ByteSizeLong() == 0) feedback.clear_recognition();
  return feedback;
}

template <typename Message>
absl::Status FeedbackStore::ReadProto(rocksdb::ColumnFamilyHandle* cf, const std::string& key,
                                      absl::string_view name, Message* out) const {
  ASSIGN_OR_RETURN(bool found, store_->GetProto(cf, key, out));
  return found ? absl::OkStatus() : NotFound(name);
}

template absl::Status FeedbackStore::ReadProto(rocksdb::ColumnFamilyHandle*, const std::string&,
                                               absl::string_view, v1::Rating*) const;
template absl::Status FeedbackStore::ReadProto(rocksdb::ColumnFamilyHandle*, const std::string&,
                                               absl::string_view, v1::Feedback*) const;
template absl::Status FeedbackStore::ReadProto(rocksdb::ColumnFamilyHandle*, const std::string&,
                                               absl::string_view, v1::Verdict*) const;
template absl::Status FeedbackStore::ReadProto(rocksdb::ColumnFamilyHandle*, const std::string&,
                                               absl::string_view, v1::PulseSummary*) const;

// --- Events --------------------------------------------------------------

bool FeedbackStore::DecodeEvent(const events::EventLog::Entry& entry, v1::Event* event) {
  if (!event->ParseFromString(entry.value)) return false;
  event->set_sequence(entry.sequence);
  return true;
}

std::string FeedbackStore::TeamTopic(absl::string_view team_id) {
  return api::Name(api::kTeams, team_id);
}

std::string FeedbackStore::DepartmentTopic(absl::string_view department_id) {
  return api::Name(api::kDepartments, department_id);
}

namespace {

// The thread a watch may hear of in `event`, and whether it escalated.
const v1::Feedback* WatchedThread(const v1::Event& event, bool* escalated) {
  *escalated = event.has_feedback_escalated();
  if (event.has_feedback_submitted()) return &event.feedback_submitted();
  if (event.has_feedback_escalated()) return &event.feedback_escalated();
  return nullptr;
}

}  // namespace

void FeedbackStore::EventTopics(const events::EventLog::Entry& entry,
                                std::vector<std::string>* topics) {
  v1::Event event;
  if (!event.ParseFromString(entry.value)) {
    topics->emplace_back(events::kEveryTopic);
    return;
  }
  bool escalated = false;
  const v1::Feedback* thread = WatchedThread(event, &escalated);
  if (thread == nullptr) return;
  // Topics are resource names: "teams/x" and "departments/x" never collide.
  if (!thread->addressee_team().empty()) topics->push_back(thread->addressee_team());
  if (!thread->department().empty()) topics->push_back(thread->department());
}

bool FeedbackStore::WatchUpdate(const v1::Event& event, const std::string& topic,
                                v1::WatchFeedbackResponse* update) {
  bool escalated = false;
  const v1::Feedback* thread = WatchedThread(event, &escalated);
  if (thread == nullptr) return false;
  const bool to_team = !thread->addressee_team().empty() && thread->addressee_team() == topic;
  // A department's head hears of new grievances to it, and of every
  // escalation in it; new threads to its teams are the teams' to answer.
  const bool to_department =
      thread->department() == topic && (escalated || thread->kind() == v1::FEEDBACK_KIND_GRIEVANCE);
  if (!to_team && !to_department) return false;
  *(escalated ? update->mutable_escalated() : update->mutable_submitted()) = *thread;
  return true;
}

}  // namespace baton::feedback
