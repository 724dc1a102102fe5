#include "services/feedback/validation.h"

#include "absl/strings/str_cat.h"
#include "common/api/checks.h"
#include "common/api/names.h"
#include "common/api/paging.h"
#include "common/status/errors.h"

namespace baton::feedback {

// --- Ratings and disputes.

// --- Feedback threads.

namespace {

using api::CheckName;
using api::CheckNote;
using api::CheckRequestId;
using api::CheckRequiredNote;
using api::kFeedback;
using api::kTeams;

// A change to a thread: its request id and name; the thread's id.
template <typename Request>
std::string CheckThreadChange(BadRequest& bad, const Request& request) {
  CheckRequestId(bad, request.request_id());
  return CheckName(bad, "name", request.name(), kFeedback);
}

// A change to a thread with one text of `min` (0 or 1) to `max`
// characters in `field`.
template <typename Request>
absl::StatusOr<std::string> ValidateThreadChange(const Request& request, absl::string_view field,
                                                 absl::string_view text, size_t min, size_t max) {
  BadRequest bad;
  std::string id = CheckThreadChange(bad, request);
  if (min == 0) {
    CheckNote(bad, field, text, max);
  } else {
    CheckRequiredNote(bad, field, text, max);
  }
  return api::Ok(bad, std::move(id));
}

// The one owner set among `owners` (field name, value, what it is).
struct OwnerField {
  absl::string_view field;
  absl::string_view value;
  ThreadOwner owner;
  absl::string_view collection;
};

void CheckOneOwner(BadRequest& bad, std::initializer_list<OwnerField> owners,
                   ThreadListing* listing) {
  std::string names;
  int set = 0;
  for (const OwnerField& owner : owners) {
    absl::StrAppend(&names, names.empty() ? "" : ", ", owner.field);
    if (owner.value.empty()) continue;
    if (++set > 1) {
      bad.Add(std::string(owner.field), "only one of the owners may be set");
      continue;
    }
    listing->owner = owner.owner;
    listing->owner_id = CheckName(bad, owner.field, owner.value, owner.collection);
  }
  if (set == 0) {
    const OwnerField& first = *owners.begin();
    bad.Add(std::string(first.field), absl::StrCat("exactly one of ", names, " is required"));
  }
}

}  // namespace

absl::StatusOr<FeedbackTarget> Validate(const v1::SubmitFeedbackRequest& request) {
  BadRequest bad;
  CheckRequestId(bad, request.request_id());
  FeedbackTarget target;
  const bool grievance = request.kind() == v1::FEEDBACK_KIND_GRIEVANCE;
  if (request.kind() == v1::FEEDBACK_KIND_UNSPECIFIED ||
      !v1::FeedbackKind_IsValid(request.kind())) {
    bad.Add("kind", "is required: PRAISE, COMPLAINT, SUGGESTION or GRIEVANCE");
  } else if (grievance) {
    if (!request.handoff().empty()) {
      bad.Add("handoff", "a grievance goes to the author's own department; name no handoff");
    }
    if (!request.about_team().empty()) {
      bad.Add("about_team", "a grievance goes to the author's own department; name no team");
    }
  } else {
    if (request.handoff().empty() == request.about_team().empty()) {
      bad.Add("handoff", "name exactly one of handoff and about_team");
    }
    if (!request.against_team().empty()) {
      bad.Add("against_team", "is for grievances only; use about_team");
    }
  }
  if (!request.handoff().empty()) {
    target.handoff_id = CheckName(bad, "handoff", request.handoff(), api::kHandoffs);
  }
  if (!request.about_team().empty()) {
    target.about_team_id = CheckName(bad, "about_team", request.about_team(), kTeams);
  }
  if (!request.against_team().empty()) {
    target.against_team_id = CheckName(bad, "against_team", request.against_team(), kTeams);
  }
  api::CheckText(bad, "title", request.title(), {.max_chars = kMaxTitleChars});
  CheckRequiredNote(bad, "body", request.body(), kMaxBodyChars);
  return api::Ok(bad, std::move(target));
}

absl::StatusOr<std::string> Validate(const v1::AcknowledgeFeedbackRequest& request) {
  BadRequest bad;
  std::string id = CheckThreadChange(bad, request);
  return api::Ok(bad, std::move(id));
}

absl::StatusOr<std::string> Validate(const v1::RespondToFeedbackRequest& request) {
  return ValidateThreadChange(request, "text", request.text(), 1, kMaxBodyChars);
}

absl::StatusOr<std::string> Validate(const v1::ResolveFeedbackRequest& request) {
  return ValidateThreadChange(request, "note", request.note(), 0, kMaxBodyChars);
}

absl::StatusOr<std::string> Validate(const v1::DismissFeedbackRequest& request) {
  return ValidateThreadChange(request, "reason", request.reason(), 1, kMaxReasonChars);
}

absl::StatusOr<std::string> Validate(const v1::ReopenFeedbackRequest& request) {
  return ValidateThreadChange(request, "reason", request.reason(), 1, kMaxBodyChars);
}

absl::StatusOr<std::string> Validate(const v1::RecognizeGrievanceRequest& request) {
  return ValidateThreadChange(request, "note", request.note(), 1, kMaxCommentChars);
}

absl::StatusOr<std::string> Validate(const v1::GetFeedbackRequest& request) {
  return api::ParseName("name", request.name(), kFeedback);
}

absl::StatusOr<ThreadListing> Validate(const v1::ListFeedbackRequest& request) {
  BadRequest bad;
  ThreadListing listing;
  CheckOneOwner(bad,
                {{"addressee_team", request.addressee_team(), ThreadOwner::kAddressee, kTeams},
                 {"author_team", request.author_team(), ThreadOwner::kAuthor, kTeams},
                 {"department", request.department(), ThreadOwner::kDepartment, api::kDepartments}},
                &listing);
  absl::StatusOr<int> page_size = api::PageSize(request.page_size());
  api::Check(bad, "page_size", page_size.status());
  if (page_size.ok()) listing.page_size = *page_size;
  if (!v1::FeedbackState_IsValid(request.state())) bad.Add("state", "is not a FeedbackState");
  if (!v1::FeedbackKind_IsValid(request.kind())) bad.Add("kind", "is not a FeedbackKind");
  return api::Ok(bad, std::move(listing));
}

absl::StatusOr<ThreadListing> Validate(const v1::WatchFeedbackRequest& request) {
  BadRequest bad;
  ThreadListing listing;
  CheckOneOwner(bad,
                {{"team", request.team(), ThreadOwner::kAddressee, kTeams},
                 {"department", request.department(), ThreadOwner::kDepartment, api::kDepartments}},
                &listing);
  return api::Ok(bad, std::move(listing));
}

// --- Pulse and verdicts.

}  // namespace baton::feedback
