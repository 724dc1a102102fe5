#include "services/feedback/validation.h"

#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/checks.h"
#include "common/api/names.h"
#include "common/api/paging.h"
#include "common/time/proto_time.h"
#include "common/status/errors.h"

namespace baton::feedback {

// --- Ratings and disputes.

using api::Check;
using api::CheckName;
using api::CheckNote;
using api::CheckRequestId;
using api::CheckRequiredNote;
using api::Ok;

namespace {

void CheckScore(BadRequest& bad, absl::string_view field, int32_t score) {
  if (score < kMinScore || score > kMaxScore) {
    bad.Add(std::string(field), absl::StrCat("must be ", kMinScore, " to ", kMaxScore, "; got ",
                                             score, score == 0 ? " (not set)" : ""));
  }
}

// The range google.protobuf.Timestamp allows: 0001-01-01 to 9999-12-31 UTC.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

void CheckTimestamp(BadRequest& bad, absl::string_view field,
                    const google::protobuf::Timestamp& time) {
  if (time.seconds() < kMinTimestampSeconds || time.seconds() > kMaxTimestampSeconds ||
      time.nanos() < 0 || time.nanos() > 999'999'999) {
    bad.Add(std::string(field), "is not a valid timestamp (0001-01-01 to 9999-12-31 UTC)");
  }
}

}  // namespace

absl::StatusOr<std::string> Validate(const v1::RateHandoffRequest& request) {
  BadRequest bad;
  CheckRequestId(bad, request.request_id());
  std::string id = CheckName(bad, "handoff", request.handoff(), api::kHandoffs);
  if (!request.has_scores()) {
    bad.Add("scores", "is required: every score 1 to 5");
  } else {
    const v1::Scores& scores = request.scores();
    CheckScore(bad, "scores.completeness", scores.completeness());
    CheckScore(bad, "scores.accuracy", scores.accuracy());
    CheckScore(bad, "scores.timeliness", scores.timeliness());
    CheckScore(bad, "scores.communication", scores.communication());
    CheckScore(bad, "scores.overall", scores.overall());
  }
  CheckNote(bad, "comment", request.comment(), kMaxCommentChars);
  return Ok(bad, std::move(id));
}

absl::StatusOr<std::string> Validate(const v1::DisputeRatingRequest& request) {
  BadRequest bad;
  CheckRequestId(bad, request.request_id());
  std::string id = CheckName(bad, "rating", request.rating(), api::kRatings);
  CheckRequiredNote(bad, "reason", request.reason(), kMaxReasonChars);
  return Ok(bad, std::move(id));
}

absl::StatusOr<std::string> Validate(const v1::RuleOnDisputeRequest& request) {
  BadRequest bad;
  CheckRequestId(bad, request.request_id());
  std::string id = CheckName(bad, "rating", request.rating(), api::kRatings);
  if (request.ruling() != v1::RULING_UPHOLD && request.ruling() != v1::RULING_OVERTURN) {
    bad.Add("ruling", "is required: RULING_UPHOLD or RULING_OVERTURN");
  }
  CheckRequiredNote(bad, "note", request.note(), kMaxReasonChars);
  return Ok(bad, std::move(id));
}

absl::StatusOr<RatingsQuery> Validate(const v1::ListRatingsRequest& request) {
  BadRequest bad;
  RatingsQuery query;
  const absl::StatusOr<int> page_size = api::PageSize(request.page_size());
  Check(bad, "page_size", page_size.status());
  query.page_size = page_size.value_or(0);
  const int named = !request.supplier_team().empty() + !request.customer_team().empty() +
                    !request.chain().empty();
  if (named != 1) {
    // Every field concerned: the ones set when several are, all when none is.
    for (const auto& [field, value] : {std::pair("supplier_team", &request.supplier_team()),
                                       std::pair("customer_team", &request.customer_team()),
                                       std::pair("chain", &request.chain())}) {
      if (named == 0 || !value->empty()) {
        bad.Add(field, "exactly one of supplier_team, customer_team and chain is required");
      }
    }
  } else if (!request.supplier_team().empty()) {
    query.by = keys::RatingBy::kSupplier;
    query.owner_id = CheckName(bad, "supplier_team", request.supplier_team(), api::kTeams);
  } else if (!request.customer_team().empty()) {
    query.by = keys::RatingBy::kCustomer;
    query.owner_id = CheckName(bad, "customer_team", request.customer_team(), api::kTeams);
  } else {
    query.by = keys::RatingBy::kChain;
    query.owner_id = CheckName(bad, "chain", request.chain(), api::kChains);
  }
  if (request.has_start_time()) {
    CheckTimestamp(bad, "start_time", request.start_time());
    query.start = FromProto(request.start_time());
  }
  if (request.has_end_time()) {
    CheckTimestamp(bad, "end_time", request.end_time());
    query.end = FromProto(request.end_time());
  }
  if (query.end < query.start) bad.Add("end_time", "must not be before start_time");
  query.filter = absl::StrCat("ratings;by=", std::string(1, static_cast<char>(query.by)),
                              ";owner=", query.owner_id, ";start=", absl::FormatTime(query.start),
                              ";end=", absl::FormatTime(query.end));
  return Ok(bad, std::move(query));
}

// --- Feedback threads.

namespace {

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

absl::Status Validate(const v1::AnswerPulseRequest& request) {
  BadRequest bad;
  api::CheckRequestId(bad, request.request_id());
  if (request.answers_size() != kPulseQuestions) {
    bad.Add("answers", absl::StrCat("has ", request.answers_size(), " answers; a pulse needs ",
                                    kPulseQuestions, ", one per PulseQuestion"));
  }
  bool seen[kPulseQuestions + 1] = {};
  // Past the questions there is nothing more to learn from the entries.
  for (int i = 0; i < request.answers_size() && i < kPulseQuestions; ++i) {
    const v1::PulseAnswer& answer = request.answers(i);
    const std::string at = absl::StrCat("answers[", i, "]");
    const v1::PulseQuestion question = answer.question();
    if (question == v1::PULSE_QUESTION_UNSPECIFIED || !v1::PulseQuestion_IsValid(question)) {
      bad.Add(at + ".question", "is required: one of the PulseQuestion values");
    } else if (seen[question]) {
      bad.Add(at + ".question", "is answered twice; answer each question once");
    } else {
      seen[question] = true;
    }
    if (answer.score() < kMinScore || answer.score() > kMaxScore) {
      bad.Add(at + ".score",
              absl::StrCat("is ", answer.score(), "; must be ", kMinScore, " to ", kMaxScore));
    }
  }
  api::CheckNote(bad, "comment", request.comment(), kMaxCommentChars);
  return bad.Build();
}

bool IsPulsePeriod(absl::string_view period) {
  if (period.size() != 7 || period[4] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(period[i]))) return false;
  }
  const int month = (period[5] - '0') * 10 + (period[6] - '0');
  return month >= 1 && month <= 12;
}

absl::StatusOr<PulseSummaryTarget> Validate(const v1::GetPulseSummaryRequest& request) {
  BadRequest bad;
  PulseSummaryTarget target;
  target.team_id = api::CheckName(bad, "team", request.team(), api::kTeams);
  if (!request.period().empty() && !IsPulsePeriod(request.period())) {
    bad.Add("period",
            "must be a calendar month \"YYYY-MM\" (e.g. \"2026-11\"), or empty for "
            "the current one");
  }
  target.period = request.period();
  return api::Ok(bad, std::move(target));
}

absl::StatusOr<std::string> Validate(const v1::RecordVerdictRequest& request) {
  BadRequest bad;
  api::CheckRequestId(bad, request.request_id());
  std::string id = api::CheckName(bad, "work_item", request.work_item(), api::kWorkItems);
  if (request.score() < kMinScore || request.score() > kMaxScore) {
    bad.Add("score",
            absl::StrCat("is ", request.score(), "; must be ", kMinScore, " to ", kMaxScore));
  }
  api::CheckNote(bad, "comment", request.comment(), kMaxCommentChars);
  return api::Ok(bad, std::move(id));
}

absl::StatusOr<std::string> Validate(const v1::GetVerdictRequest& request) {
  BadRequest bad;
  std::string id = api::CheckName(bad, "name", request.name(), api::kVerdicts);
  return api::Ok(bad, std::move(id));
}

}  // namespace baton::feedback
