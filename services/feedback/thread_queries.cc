// The reads of feedback threads: get, paged lists by owner, and who may
// watch. Reads see the last durable state, check who may read each thread
// (thread_rules.h) and never take the commit queue.

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/names.h"
#include "common/api/paging.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "services/feedback/feedback_store.h"
#include "services/feedback/keys.h"
#include "services/feedback/thread_rules.h"
#include "services/feedback/validation.h"

namespace baton::feedback {

using api::kDepartments;
using api::kFeedback;
using api::kTeams;
using api::Name;

namespace {

keys::ThreadBy IndexOf(ThreadOwner owner) {
  switch (owner) {
    case ThreadOwner::kAuthor:
      return keys::ThreadBy::kAuthor;
    case ThreadOwner::kDepartment:
      return keys::ThreadBy::kDepartment;
    default:
      return keys::ThreadBy::kAddressee;
  }
}

std::string OwnerName(const ThreadListing& listing) {
  return Name(listing.owner == ThreadOwner::kDepartment ? kDepartments : kTeams, listing.owner_id);
}

// Who may list or watch a team's threads without asking whose department
// it is: the team itself, services and admins.
bool SeesTeam(const Caller& caller, absl::string_view team_id) {
  return caller.team == team_id || caller.is_service() || caller.is_admin();
}

absl::Status NotViewer(const ThreadListing& listing) {
  return auth::Denied(
      "NOT_FEEDBACK_VIEWER",
      absl::StrCat("the threads of ", OwnerName(listing), " are for ",
                   listing.owner == ThreadOwner::kDepartment ? "its head" : "that team, its head",
                   ", services and admins"));
}

// Whether `thread` passes the request's filters.
bool Wanted(const v1::ListFeedbackRequest& request, const v1::Feedback& thread) {
  return (request.state() == v1::FEEDBACK_STATE_UNSPECIFIED || thread.state() == request.state()) &&
         (request.kind() == v1::FEEDBACK_KIND_UNSPECIFIED || thread.kind() == request.kind()) &&
         (!request.escalated_only() || thread.escalated());
}

}  // namespace

absl::Status FeedbackStore::GetFeedback(const Caller& caller, const v1::GetFeedbackRequest& request,
                                        v1::GetFeedbackResponse* response) const {
  ASSIGN_OR_RETURN(std::string id, Validate(request));
  v1::Feedback thread;
  RETURN_IF_ERROR(ReadProto(threads_, keys::Id(id), request.name(), &thread));
  RETURN_IF_ERROR(RequireReader(caller, thread));
  *response->mutable_feedback() = std::move(thread);
  return absl::OkStatus();
}

void FeedbackStore::ListFeedback(const Caller& caller, const v1::ListFeedbackRequest& request,
                                 v1::ListFeedbackResponse* response, Done done) const {
  absl::StatusOr<ThreadListing> listing = Validate(request);
  if (!listing.ok()) return done(listing.status());
  auto scan = [this, caller, &request, response,
               listing = *listing](absl::Status allowed) -> absl::Status {
    RETURN_IF_ERROR(allowed);
    return api::ScanPage(
        {.store = store_,
         .cf = index_,
         .prefixes = {keys::ThreadPrefix(IndexOf(listing.owner), listing.owner_id)},
         .page_token = request.page_token(),
         .filter = absl::StrCat("feedback;owner=", static_cast<int>(listing.owner), ":",
                                listing.owner_id, ";state=", request.state(),
                                ";kind=", request.kind(), ";escalated=", request.escalated_only()),
         .page_size = listing.page_size},
        [&](absl::string_view suffix, absl::string_view, bool* taken) -> absl::Status {
          std::string id;
          storage::KeyReader reader(suffix);
          if (!reader.Str(&id) || !reader.done()) {
            return absl::DataLossError("thread index holds a malformed key");
          }
          v1::Feedback thread;
          RETURN_IF_ERROR(ReadProto(threads_, keys::Id(id), Name(kFeedback, id), &thread));
          // Skipped ones count towards the scan's bound, not the page.
          if (!Wanted(request, thread) || !MayRead(caller, thread)) return absl::OkStatus();
          *response->add_feedback() = std::move(thread);
          *taken = true;
          return absl::OkStatus();
        },
        response->mutable_next_page_token());
  };
  const bool department = listing->owner == ThreadOwner::kDepartment;
  if (department || SeesTeam(caller, listing->owner_id)) {
    const bool allowed =
        !department || caller.heads(listing->owner_id) || caller.is_service() || caller.is_admin();
    return done(scan(allowed ? absl::OkStatus() : NotViewer(*listing)));
  }
  // Anyone else may only be the head of the team's department: ask which
  // that is (only then, and only for a head).
  if (!caller.principal.HasRole(auth::Role::kHead)) return done(scan(NotViewer(*listing)));
  facts_->Team(
      listing->owner_id, FactsDeadline(caller),
      [caller, listing = *listing, scan = std::move(scan),
       done = std::move(done)](absl::StatusOr<TeamFact> team) mutable {
        if (!team.ok()) return done(team.status());
        done(scan(caller.heads(team->department_id) ? absl::OkStatus() : NotViewer(listing)));
      });
}

absl::StatusOr<std::string> FeedbackStore::AuthorizeFeedbackWatch(
    const Caller& caller, const v1::WatchFeedbackRequest& request) const {
  ASSIGN_OR_RETURN(ThreadListing listing, Validate(request));
  if (listing.owner == ThreadOwner::kDepartment) {
    if (!caller.heads(listing.owner_id) && !caller.is_service() && !caller.is_admin()) {
      return NotViewer(listing);
    }
    return DepartmentTopic(listing.owner_id);
  }
  if (!SeesTeam(caller, listing.owner_id)) return NotViewer(listing);
  return TeamTopic(listing.owner_id);
}

}  // namespace baton::feedback
