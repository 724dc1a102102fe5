#include "services/rating/validation.h"

#include "absl/strings/str_cat.h"
#include "common/api/checks.h"
#include "common/api/names.h"
#include "services/rating/rollup_layout.h"

namespace baton::rating {

using api::CheckName;
using api::Ok;

void CheckWindow(BadRequest& bad, const v1::Window& window) {
  if (window.start_day().empty() && window.end_day().empty()) return;
  auto day = [&bad](const char* field, const std::string& text) -> std::optional<DayNumber> {
    if (text.empty()) {
      bad.Add(field, "is required with the other day");
      return std::nullopt;
    }
    absl::StatusOr<DayNumber> day = DayCalendar::Parse(text);
    if (!day.ok()) {
      bad.Add(field, absl::StrCat("must be a day, YYYY-MM-DD, from ", DayCalendar::kFirstYear,
                                  " to ", DayCalendar::kLastYear));
      return std::nullopt;
    }
    return *day;
  };
  const std::optional<DayNumber> start = day("window.start_day", window.start_day());
  const std::optional<DayNumber> end = day("window.end_day", window.end_day());
  if (!start || !end) return;
  if (*end < *start) {
    bad.Add("window.end_day", "must not be before window.start_day");
  } else if (int64_t{*end} - *start + 1 > kMaxWindowDays) {
    bad.Add("window.end_day", absl::StrCat("a window is at most ", kMaxWindowDays, " days"));
  }
}

void CheckOrder(BadRequest& bad, v1::ScoreboardOrder order) {
  if (!v1::ScoreboardOrder_IsValid(order)) {
    bad.Add("order", absl::StrCat("is not a ScoreboardOrder: ", order));
  }
}

absl::StatusOr<std::string> Validate(const v1::GetHandoffScoreRequest& request) {
  BadRequest bad;
  std::string id = CheckName(bad, "handoff", request.handoff(), api::kHandoffs);
  return Ok(bad, std::move(id));
}

absl::StatusOr<std::string> Validate(const v1::GetTeamScorecardRequest& request) {
  BadRequest bad;
  std::string id = CheckName(bad, "team", request.team(), api::kTeams);
  CheckWindow(bad, request.window());
  return Ok(bad, std::move(id));
}

absl::StatusOr<std::string> Validate(const v1::GetDepartmentScoreboardRequest& request) {
  BadRequest bad;
  std::string id = CheckName(bad, "department", request.department(), api::kDepartments);
  CheckWindow(bad, request.window());
  CheckOrder(bad, request.order());
  return Ok(bad, std::move(id));
}

absl::StatusOr<std::string> Validate(const v1::GetChainFunnelRequest& request) {
  BadRequest bad;
  std::string id = CheckName(bad, "chain", request.chain(), api::kChains);
  CheckWindow(bad, request.window());
  return Ok(bad, std::move(id));
}

absl::StatusOr<std::string> Validate(const v1::WatchScoreboardRequest& request) {
  BadRequest bad;
  std::string id = CheckName(bad, "department", request.department(), api::kDepartments);
  if (request.days() < 0 || request.days() > kMaxWindowDays) {
    bad.Add("days", absl::StrCat("must be 0 (the default, ", kDefaultWindowDays, ") to ",
                                 kMaxWindowDays, "; got ", request.days()));
  }
  CheckOrder(bad, request.order());
  return Ok(bad, std::move(id));
}

}  // namespace baton::rating
