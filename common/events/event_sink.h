#ifndef BATON_COMMON_EVENTS_EVENT_SINK_H_
#define BATON_COMMON_EVENTS_EVENT_SINK_H_

// What an EventConsumer applies events to, and the exactly-once step it
// applies them with: one CommitQueue mutation reads the consumer's
// checkpoint, skips the events at or below it, applies the rest through the
// sink and writes the new checkpoint — all in the same transaction, so the
// rollups and the checkpoint are durable together or not at all, and a
// redelivery (after a crash of either side, or a reconnect) never counts
// an event twice.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "baton/common/v1/common.pb.h"
#include "common/events/event_source.h"
#include "common/storage/commit_queue.h"

namespace baton::events {

// Applies events to the consumer's state (e.g. the rating service's
// rollups). Called on the committer thread only, one event at a time, in
// sequence order, each event once across crashes and restarts (the
// checkpoint guards it).
class EventSink {
 public:
  virtual ~EventSink() = default;

  // Stages the changes of `event` in `tx` (never writes elsewhere: what is
  // not in `tx` is not covered by the checkpoint). An error discards the
  // whole batch, checkpoint included. An event the sink cannot understand
  // should be DATA_LOSS or INVALID_ARGUMENT (the consumer then stops
  // failed, naming the sequence); UNAVAILABLE, RESOURCE_EXHAUSTED and
  // ABORTED make the consumer retry the batch after a backoff.
  virtual absl::Status Apply(storage::Transaction& tx, const ConsumedEvent& event) = 0;

  // A batch's bracket, for a sink that gathers changes across its events
  // and stages them once (the rating service sums each rollup key's deltas
  // over a batch: one merge operand per key and batch, not per event).
  // BeginBatch comes before a batch's first Apply and forgets whatever a
  // batch that failed left behind; EndBatch comes after its last Apply,
  // before the checkpoint is staged, and stages what was gathered in `tx`
  // (an error discards the batch, as Apply's). Defaults: nothing.
  virtual void BeginBatch() {}
  virtual absl::Status EndBatch(storage::Transaction& tx) {
    (void)tx;
    return absl::OkStatus();
  }
};

// Where a consumer keeps its checkpoint: a common.v1.EventPosition
// (source, epoch, sequence, time of the last event applied).
struct CheckpointKey {
  // Column family; not owned. Required.
  rocksdb::ColumnFamilyHandle* cf = nullptr;
  // Key within it. Required.
  std::string key;
};

// The stored checkpoint; an empty position (sequence 0, no epoch) when none.
// DATA_LOSS when the stored bytes do not parse.
absl::StatusOr<common::v1::EventPosition> ReadCheckpoint(storage::Transaction& tx,
                                                         const CheckpointKey& where);

// The body of one batch's mutation. Reads the checkpoint, then for each of
// `events` (in order, one source's): FAILED_PRECONDITION (reason
// EPOCH_MISMATCH) when the checkpoint has an epoch and the event another
// ("rebuild needed"); skipped when at or below the checkpoint; DATA_LOSS
// (EVENT_UNREADABLE) when it is not the next sequence number (an event
// would be lost); otherwise applied through `sink` (its error returned,
// prefixed with the sequence), between the sink's BeginBatch and EndBatch.
// Writes the new checkpoint when anything was applied and sets `*position`
// to the checkpoint as it now stands. Any error discards everything it
// staged.
absl::Status ApplyEvents(storage::Transaction& tx, const CheckpointKey& where,
                         const std::string& source, const std::vector<ConsumedEvent>& events,
                         EventSink& sink, common::v1::EventPosition* position);

}  // namespace baton::events

#endif  // BATON_COMMON_EVENTS_EVENT_SINK_H_
