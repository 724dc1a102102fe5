#ifndef BATON_SERVICES_RATING_ROLLUP_WRITER_H_
#define BATON_SERVICES_RATING_ROLLUP_WRITER_H_

// Collects the rollup changes of one event — deltas at slots of (owner,
// day) values — and stages them as one Merge per rollup key. The write path
// never reads a rollup: a change is always a counters-merge operand
// (common/storage/counters_merge.h). Not thread-safe; one per event.
// With a ScoreboardMarks, Flush also notes whose rollups it merged into,
// so that scoreboard watches learn what the batch changed.

#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "common/storage/commit_queue.h"
#include "common/storage/counters_merge.h"
#include "services/rating/rollup_layout.h"
#include "services/rating/scoreboard_marks.h"

namespace baton::rating {

class RollupWriter {
 public:
  // `cf` is the rollups column family (with the counters merge operator);
  // `marks` (optional) is told the owners at each Flush. Neither is owned.
  explicit RollupWriter(rocksdb::ColumnFamilyHandle* cf, ScoreboardMarks* marks = nullptr)
      : cf_(cf), marks_(marks) {}

  // Adds `delta` at `slot` of `owner`'s value for `day`.
  void Add(const RollupOwner& owner, DayNumber day, uint32_t slot, int64_t delta);
  // The same for each of `owners`.
  void Add(std::span<const RollupOwner> owners, DayNumber day, uint32_t slot, int64_t delta);

  // Stages one Merge per rollup key touched (in key order) in `tx` and
  // forgets them. INVALID_ARGUMENT when an operand does not encode (a slot
  // past storage::kMaxCounters or an int64 overflow: a bug).
  absl::Status Flush(storage::Transaction& tx);

 private:
  rocksdb::ColumnFamilyHandle* const cf_;
  ScoreboardMarks* const marks_;
  std::map<std::string, storage::CounterDelta> deltas_;
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_ROLLUP_WRITER_H_
