// The writes of feedback threads: submitting one, and each change of its
// state machine (OPEN → ACKNOWLEDGED → RESOLVED/DISMISSED, reopened once).
// What is learnt from the handoff service (a handoff's teams, a team's
// department) is asked before the commit: those facts never change. The
// thread's own state is re-read and checked on the committer, serialised
// with every other write.

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/names.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/feedback/feedback_store.h"
#include "services/feedback/keys.h"
#include "services/feedback/thread_rules.h"
#include "services/feedback/validation.h"

namespace baton::feedback {

using api::ActorOf;
using api::kDepartments;
using api::kFeedback;
using api::kTeams;
using api::Name;

namespace {

// The teams a new thread is between. The addressee is empty for a grievance.
struct Parties {
  TeamFact author;
  TeamFact addressee;
};

absl::Status NoTeam(const Caller& caller) {
  if (caller.is_service()) {
    return auth::Denied("ACT_AS_REQUIRED",
                        absl::StrCat("SubmitFeedback: a service must name the team it writes for "
                                     "in ",
                                     auth::kActAsTeamHeader, " metadata"));
  }
  return auth::Denied("NO_TEAM", "SubmitFeedback is written by a team; the caller acts for none");
}

// Learns the parties of a new thread from the handoff service: the
// handoff's customer (who must be the caller) and supplier, or the
// caller's team and the team it is about; an against_team must exist.
void FindParties(HandoffFacts* facts, const Caller& caller, const FeedbackTarget& target,
                 absl::Time deadline, FactCallback<Parties> done) {
  if (!target.handoff_id.empty()) {
    facts->Handoff(target.handoff_id, deadline,
                   [caller, done = std::move(done)](absl::StatusOr<HandoffFact> handoff) mutable {
                     if (!handoff.ok()) return done(handoff.status());
                     if (absl::Status s =
                             auth::RequireTeam(caller, handoff->customer.team_id, "SubmitFeedback",
                                               "the handoff's customer", "NOT_CUSTOMER");
                         !s.ok()) {
                       return done(s);
                     }
                     done(Parties{handoff->customer, handoff->supplier});
                   });
    return;
  }
  facts->Team(
      caller.team, deadline,
      [facts, target, deadline, done = std::move(done)](absl::StatusOr<TeamFact> author) mutable {
        if (!author.ok()) return done(author.status());
        const bool about = !target.about_team_id.empty();
        const std::string other = about ? target.about_team_id : target.against_team_id;
        if (other.empty()) return done(Parties{*std::move(author), {}});
        facts->Team(other, deadline,
                    [about, author = *std::move(author),
                     done = std::move(done)](absl::StatusOr<TeamFact> team) mutable {
                      if (!team.ok()) return done(team.status());
                      // An against_team only has to exist.
                      done(Parties{std::move(author), about ? *std::move(team) : TeamFact{}});
                    });
      });
}

v1::Reply MakeReply(const Caller& caller, absl::Time now, const std::string& text) {
  v1::Reply reply;
  *reply.mutable_author() = ActorOf(caller);
  reply.set_text(text);
  *reply.mutable_time() = ToProto(now);
  return reply;
}

bool Closed(const v1::Feedback& thread) {
  return thread.state() == v1::FEEDBACK_STATE_RESOLVED ||
         thread.state() == v1::FEEDBACK_STATE_DISMISSED;
}

}  // namespace

void FeedbackStore::SubmitFeedback(const Caller& caller, const v1::SubmitFeedbackRequest& request,
                                   v1::SubmitFeedbackResponse* response, Done done) {
  absl::StatusOr<FeedbackTarget> target = Validate(request);
  if (!target.ok()) return done(target.status());
  if (caller.team.empty()) return done(NoTeam(caller));
  if (target->about_team_id == caller.team) {
    return done(InvalidField("about_team",
                             "is the caller's own team; feedback goes to another team (tell your "
                             "department's management with a grievance)"));
  }
  FindParties(
      facts_, caller, *target, FactsDeadline(caller),
      [this, caller, &request, response,
       done = std::move(done)](absl::StatusOr<Parties> parties) mutable {
        if (!parties.ok()) return done(parties.status());
        Submit("SubmitFeedback", caller, request, response, std::move(done),
               [this, caller, &request, response,
                parties = *std::move(parties)](storage::Transaction& tx) -> absl::Status {
                 // Made here, on the committer: ids follow commit order.
                 const std::string id = ids_.Next();
                 const bool grievance = request.kind() == v1::FEEDBACK_KIND_GRIEVANCE;
                 // A grievance goes to the author's own department.
                 const TeamFact& heard_by = grievance ? parties.author : parties.addressee;
                 v1::Feedback thread;
                 thread.set_name(Name(kFeedback, id));
                 thread.set_kind(request.kind());
                 thread.set_state(v1::FEEDBACK_STATE_OPEN);
                 thread.set_author_team(Name(kTeams, parties.author.team_id));
                 thread.set_author_department(Name(kDepartments, parties.author.department_id));
                 thread.set_handoff(request.handoff());
                 if (!grievance) thread.set_addressee_team(Name(kTeams, parties.addressee.team_id));
                 thread.set_department(Name(kDepartments, heard_by.department_id));
                 thread.set_against_team(request.against_team());
                 thread.set_title(request.title());
                 thread.set_body(request.body());
                 *thread.mutable_respond_by() = ToProto(tx.now() + options_.SlaOf(request.kind()));
                 *thread.mutable_submitted_by() = ActorOf(caller);
                 *thread.mutable_create_time() = ToProto(tx.now());
                 *thread.mutable_update_time() = ToProto(tx.now());
                 tx.PutProto(threads_, keys::Id(id), thread);
                 if (!grievance) {
                   tx.Put(
                       index_,
                       keys::ThreadEntry(keys::ThreadBy::kAddressee, parties.addressee.team_id, id),
                       "");
                 }
                 tx.Put(index_,
                        keys::ThreadEntry(keys::ThreadBy::kAuthor, parties.author.team_id, id), "");
                 tx.Put(index_,
                        keys::ThreadEntry(keys::ThreadBy::kDepartment, heard_by.department_id, id),
                        "");
                 StageEscalationKey(tx, index_, id, nullptr, thread);
                 AppendEvent(tx, &caller, [&](v1::Event& e) {
                   *e.mutable_feedback_submitted() = WithoutText(thread);
                 });
                 *response->mutable_feedback() = std::move(thread);
                 return absl::OkStatus();
               });
      });
}

void FeedbackStore::ChangeThread(const char* method, const Caller& caller,
                                 const google::protobuf::Message& request,
                                 google::protobuf::Message* response, v1::Feedback* out,
                                 std::string id, v1::Feedback* (v1::Event::*event)(),
                                 ThreadRule rule, Done done) {
  Submit(method, caller, request, response, std::move(done),
         [this, caller, out, id = std::move(id), event,
          rule = std::move(rule)](storage::Transaction& tx) mutable -> absl::Status {
           v1::Feedback before;
           ASSIGN_OR_RETURN(bool found, tx.GetProto(threads_, keys::Id(id), &before));
           if (!found) return NotFound(Name(kFeedback, id));
           v1::Feedback thread = before;
           RETURN_IF_ERROR(rule(tx.now(), thread));
           *thread.mutable_update_time() = ToProto(tx.now());
           tx.PutProto(threads_, keys::Id(id), thread);
           StageEscalationKey(tx, index_, id, &before, thread);
           AppendEvent(tx, &caller, [&](v1::Event& e) { *(e.*event)() = WithoutText(thread); });
           *out = std::move(thread);
           return absl::OkStatus();
         });
}

namespace {

// FAILED_PRECONDITION TOO_MANY_REPLIES when `thread` holds `max` replies.
absl::Status CheckRoomForReply(const v1::Feedback& thread, int max) {
  if (thread.replies_size() < max) return absl::OkStatus();
  return ThreadPrecondition(
      thread, "TOO_MANY_REPLIES",
      absl::StrCat("holds ", thread.replies_size(), " replies, the most a thread may hold (", max,
                   "); start a new thread"));
}

absl::Status CheckOpenOrAcknowledged(const v1::Feedback& thread) {
  if (!Closed(thread)) return absl::OkStatus();
  return WrongState(thread, "it is closed; its author may reopen it once");
}

}  // namespace

void FeedbackStore::AcknowledgeFeedback(const Caller& caller,
                                        const v1::AcknowledgeFeedbackRequest& request,
                                        v1::AcknowledgeFeedbackResponse* response, Done done) {
  absl::StatusOr<std::string> id = Validate(request);
  if (!id.ok()) return done(id.status());
  ChangeThread(
      "AcknowledgeFeedback", caller, request, response, response->mutable_feedback(),
      *std::move(id), &v1::Event::mutable_feedback_acknowledged,
      [caller](absl::Time now, v1::Feedback& thread) -> absl::Status {
        RETURN_IF_ERROR(RequireAddressee(caller, thread, "AcknowledgeFeedback"));
        if (thread.state() != v1::FEEDBACK_STATE_OPEN) {
          return WrongState(thread, "only an open thread is acknowledged");
        }
        thread.set_state(v1::FEEDBACK_STATE_ACKNOWLEDGED);
        *thread.mutable_acknowledge_time() = ToProto(now);
        return absl::OkStatus();
      },
      std::move(done));
}

void FeedbackStore::RespondToFeedback(const Caller& caller,
                                      const v1::RespondToFeedbackRequest& request,
                                      v1::RespondToFeedbackResponse* response, Done done) {
  absl::StatusOr<std::string> id = Validate(request);
  if (!id.ok()) return done(id.status());
  ChangeThread(
      "RespondToFeedback", caller, request, response, response->mutable_feedback(), *std::move(id),
      &v1::Event::mutable_feedback_replied,
      [this, caller, &request](absl::Time now, v1::Feedback& thread) -> absl::Status {
        if (!IsAuthor(caller, thread) && !IsAddressee(caller, thread)) {
          return auth::Denied("NOT_PARTICIPANT",
                              absl::StrCat("RespondToFeedback: only the author team and the "
                                           "addressee of ",
                                           thread.name(), " reply to it"));
        }
        RETURN_IF_ERROR(CheckOpenOrAcknowledged(thread));
        RETURN_IF_ERROR(CheckRoomForReply(thread, options_.max_replies));
        *thread.add_replies() = MakeReply(caller, now, request.text());
        return absl::OkStatus();
      },
      std::move(done));
}

void FeedbackStore::ResolveFeedback(const Caller& caller, const v1::ResolveFeedbackRequest& request,
                                    v1::ResolveFeedbackResponse* response, Done done) {
  absl::StatusOr<std::string> id = Validate(request);
  if (!id.ok()) return done(id.status());
  ChangeThread(
      "ResolveFeedback", caller, request, response, response->mutable_feedback(), *std::move(id),
      &v1::Event::mutable_feedback_resolved,
      [this, caller, &request](absl::Time now, v1::Feedback& thread) -> absl::Status {
        RETURN_IF_ERROR(RequireAddressee(caller, thread, "ResolveFeedback"));
        RETURN_IF_ERROR(CheckOpenOrAcknowledged(thread));
        if (!request.note().empty()) {
          RETURN_IF_ERROR(CheckRoomForReply(thread, options_.max_replies));
          *thread.add_replies() = MakeReply(caller, now, request.note());
        }
        thread.set_state(v1::FEEDBACK_STATE_RESOLVED);
        *thread.mutable_close_time() = ToProto(now);
        return absl::OkStatus();
      },
      std::move(done));
}

void FeedbackStore::DismissFeedback(const Caller& caller, const v1::DismissFeedbackRequest& request,
                                    v1::DismissFeedbackResponse* response, Done done) {
  absl::StatusOr<std::string> id = Validate(request);
  if (!id.ok()) return done(id.status());
  ChangeThread(
      "DismissFeedback", caller, request, response, response->mutable_feedback(), *std::move(id),
      &v1::Event::mutable_feedback_dismissed,
      [caller, &request](absl::Time now, v1::Feedback& thread) -> absl::Status {
        RETURN_IF_ERROR(RequireAddressee(caller, thread, "DismissFeedback"));
        RETURN_IF_ERROR(CheckOpenOrAcknowledged(thread));
        thread.set_state(v1::FEEDBACK_STATE_DISMISSED);
        thread.set_dismiss_reason(request.reason());
        *thread.mutable_close_time() = ToProto(now);
        return absl::OkStatus();
      },
      std::move(done));
}

void FeedbackStore::ReopenFeedback(const Caller& caller, const v1::ReopenFeedbackRequest& request,
                                   v1::ReopenFeedbackResponse* response, Done done) {
  absl::StatusOr<std::string> id = Validate(request);
  if (!id.ok()) return done(id.status());
  ChangeThread(
      "ReopenFeedback", caller, request, response, response->mutable_feedback(), *std::move(id),
      &v1::Event::mutable_feedback_reopened,
      [this, caller, &request](absl::Time now, v1::Feedback& thread) -> absl::Status {
        if (!IsAuthor(caller, thread)) {
          return auth::Denied("NOT_AUTHOR",
                              absl::StrCat("ReopenFeedback of ", thread.name(),
                                           " is for its author team ", thread.author_team()));
        }
        if (!Closed(thread)) return WrongState(thread, "only a closed thread is reopened");
        if (thread.reopened()) {
          return ThreadPrecondition(thread, "ALREADY_REOPENED",
                                    "was reopened once already; a thread is reopened only once, "
                                    "start a new one");
        }
        RETURN_IF_ERROR(CheckRoomForReply(thread, options_.max_replies));
        *thread.add_replies() = MakeReply(caller, now, request.reason());
        // Open again with a new deadline: it may escalate again.
        thread.set_state(v1::FEEDBACK_STATE_OPEN);
        thread.set_reopened(true);
        thread.set_escalated(false);
        thread.clear_escalate_time();
        thread.clear_close_time();
        *thread.mutable_respond_by() = ToProto(now + options_.SlaOf(thread.kind()));
        return absl::OkStatus();
      },
      std::move(done));
}

void FeedbackStore::RecognizeGrievance(const Caller& caller,
                                       const v1::RecognizeGrievanceRequest& request,
                                       v1::RecognizeGrievanceResponse* response, Done done) {
  absl::StatusOr<std::string> id = Validate(request);
  if (!id.ok()) return done(id.status());
  ChangeThread(
      "RecognizeGrievance", caller, request, response, response->mutable_feedback(), *std::move(id),
      &v1::Event::mutable_grievance_recognized,
      [caller, &request](absl::Time now, v1::Feedback& thread) -> absl::Status {
        if (!HeadsNamed(caller, thread.department())) {
          return auth::Denied("NOT_DEPARTMENT_HEAD",
                              absl::StrCat("RecognizeGrievance of ", thread.name(),
                                           " is for the head of ", thread.department()));
        }
        if (thread.kind() != v1::FEEDBACK_KIND_GRIEVANCE) {
          return ThreadPrecondition(thread, "NOT_A_GRIEVANCE",
                                    "is not a grievance; only grievances are recognised");
        }
        if (thread.has_recognition()) {
          return ThreadPrecondition(thread, "ALREADY_RECOGNIZED",
                                    "was recognised already; a grievance is recognised once");
        }
        v1::Recognition* recognition = thread.mutable_recognition();
        recognition->set_note(request.note());
        *recognition->mutable_by() = ActorOf(caller);
        *recognition->mutable_time() = ToProto(now);
        return absl::OkStatus();
      },
      std::move(done));
}

}  // namespace baton::feedback
