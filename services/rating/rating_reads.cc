#include "services/rating/rating_reads.h"

#include "common/status/status_macros.h"
#include "services/rating/validation.h"

namespace baton::rating {

absl::Status RatingReads::GetHandoffScore(const auth::Caller&,
                                          const v1::GetHandoffScoreRequest& request,
                                          v1::GetHandoffScoreResponse* response) const {
  ASSIGN_OR_RETURN(const std::string handoff, Validate(request));
  ASSIGN_OR_RETURN(*response->mutable_score(), queries_->GetHandoffScore(handoff));
  return absl::OkStatus();
}

absl::Status RatingReads::GetTeamScorecard(const auth::Caller&,
                                           const v1::GetTeamScorecardRequest& request,
                                           v1::GetTeamScorecardResponse* response) const {
  ASSIGN_OR_RETURN(const std::string team, Validate(request));
  ASSIGN_OR_RETURN(*response->mutable_scorecard(), queries_->TeamScorecard(team, request.window()));
  return absl::OkStatus();
}

absl::Status RatingReads::GetDepartmentScoreboard(const auth::Caller&,
                                                  const v1::GetDepartmentScoreboardRequest& request,
                                                  server::SerializedResponse* response) const {
  ASSIGN_OR_RETURN(const std::string department, Validate(request));
  // The days are resolved once, so that the answer and its cache key name
  // the same days even when the organisation's day turns meanwhile.
  ASSIGN_OR_RETURN(const DayRange days, queries_->WindowDays(request.window()));
  auto compute = [&] {
    return queries_->DepartmentScoreboard(department, days.ToProto(), request.order());
  };
  if (scoreboards_ == nullptr) {
    v1::GetDepartmentScoreboardResponse answer;
    ASSIGN_OR_RETURN(*answer.mutable_scoreboard(), compute());
    response->bytes = std::make_shared<const std::string>(answer.SerializeAsString());
    return absl::OkStatus();
  }
  const ScoreboardKey key{.department = department,
                          .from = days.from,
                          .to = days.to,
                          .order = request.order() == v1::SCOREBOARD_ORDER_UNSPECIFIED
                                       ? v1::SCOREBOARD_ORDER_SCORE
                                       : request.order()};
  ASSIGN_OR_RETURN(response->bytes, scoreboards_->Get(key, compute));
  return absl::OkStatus();
}

absl::Status RatingReads::GetChainFunnel(const auth::Caller&,
                                         const v1::GetChainFunnelRequest& request,
                                         v1::GetChainFunnelResponse* response) const {
  ASSIGN_OR_RETURN(const std::string chain, Validate(request));
  ASSIGN_OR_RETURN(*response->mutable_funnel(), queries_->ChainFunnel(chain, request.window()));
  return absl::OkStatus();
}

}  // namespace baton::rating
