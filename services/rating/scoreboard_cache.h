#ifndef BATON_SERVICES_RATING_SCOREBOARD_CACHE_H_
#define BATON_SERVICES_RATING_SCOREBOARD_CACHE_H_

// GetDepartmentScoreboard's cache. A scoreboard reads every rollup value of
// its teams over two windows (O(teams × days): milliseconds at 200 teams,
// bench/README.md), while the wall screens of a department ask the same
// question again and again between changes. So a computed scoreboard is
// kept until the department may have changed: the consumers' change marks
// (scoreboard_marks.h, handed over once a batch is durable) drop it.
//
// Never stale, because of when marks arrive: a batch is durable before its
// marks are handed over, and a computation reads a snapshot taken after it
// registered. A mark that arrives while a scoreboard is being computed
// (the snapshot may or may not hold that batch) keeps the result out of
// the cache; a mark that arrived before it started is in its snapshot.
//
// Team marks come with their department's in practice (every rollup a
// scoreboard reads of a team is merged with its department's); a team the
// cache cannot place (not on any cached scoreboard) still keeps every
// computation running meanwhile out of the cache, to be safe.
//
// Bounded: at most max_entries scoreboards (the oldest leaves first), and
// the team → department map of the teams on them. Thread-safe.

#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "baton/rating/v1/rating_service.pb.h"
#include "services/rating/rollup_layout.h"
#include "services/rating/scoreboard_marks.h"

namespace baton::rating {

// What a scoreboard answer depends on: the department, the days (resolved:
// a default window is a different key each day) and the order.
struct ScoreboardKey {
  std::string department;  // id
  DayNumber from = 0;
  DayNumber to = 0;
  int order = 0;  // v1::ScoreboardOrder, UNSPECIFIED resolved to SCORE

  friend bool operator==(const ScoreboardKey&, const ScoreboardKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const ScoreboardKey& k) {
    return H::combine(std::move(h), k.department, k.from, k.to, k.order);
  }
};

struct ScoreboardCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  // Scoreboards dropped by a mark, and computations kept out by one.
  uint64_t dropped = 0;
  uint64_t kept_out = 0;
};

class ScoreboardCache {
 public:
  // Default: 256 scoreboards.
  explicit ScoreboardCache(size_t max_entries = 256)
      : max_entries_(max_entries == 0 ? 1 : max_entries) {}

  // The cached answer for `key`, or compute()'s (kept when OK and no mark
  // of its department came meanwhile), as the serialised
  // GetDepartmentScoreboardResponse: serialised once per change, then sent
  // as bytes (server::SerializedResponse). compute runs without the lock.
  absl::StatusOr<std::shared_ptr<const std::string>> Get(
      const ScoreboardKey& key, absl::FunctionRef<absl::StatusOr<v1::Scoreboard>()> compute);

  // What a durable batch may have changed (ScoreboardMarks::Take).
  void Mark(const ChangeMarks& marks);
  // Everything may have changed (the rollups were rebuilt).
  void Clear();

  ScoreboardCacheStats stats() const;

 private:
  struct Running {
    std::string department;
    bool marked = false;
  };

  const size_t max_entries_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<ScoreboardKey, std::shared_ptr<const std::string>> entries_
      ABSL_GUARDED_BY(mu_);
  std::deque<ScoreboardKey> insertion_order_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::string> team_department_ ABSL_GUARDED_BY(mu_);
  std::list<Running*> running_ ABSL_GUARDED_BY(mu_);
  ScoreboardCacheStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_SCOREBOARD_CACHE_H_
