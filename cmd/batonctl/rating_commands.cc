// The rating service's reads: a handoff's score, a team's scorecard, a
// department's scoreboard (once, or streamed with --watch) and a chain's
// funnel, over a window of days.

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "cmd/batonctl/call.h"
#include "cmd/batonctl/commands.h"
#include "cmd/batonctl/flags.h"
#include "cmd/batonctl/parse.h"

namespace baton::batonctl {
namespace {

using Stub = rv1::RatingService::Stub;

// --from and --to as a window; both empty is the server's default (the 30
// days up to today). One without the other is a usage error here, named by
// the flags the user typed (the server would name the proto field). The
// server checks the days.
absl::StatusOr<rv1::Window> WindowFromFlags() {
  const std::string from = absl::GetFlag(FLAGS_from);
  const std::string to = absl::GetFlag(FLAGS_to);
  if (from.empty() != to.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        from.empty() ? absl::StrCat("--to=", to, " without --from")
                     : absl::StrCat("--from=", from, " without --to"),
        ": --from and --to go together (give both, or neither for the 30 days up to today)"));
  }
  rv1::Window window;
  window.set_start_day(from);
  window.set_end_day(to);
  return window;
}

// --order, when given.
absl::StatusOr<rv1::ScoreboardOrder> OrderFromFlags() {
  const std::string order = absl::GetFlag(FLAGS_order);
  if (order.empty()) return rv1::SCOREBOARD_ORDER_UNSPECIFIED;
  return ParseScoreboardOrder("order", order);
}

// scoreboard --watch: the scoreboard now, then again at each change, one
// JSON line each, until Ctrl-C, --limit scoreboards, or the server ends the
// stream (shutting down: UNAVAILABLE, exit 1).
int WatchScoreboard(Client& client, const std::string& department) {
  // The watch's window moves with today: it takes --days, not a fixed
  // --from/--to.
  if (!absl::GetFlag(FLAGS_from).empty() || !absl::GetFlag(FLAGS_to).empty()) {
    return UsageError(
        "scoreboard --watch takes --days=N (the N days up to today), not --from/--to");
  }
  rv1::WatchScoreboardRequest request;
  request.set_department(Qualify("departments", department));
  request.set_days(absl::GetFlag(FLAGS_days));
  auto order = OrderFromFlags();
  if (!order.ok()) return UsageError(order.status().message());
  request.set_order(*order);
  auto context = client.Context(/*unary=*/false);
  auto reader = client.StubFor(static_cast<Stub*>(nullptr)).WatchScoreboard(context.get(), request);
  return Follow(
      *context, *reader,
      [](const rv1::WatchScoreboardResponse& m) -> const auto& { return m.scoreboard(); },
      [](const rv1::WatchScoreboardResponse&) { return true; });
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
  auto window = WindowFromFlags();
  if (!window.ok()) return UsageError(window.status().message());
  *request.mutable_window() = *std::move(window);
  return CallAndPrint(client, &Stub::GetTeamScorecard, request,
                      [](const rv1::GetTeamScorecardResponse& r) { return r.scorecard(); });
}

int Scoreboard(Client& client, const std::string& department) {
  if (absl::GetFlag(FLAGS_watch)) return WatchScoreboard(client, department);
  if (absl::GetFlag(FLAGS_days) != 0) {
    return UsageError("--days goes with scoreboard --watch; without it, give --from and --to");
  }
  rv1::GetDepartmentScoreboardRequest request;
  request.set_department(Qualify("departments", department));
  auto window = WindowFromFlags();
  if (!window.ok()) return UsageError(window.status().message());
  *request.mutable_window() = *std::move(window);
  auto order = OrderFromFlags();
  if (!order.ok()) return UsageError(order.status().message());
  request.set_order(*order);
  return CallAndPrint(client, &Stub::GetDepartmentScoreboard, request,
                      [](const rv1::GetDepartmentScoreboardResponse& r) { return r.scoreboard(); });
}

int Funnel(Client& client, const std::string& chain) {
  rv1::GetChainFunnelRequest request;
  request.set_chain(Qualify("chains", chain));
  auto window = WindowFromFlags();
  if (!window.ok()) return UsageError(window.status().message());
  *request.mutable_window() = *std::move(window);
  return CallAndPrint(client, &Stub::GetChainFunnel, request,
                      [](const rv1::GetChainFunnelResponse& r) { return r.funnel(); });
}

}  // namespace baton::batonctl
