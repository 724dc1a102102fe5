// The rating service's reads: a handoff's score, a team's scorecard, a
// department's scoreboard and a chain's funnel, over a window of days.

#include "absl/flags/flag.h"
#include "cmd/batonctl/call.h"
#include "cmd/batonctl/commands.h"
#include "cmd/batonctl/flags.h"
#include "cmd/batonctl/parse.h"

namespace baton::batonctl {
namespace {

using Stub = rv1::RatingService::Stub;

// --from and --to as a window; both empty is the server's default (the 30
// days up to today). The server checks the days.
rv1::Window WindowFromFlags() {
  rv1::Window window;
  window.set_start_day(absl::GetFlag(FLAGS_from));
  window.set_end_day(absl::GetFlag(FLAGS_to));
  return window;
}

}  // namespace

int Score(Client& client, const std::string& handoff) {
  rv1::GetHandoffScoreRequest request;
  request.set_handoff(Qualify("handoffs", handoff));
  return CallAndPrint(client, &Stub::GetHandoffScore, request,
                      [](const rv1::GetHandoffScoreResponse& r) { return r.score(); });
}

int Scorecard(Client& client, const std::string& team) {
  rv1::GetTeamScorecardRequest request;
  request.set_team(Qualify("teams", team));
  *request.mutable_window() = WindowFromFlags();
  return CallAndPrint(client, &Stub::GetTeamScorecard, request,
                      [](const rv1::GetTeamScorecardResponse& r) { return r.scorecard(); });
}

int Scoreboard(Client& client, const std::string& department) {
  rv1::GetDepartmentScoreboardRequest request;
  request.set_department(Qualify("departments", department));
  *request.mutable_window() = WindowFromFlags();
  if (const std::string order = absl::GetFlag(FLAGS_order); !order.empty()) {
    auto parsed = ParseScoreboardOrder("order", order);
    if (!parsed.ok()) return UsageError(parsed.status().message());
    request.set_order(*parsed);
  }
  return CallAndPrint(client, &Stub::GetDepartmentScoreboard, request,
                      [](const rv1::GetDepartmentScoreboardResponse& r) { return r.scoreboard(); });
}

int Funnel(Client& client, const std::string& chain) {
  rv1::GetChainFunnelRequest request;
  request.set_chain(Qualify("chains", chain));
  *request.mutable_window() = WindowFromFlags();
  return CallAndPrint(client, &Stub::GetChainFunnel, request,
                      [](const rv1::GetChainFunnelResponse& r) { return r.funnel(); });
}

}  // namespace baton::batonctl
