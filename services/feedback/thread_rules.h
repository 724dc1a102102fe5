#ifndef BATON_SERVICES_FEEDBACK_THREAD_RULES_H_
#define BATON_SERVICES_FEEDBACK_THREAD_RULES_H_

// The rules of feedback threads that the writes (threads.cc), the reads
// (thread_queries.cc) and the escalation (escalation.cc) share: who a
// caller is to a thread, who may read it, the wrong-state error, and the
// escalation index's invariant.
//
// Who is who: the author is the team that wrote the thread; the addressee
// is the addressee team (a caller acting for it), or for a grievance the
// head of its department (a grievance is addressed to management). A
// thread other than a grievance is read by its author and addressee teams,
// the heads of `department` and `author_department`, services and admins.
// A grievance is read ONLY by its author team (a service acting for that
// team is acting as it) and the head of its department: not by services
// or admins as such, so that staff can tell management what went wrong
// without the rest of the organisation reading it.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "baton/feedback/v1/resources.pb.h"
#include "common/auth/caller.h"
#include "common/storage/commit_queue.h"
#include "rocksdb/db.h"

namespace baton::feedback {

using auth::Caller;

// Whether the caller acts for the team named `team` ("teams/x").
bool ActsFor(const Caller& caller, absl::string_view team);
// Whether the caller heads the department named `department`.
bool HeadsNamed(const Caller& caller, absl::string_view department);

bool IsAuthor(const Caller& caller, const v1::Feedback& thread);
bool IsAddressee(const Caller& caller, const v1::Feedback& thread);
bool MayRead(const Caller& caller, const v1::Feedback& thread);

// PERMISSION_DENIED NOT_ADDRESSEE unless IsAddressee; `action` names the RPC.
absl::Status RequireAddressee(const Caller& caller, const v1::Feedback& thread,
                              absl::string_view action);
// PERMISSION_DENIED NOT_FEEDBACK_READER unless MayRead.
absl::Status RequireReader(const Caller& caller, const v1::Feedback& thread);

// "open", "acknowledged", "resolved", "dismissed".
std::string StateName(v1::FeedbackState state);
// FAILED_PRECONDITION WRONG_STATE: "<name> is <state>; <hint>".
absl::Status WrongState(const v1::Feedback& thread, absl::string_view hint);
// FAILED_PRECONDITION `reason` about the thread, with `message` for people.
absl::Status ThreadPrecondition(const v1::Feedback& thread, absl::string_view reason,
                                std::string message);

// Whether the thread waits for its addressee's acknowledgement and may
// still escalate: OPEN and not escalated. Exactly these threads have an
// Escalation key (keys.h).
bool AwaitsAcknowledgement(const v1::Feedback& thread);
// Stages the change of thread `id`'s Escalation key from `before` (null for
// a new thread) to `after`, keeping the invariant above.
void StageEscalationKey(storage::Transaction& tx, rocksdb::ColumnFamilyHandle* index,
                        absl::string_view id, const v1::Feedback* before,
                        const v1::Feedback& after);

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_THREAD_RULES_H_
