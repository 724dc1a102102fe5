#include "services/feedback/validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/checks.h"
#include "common/api/names.h"

namespace baton::feedback {

// --- Ratings and disputes.

// --- Feedback threads.

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
