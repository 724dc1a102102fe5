#ifndef BATON_SERVICES_RATING_RATING_QUERIES_H_
#define BATON_SERVICES_RATING_RATING_QUERIES_H_

// The rating service's read side, as a domain class (no gRPC): one
// handoff's score, a team's scorecard, a department's scoreboard and a
// chain's funnel, read from what HandoffApplier and FeedbackApplier wrote
// (their header comments say which rollup slots they fill, on which day).
//
// Windows are whole days in the organisation's time zone (DayCalendar):
// [start_day, end_day], both included; "previous window" is the window of
// the same length that ends the day before start_day. A window's figures
// are one range scan of each owner's rollups (rollup_layout.h
// ReadRollupWindow): no per-handoff reads, however many handoffs.
//
// Every read goes through the store's durable snapshot (Store::DurableReads,
// one snapshot per call), so a query never shows an event a crash could
// still undo, and the figures of one answer are mutually consistent. Built
// over RollupSets, a query also finds the active rollup set in that
// snapshot (rollup_sets.h), so a rebuild's switch is atomic for it.
//
// Rules (rules_book.h): team-level figures (the Bayesian C, CSAT's
// satisfied_from) use the organisation default's current rules; a
// handoff's score is recomputed with the version it was scored with.
//
// What is not a figure of the window:
//   - FeedbackFigures.open and ScoreboardRow.open_feedback are open NOW
//     (a standing count), whatever the window;
//   - ScoreboardRow.display_name is the team's id for a team created
//     without one;
//   - as_of: the clock's time of the read (the rollups keep no event time).
//
// Thread-safety: const methods only; safe to call from many threads. The
// Store, the Clock and the column family handles are not owned and must
// outlive this object.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "baton/rating/v1/resources.pb.h"
#include "common/storage/store.h"
#include "common/time/clock.h"
#include "services/rating/rating_keys.h"
#include "services/rating/rollup_layout.h"
#include "services/rating/rollup_sets.h"
#include "services/rating/rules_book.h"
#include "services/rating/scoring.h"
#include "services/rating/validation.h"

namespace baton::rating {

// A window as days: [from, to), `to` exclusive.
struct DayRange {
  DayNumber from = 0;
  DayNumber to = 0;

  int days() const { return to - from; }
  // The window of the same length ending the day before `from`.
  DayRange Previous() const { return {from - days(), from}; }
  // As the API's Window ("YYYY-MM-DD", end included).
  v1::Window ToProto() const;
};

// The days of `window`: both days empty → the kDefaultWindowDays days
// ending on `today`. Otherwise INVALID_ARGUMENT (validation.h CheckWindow) naming
// "window.start_day" or "window.end_day" when that day is missing or not
// "YYYY-MM-DD", "window.end_day" when it is before the start day or the
// window is longer than kMaxWindowDays.
absl::StatusOr<DayRange> ResolveWindow(const v1::Window& window, DayNumber today);

class RatingQueries {
 public:
  // All required; `store` opened with RatingColumnFamilies() and `cfs` its
  // handles; `rules` the rules the appliers score with (valid). Reads
  // always go to `cfs`, scores always use `rules`.
  RatingQueries(const storage::Store* store, RatingCfs cfs, DayCalendar calendar,
                ScoringRules rules, const Clock* clock)
      : store_(store), cfs_(cfs), calendar_(std::move(calendar)), rules_(rules), clock_(clock) {}
  // As the service runs: reads go to the active set of `sets`, rules come
  // from `book` (see the header comment). All required, not owned.
  RatingQueries(const storage::Store* store, const RollupSets* sets, DayCalendar calendar,
                const RulesBook* book, const Clock* clock)
      : store_(store), sets_(sets), calendar_(std::move(calendar)), book_(book), clock_(clock) {}

  // The score of handoff `handoff_id` (an id, not a name) as it stands:
  // its parts recomputed from the stored record exactly as the appliers
  // score it (handoff_record.h Reconcile: a returned handoff is unrated
  // and scored as attempt + 1; an overturned rating does not count).
  // NOT_FOUND naming "handoffs/{id}" when the rating service has not seen
  // it decided (unknown, or only offered or rated); DATA_LOSS when the
  // record does not parse; RocksDB's errors.
  absl::StatusOr<v1::HandoffScore> GetHandoffScore(absl::string_view handoff_id) const;

  // Team `team_id`'s scorecard over `window` (ResolveWindow) and the
  // previous window: its SideFigures as supplier and as customer (each
  // side's score with m = the mean quality of the team's department over
  // the same window, from the department's rollup, and C =
  // rules.prior_weight), its feedback and the verdicts attributed to it
  // (both from its supplier-team rollup, where the appliers put them). NOT_FOUND naming
  // "teams/{id}" when no team_created event named it; INVALID_ARGUMENT for the window; DATA_LOSS,
  // RocksDB's.
  absl::StatusOr<v1::Scorecard> TeamScorecard(absl::string_view team_id,
                                              const v1::Window& window) const;

  // The teams of department `department_id` (those whose team_created
  // named it) ranked over `window` by `order` (UNSPECIFIED = SCORE), best
  // first. A team has data for an order when its figure is set and, for
  // SCORE and TREND, the team has at least one scored handoff as supplier
  // in the window (else every team would sit at the department's mean);
  // teams without data come last in id order, and ties go by id. Ranks
  // are 1, 2, … over all rows. score_trend = score − previous window's
  // score, set when both are. Cost: a prefix scan of the department's
  // index in rating.org, then two range scans and one Get per team and
  // two range scans of the department. NOT_FOUND naming
  // "departments/{id}" when no team belongs to it; INVALID_ARGUMENT for
  // the window or an order outside the enum; DATA_LOSS, RocksDB's.
  absl::StatusOr<v1::Scoreboard> DepartmentScoreboard(absl::string_view department_id,
                                                      const v1::Window& window,
                                                      v1::ScoreboardOrder order) const;

  // The days of `window` as the queries above resolve it today
  // (ResolveWindow), e.g. to key a cache of their answers.
  absl::StatusOr<DayRange> WindowDays(const v1::Window& window) const {
    return ResolveWindow(window, Today());
  }

  // Chain `chain_id`'s funnel over `window`: per stage (its owner team as
  // of chain_created) entered, passed and dropped in the window,
  // conversion = passed / entered, first-pass yield of the handoffs out of
  // the stage (unset for the last stage, which hands nothing on).
  // overall_conversion and rolled_throughput_yield are the products of the
  // stages' figures that are set (unset when none is). Counts are of
  // events in the window, so a stage may pass items it entered before it.
  // NOT_FOUND naming "chains/{id}" when no chain_created named it;
  // INVALID_ARGUMENT for the window; DATA_LOSS, RocksDB's.
  absl::StatusOr<v1::Funnel> ChainFunnel(absl::string_view chain_id,
                                         const v1::Window& window) const;

 private:
  // A read's snapshot and the options that read through it, the rollup
  // set active in it and the team-level rules.
  struct Reads {
    std::shared_ptr<const rocksdb::Snapshot> pin;
    rocksdb::ReadOptions options;
    RatingCfs cfs;
    ScoringRules rules;
  };
  // DATA_LOSS or RocksDB's error when the active set cannot be read.
  absl::StatusOr<Reads> DurableReads() const;
  // The rules of version `version` (0: 1, a record from before versions);
  // DATA_LOSS naming `name` when no such version is known.
  absl::StatusOr<ScoringRules> RulesOfVersion(int version, absl::string_view name) const;
  DayNumber Today() const { return calendar_.DayOf(clock_->Now()); }

  // The summed counters of `owner` over `range`.
  absl::StatusOr<std::vector<int64_t>> Sum(const Reads& reads, const RollupOwner& owner,
                                           DayRange range) const;
  // The department's mean quality over `range` (nullopt without scores).
  // The standing count at `slot` of `owner` (rollup_layout.h kStandingDay).
  absl::StatusOr<int64_t> Standing(const Reads& reads, const RollupOwner& owner,
                                   uint32_t slot) const;
  absl::StatusOr<std::optional<double>> DepartmentMean(const Reads& reads,
                                                       const std::string& department,
                                                       DayRange range) const;
  // The department id of a known team, or NOT_FOUND naming it.
  absl::StatusOr<std::string> TeamDepartment(const Reads& reads, absl::string_view team) const;

  const storage::Store* store_;
  // Either fixed `cfs_` and `rules_`, or `sets_` and `book_`.
  const RatingCfs cfs_;
  const RollupSets* const sets_ = nullptr;
  const DayCalendar calendar_;
  const ScoringRules rules_;
  const RulesBook* const book_ = nullptr;
  const Clock* clock_;
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_RATING_QUERIES_H_
