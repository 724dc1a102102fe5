#include "cmd/rating_flags/rating_flags.h"

#include <cstdlib>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/time/time.h"

ABSL_FLAG(std::string, time_zone, "UTC",
          "the organisation's IANA time zone (e.g. Asia/Shanghai): the rating service's day "
          "buckets");
ABSL_FLAG(absl::Duration, watch_interval, absl::Milliseconds(200),
          "WatchScoreboard: least time between two pushes of one scoreboard while only offers "
          "changed it");
ABSL_FLAG(absl::Duration, watch_decision_interval, absl::Milliseconds(25),
          "WatchScoreboard: least time between two pushes of one scoreboard once a decision "
          "(accept, return, drop, rating, feedback...) changed it; at most --watch_interval");
ABSL_FLAG(int, max_watches, 1000,
          "most WatchScoreboard streams at once; one more is refused RESOURCE_EXHAUSTED");
ABSL_FLAG(int, max_watches_per_caller, 32,
          "most WatchScoreboard streams of one caller (a token's subject) at once; one more is "
          "refused RESOURCE_EXHAUSTED");

namespace baton::cmd {
namespace {

[[noreturn]] void Refuse(const char* flag, const char* why) {
  std::cerr << "baton: --" << flag << " " << why << "\n";
  std::exit(2);
}

}  // namespace

rating::RatingModuleOptions RatingOptionsFromFlags() {
  rating::RatingModuleOptions options;
  options.time_zone = absl::GetFlag(FLAGS_time_zone);
  options.watch_interval = absl::GetFlag(FLAGS_watch_interval);
  options.watch_decision_interval = absl::GetFlag(FLAGS_watch_decision_interval);
  // Every push of a scoreboard is a recomputation on the hub's one thread:
  // an interval of zero would recompute a busy department after every
  // batch, and an hour would make the scoreboard useless.
  const absl::Duration longest = absl::Minutes(1);
  if (options.watch_interval <= absl::ZeroDuration() || options.watch_interval > longest) {
    Refuse("watch_interval", "must be more than 0 and at most 1m");
  }
  if (options.watch_decision_interval <= absl::ZeroDuration() ||
      options.watch_decision_interval > options.watch_interval) {
    Refuse("watch_decision_interval", "must be more than 0 and at most --watch_interval");
  }
  const int max_watches = absl::GetFlag(FLAGS_max_watches);
  // Each stream holds at most one pending scoreboard; the bound is what
  // keeps their memory bounded.
  if (max_watches < 1 || max_watches > 100000) {
    Refuse("max_watches", "must be from 1 to 100000");
  }
  options.max_watches = static_cast<size_t>(max_watches);
  const int per_caller = absl::GetFlag(FLAGS_max_watches_per_caller);
  if (per_caller < 1 || per_caller > max_watches) {
    Refuse("max_watches_per_caller", "must be from 1 to --max_watches");
  }
  options.max_watches_per_caller = static_cast<size_t>(per_caller);
  return options;
}

}  // namespace baton::cmd
