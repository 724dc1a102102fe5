#ifndef BATON_BENCH_SYNTHETIC_HISTORY_H_
#define BATON_BENCH_SYNTHETIC_HISTORY_H_

// A made-up but well-formed history of one department, as the handoff and
// feedback services' event logs would hold it, for loading a rating store
// through its real consumer and appliers (bench/scoreboard_bench.cc).
//
// The org: department `department` with `teams` teams, and as many chains
// of `stages` stages; stage s of chain c is owned by team
// (c + s·teams/stages) mod teams, so every team supplies and receives.
//
// Work items, spread evenly over the `days` days that end on `last_day`
// (UTC), each on one chain from stage 0, with exactly 4 handoffs: each is
// offered and, after a made-up latency (SLA 2 h, most decided in time),
// returned (probability `return_rate`; offered again as the next attempt)
// or accepted (the item moves on one stage). The handoff log holds
// department_created, the teams, the chains, then per item its
// work_item_created and the 4 offers and decisions (9 events). The
// feedback log holds one event per item: a rating of its first accepted
// handoff (scores 1–5) or, when all 4 were returned, praise for the
// supplier team.
//
// Every event is a pure function of its sequence number and the shape, so
// a stream can start anywhere, and a store loaded in an earlier run
// resumes (or is found complete) from its consumer's checkpoint. The
// logs' epoch is a hash of the shape: a store loaded with another shape
// fails with EPOCH_MISMATCH instead of mixing two histories.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/events/event_source.h"

namespace baton::bench {

struct HistoryShape {
  // Handoffs in the history, rounded up to whole items (4 each).
  int64_t handoffs = 10000;
  int teams = 200;
  int stages = 5;
  int days = 730;
  // The history's last day, as days since 1970-01-01 (UTC). Default:
  // 2026-11-30.
  int32_t last_day = 20787;
  std::string department = "d0";
  double return_rate = 0.1;

  int64_t items() const { return (handoffs + 3) / 4; }
  // Events in each log.
  uint64_t handoff_events() const;
  uint64_t feedback_events() const { return static_cast<uint64_t>(items()); }
  // "YYYY-MM-DD" of the first and last day.
  std::string FirstDay() const;
  std::string LastDay() const;
  // The logs' epoch: 32 hex digits from the shape.
  std::string Epoch() const;
  // One line for reports and for the data directory's record.
  std::string Describe() const;
};

// The sources' names: the services' full names, so the consumers'
// checkpoints are keyed as in production.
inline constexpr char kHandoffSourceName[] = "baton.handoff.v1.HandoffService";
inline constexpr char kFeedbackSourceName[] = "baton.feedback.v1.FeedbackService";

// The two logs as event sources. Thread-safe; the
// streams generate events as they are read.
std::unique_ptr<events::EventSource> HandoffHistory(const HistoryShape& shape);
std::unique_ptr<events::EventSource> FeedbackHistory(const HistoryShape& shape);

}  // namespace baton::bench

#endif  // BATON_BENCH_SYNTHETIC_HISTORY_H_
