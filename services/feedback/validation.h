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
#include "absl/time/time.h"
#include "absl/strings/string_view.h"
#include "baton/feedback/v1/feedback_service.pb.h"
#include "services/feedback/keys.h"

namespace baton::feedback {

// Limits of the feedback API (also in the proto comments).
inline constexpr size_t kMaxCommentChars = 2000;
inline constexpr size_t kMaxReasonChars = 2000;
inline constexpr size_t kMaxTitleChars = 200;
inline constexpr size_t kMaxBodyChars = 4000;
inline constexpr int kMinScore = 1;
inline constexpr int kMaxScore = 5;

// --- Ratings and disputes (ratings.cc).

// Each returns the id the request names (the handoff's for RateHandoff,
// the rating's otherwise).
absl::StatusOr<std::string> Validate(const v1::RateHandoffRequest& request);
absl::StatusOr<std::string> Validate(const v1::DisputeRatingRequest& request);
absl::StatusOr<std::string> Validate(const v1::RuleOnDisputeRequest& request);

// A valid ListRatingsRequest: which index, whose, the time range and the
// page.
struct RatingsQuery {
  keys::RatingBy by = keys::RatingBy::kSupplier;
  // The team or chain id.
  std::string owner_id;
  // [start, end) on create_time; InfinitePast / InfiniteFuture when open.
  absl::Time start = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();
  int page_size = 0;
  // What the page token is bound to.
  std::string filter;
};
// Exactly one of supplier_team, customer_team and chain; timestamps valid
// and end_time not before start_time; page_size not negative.
absl::StatusOr<RatingsQuery> Validate(const v1::ListRatingsRequest& request);

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

// Questions of a pulse: every PulseQuestion but UNSPECIFIED.
inline constexpr int kPulseQuestions = 4;

// Every question answered exactly once with a score 1..5; the comment.
absl::Status Validate(const v1::AnswerPulseRequest& request);
// The team and period of a summary: `period` is "" when the request asks
// for the current one.
struct PulseSummaryTarget {
  std::string team_id;
  std::string period;
};
absl::StatusOr<PulseSummaryTarget> Validate(const v1::GetPulseSummaryRequest& request);
// Whether `period` is a pulse period, "YYYY-MM" (month 01..12).
bool IsPulsePeriod(absl::string_view period);
// The work item's id (also the verdict's).
absl::StatusOr<std::string> Validate(const v1::RecordVerdictRequest& request);
// The verdict's id (also its work item's).
absl::StatusOr<std::string> Validate(const v1::GetVerdictRequest& request);

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_VALIDATION_H_
