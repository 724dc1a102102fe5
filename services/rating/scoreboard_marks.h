#ifndef BATON_SERVICES_RATING_SCOREBOARD_MARKS_H_
#define BATON_SERVICES_RATING_SCOREBOARD_MARKS_H_

// Which departments' scoreboards a batch of events may have changed, noted
// on the write path without reading anything: the appliers' RollupWriter
// notes the owner of every rollup key it merges into (a department's own
// rollup, its mean; a team's supplier rollup, a row), and the handoff
// applier notes the department of a new team (a new row). A scoreboard
// reads nothing else (scoreboard.cc), so a batch that notes nothing of a
// department cannot have changed its scoreboard.
//
// One ScoreboardMarks per EventConsumer: its sink notes during the batch's
// mutation (on the committer thread); the consumer's on_committed takes the
// notes once the batch is durable and hands them to the watches
// (ScoreboardWatchHub::Mark). Never one shared by two consumers: one
// consumer's on_committed would then hand on the other's notes before that
// batch is durable, a watch would recompute without it, and the change
// would wait for the next event. A batch that fails leaves its notes for
// the next one: a spurious mark costs one recomputation that finds nothing
// new, never a wrong scoreboard.
//
// How soon. A change is a decision unless the applier says it only adds
// volume (an offer: the number of handoffs offered ticks up). Watches push
// a decision within a few tens of milliseconds and coalesce volume to a
// few pushes a second (ScoreboardWatchHub), so that a stream of offers
// neither floods a wall screen nor holds back the accept, return, rating
// or complaint that people are watching for.
//
// Bounded: the notes of one batch (ids of at most max_batch events' owners).

#include <span>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "services/rating/rollup_layout.h"

namespace baton::rating {

// What kind of change an event made to the figures a scoreboard shows.
enum class Change {
  kVolume,    // only how much work was offered (kOffers)
  kDecision,  // anything else: a decision, a rating, feedback, a new team...
};

// What changed: ids (not resource names) of departments, and of teams whose
// supplier figures changed (the hub knows which department each team of a
// watched scoreboard is in); and of those, the ones a decision changed.
struct ChangeMarks {
  absl::flat_hash_set<std::string> departments;
  absl::flat_hash_set<std::string> teams;
  absl::flat_hash_set<std::string> decided_departments;  // ⊆ departments
  absl::flat_hash_set<std::string> decided_teams;        // ⊆ teams

  bool empty() const { return departments.empty() && teams.empty(); }
  // How many ids it holds (each counted once however it changed).
  size_t size() const { return departments.size() + teams.size(); }
  // Adds `other`'s marks to these.
  void Merge(ChangeMarks other);
};

// Thread-safe.
class ScoreboardMarks {
 public:
  // Notes the owners a scoreboard reads (departments, supplier teams);
  // other scopes (customer side, chain stages) are left out.
  void Note(std::span<const RollupOwner> owners, Change change);
  // A department's scoreboard gained a row (a decision: it shows at once).
  void NoteDepartment(const std::string& department);
  // The notes so far, and forgets them.
  ChangeMarks Take();

 private:
  absl::Mutex mu_;
  ChangeMarks marks_ ABSL_GUARDED_BY(mu_);
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_SCOREBOARD_MARKS_H_
