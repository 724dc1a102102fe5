#ifndef BATON_SERVICES_RATING_ROLLUP_WRITER_H_
#define BATON_SERVICES_RATING_ROLLUP_WRITER_H_

// Collects the rollup changes of one batch of events — deltas at slots of
// (owner, day) values — and stages them as one Merge per rollup key. The
// write path never reads a rollup: a change is always a counters-merge
// operand (common/storage/counters_merge.h).
//
// Why per batch and not per event: a read of a rollup merges every operand
// the key holds in the memtable, and under load the day's hot keys (a busy
// department's, its teams') take one per event — at 7,000 offers a second
// a scoreboard recomputation grew to 25 ms at the median and 200 ms before
// a memtable flush (bench/README.md, event to scoreboard). Summing a
// batch's deltas first cuts the operands by the batch's size (up to 256
// events) and writes the same totals.
//
// With a ScoreboardMarks, EndEvent notes whose rollups the event changed,
// as a decision or as volume only, so that scoreboard watches learn what
// the batch changed and how soon to show it.
//
// Not thread-safe; one per EventSink (the committer thread).

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/storage/commit_queue.h"
#include "common/storage/counters_merge.h"
#include "services/rating/rollup_layout.h"
#include "services/rating/scoreboard_marks.h"

namespace baton::rating {

class RollupWriter {
 public:
  // `cf` is the rollups column family (with the counters merge operator);
  // `marks` (optional) is told the owners at each EndEvent. Neither is
  // owned.
  explicit RollupWriter(rocksdb::ColumnFamilyHandle* cf, ScoreboardMarks* marks = nullptr)
      : cf_(cf), marks_(marks) {}

  // Adds `delta` at `slot` of `owner`'s value for `day`.
  void Add(const RollupOwner& owner, DayNumber day, uint32_t slot, int64_t delta);
  // The same for each of `owners`.
  void Add(std::span<const RollupOwner> owners, DayNumber day, uint32_t slot, int64_t delta);

  // The current event only adds volume (an offer): its changes are noted
  // as Change::kVolume. Default for each event: Change::kDecision.
  void OnlyVolume() { change_ = Change::kVolume; }
  // The current event is applied: notes the owners it changed, and the
  // next Add starts the next event.
  void EndEvent();

  // Stages one Merge per rollup key touched since the last Flush or Clear
  // (in key order) in `tx` and forgets them. INVALID_ARGUMENT when an
  // operand does not encode (a slot past storage::kMaxCounters or an int64
  // overflow: a bug).
  absl::Status Flush(storage::Transaction& tx);
  // Forgets every change not flushed (a batch that failed).
  void Clear();

 private:
  rocksdb::ColumnFamilyHandle* const cf_;
  ScoreboardMarks* const marks_;
  std::map<std::string, storage::CounterDelta> deltas_;
  // Of the current event.
  std::vector<RollupOwner> owners_;
  Change change_ = Change::kDecision;
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_ROLLUP_WRITER_H_
