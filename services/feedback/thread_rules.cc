#include "services/feedback/thread_rules.h"

#include "absl/strings/str_cat.h"
#include "common/api/names.h"
#include "common/status/errors.h"
#include "common/time/proto_time.h"
#include "services/feedback/keys.h"

namespace baton::feedback {

using api::kDepartments;
using api::kFeedback;
using api::kTeams;
using api::Name;

namespace {

bool IsGrievance(const v1::Feedback& thread) {
  return thread.kind() == v1::FEEDBACK_KIND_GRIEVANCE;
}

}  // namespace

// Names built from the caller's ids are compared with the stored names:
// nothing read from storage is parsed here.
bool ActsFor(const Caller& caller, absl::string_view team) {
  return !caller.team.empty() && team == Name(kTeams, caller.team);
}

bool HeadsNamed(const Caller& caller, absl::string_view department) {
  return caller.heads(caller.principal.department) &&
         department == Name(kDepartments, caller.principal.department);
}

bool IsAuthor(const Caller& caller, const v1::Feedback& thread) {
  return ActsFor(caller, thread.author_team());
}

bool IsAddressee(const Caller& caller, const v1::Feedback& thread) {
  return IsGrievance(thread) ? HeadsNamed(caller, thread.department())
                             : ActsFor(caller, thread.addressee_team());
}

bool MayRead(const Caller& caller, const v1::Feedback& thread) {
  if (IsAuthor(caller, thread) || HeadsNamed(caller, thread.department())) return true;
  if (IsGrievance(thread)) return false;
  return caller.is_service() || caller.is_admin() || IsAddressee(caller, thread) ||
         HeadsNamed(caller, thread.author_department());
}

absl::Status RequireAddressee(const Caller& caller, const v1::Feedback& thread,
                              absl::string_view action) {
  if (IsAddressee(caller, thread)) return absl::OkStatus();
  const std::string addressee = IsGrievance(thread)
                                    ? absl::StrCat("the head of ", thread.department())
                                    : thread.addressee_team();
  return auth::Denied("NOT_ADDRESSEE", absl::StrCat(action, " of ", thread.name(), " is for ",
                                                    addressee, ", to whom it is addressed"));
}

absl::Status RequireReader(const Caller& caller, const v1::Feedback& thread) {
  if (MayRead(caller, thread)) return absl::OkStatus();
  return auth::Denied(
      "NOT_FEEDBACK_READER",
      absl::StrCat(thread.name(), " is read only by the teams it concerns and their heads",
                   IsGrievance(thread) ? " (a grievance: its author team and its department's head)"
                                       : ", services and admins"));
}

std::string StateName(v1::FeedbackState state) {
  switch (state) {
    case v1::FEEDBACK_STATE_OPEN:
      return "open";
    case v1::FEEDBACK_STATE_ACKNOWLEDGED:
      return "acknowledged";
    case v1::FEEDBACK_STATE_RESOLVED:
      return "resolved";
    case v1::FEEDBACK_STATE_DISMISSED:
      return "dismissed";
    default:
      return "in an unknown state";
  }
}

absl::Status WrongState(const v1::Feedback& thread, absl::string_view hint) {
  const std::string state = StateName(thread.state());
  return FailedPrecondition("WRONG_STATE", absl::StrCat(thread.name(), " is ", state, "; ", hint),
                            {{"STATE", thread.name(), absl::StrCat("is ", state)}});
}

absl::Status ThreadPrecondition(const v1::Feedback& thread, absl::string_view reason,
                                std::string message) {
  return FailedPrecondition(reason, absl::StrCat(thread.name(), ": ", message),
                            {{std::string(reason), thread.name(), message}});
}

bool AwaitsAcknowledgement(const v1::Feedback& thread) {
  return thread.state() == v1::FEEDBACK_STATE_OPEN && !thread.escalated();
}

void StageEscalationKey(storage::Transaction& tx, rocksdb::ColumnFamilyHandle* index,
                        absl::string_view id, const v1::Feedback* before,
                        const v1::Feedback& after) {
  const bool had = before != nullptr && AwaitsAcknowledgement(*before);
  const bool has = AwaitsAcknowledgement(after);
  const absl::Time old_due = had ? FromProto(before->respond_by()) : absl::InfinitePast();
  const absl::Time new_due = FromProto(after.respond_by());
  if (had && (!has || old_due != new_due)) tx.Delete(index, keys::Escalation(old_due, id));
  if (has && (!had || old_due != new_due)) tx.Put(index, keys::Escalation(new_due, id), "");
}

}  // namespace baton::feedback
