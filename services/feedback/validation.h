#ifndef BATON_SERVICES_FEEDBACK_VALIDATION_H_
#define BATON_SERVICES_FEEDBACK_VALIDATION_H_

// Checks of request shape that need no stored state (as
// services/handoff/validation.h): required fields, text limits in
// characters, score ranges, enums. Each returns INVALID_ARGUMENT with a
// BadRequest listing every wrong field, or the ids the request names,
// parsed once here so that the store never parses a name again.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "baton/feedback/v1/feedback_service.pb.h"

namespace baton::feedback {

// Limits of the feedback API (also in the proto comments).
inline constexpr size_t kMaxCommentChars = 2000;
inline constexpr size_t kMaxReasonChars = 2000;
inline constexpr size_t kMaxTitleChars = 200;
inline constexpr size_t kMaxBodyChars = 4000;
inline constexpr int kMinScore = 1;
inline constexpr int kMaxScore = 5;

// --- Ratings and disputes (ratings.cc).

// --- Feedback threads (threads.cc).

// What SubmitFeedback names, as bare ids ("" when absent).
struct FeedbackTarget {
  std::string handoff_id;
  std::string about_team_id;
  std::string against_team_id;
};
// Also the kind's shape: praise, complaints and suggestions name exactly
// one of handoff and about_team and no against_team; a grievance names
// neither handoff nor about_team.
absl::StatusOr<FeedbackTarget> Validate(const v1::SubmitFeedbackRequest& request);
// Each returns the thread's id.
absl::StatusOr<std::string> Validate(const v1::AcknowledgeFeedbackRequest& request);
absl::StatusOr<std::string> Validate(const v1::RespondToFeedbackRequest& request);
absl::StatusOr<std::string> Validate(const v1::ResolveFeedbackRequest& request);
absl::StatusOr<std::string> Validate(const v1::DismissFeedbackRequest& request);
absl::StatusOr<std::string> Validate(const v1::ReopenFeedbackRequest& request);
absl::StatusOr<std::string> Validate(const v1::RecognizeGrievanceRequest& request);
absl::StatusOr<std::string> Validate(const v1::GetFeedbackRequest& request);

// Whose threads a list or watch is about: exactly one owner.
enum class ThreadOwner { kAddressee, kAuthor, kDepartment };
struct ThreadListing {
  ThreadOwner owner = ThreadOwner::kAddressee;
  std::string owner_id;  // a team's or department's bare id
  int page_size = 0;     // for lists: resolved (0 → the default)
};
// Also the filters: state and kind are UNSPECIFIED or a known value.
absl::StatusOr<ThreadListing> Validate(const v1::ListFeedbackRequest& request);
// kAddressee for `team`, kDepartment for `department`; page_size unused.
absl::StatusOr<ThreadListing> Validate(const v1::WatchFeedbackRequest& request);

// --- Pulse (pulse.cc) and verdicts (verdicts.cc).

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_VALIDATION_H_
