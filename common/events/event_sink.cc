#include "common/events/event_sink.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"

namespace baton::events {
namespace {

// `s` with `context` before its message, payloads (error details) kept.
absl::Status Prefixed(const absl::Status& s, absl::string_view context) {
  absl::Status wrapped(s.code(), absl::StrCat(context, ": ", s.message()));
  s.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { wrapped.SetPayload(url, payload); });
  return wrapped;
}

}  // namespace

absl::StatusOr<common::v1::EventPosition> ReadCheckpoint(storage::Transaction& tx,
                                                         const CheckpointKey& where) {
  common::v1::EventPosition position;
  ASSIGN_OR_RETURN(bool found, tx.GetProto(where.cf, where.key, &position));
  if (!found) position.Clear();
  return position;
}

absl::Status ApplyEvents(storage::Transaction& tx, const CheckpointKey& where,
                         const std::string& source, const std::vector<ConsumedEvent>& events,
                         EventSink& sink, common::v1::EventPosition* position) {
  ASSIGN_OR_RETURN(common::v1::EventPosition checkpoint, ReadCheckpoint(tx, where));
  sink.BeginBatch();
  bool applied = false;
  for (const ConsumedEvent& event : events) {
    if (!checkpoint.epoch().empty() && event.epoch != checkpoint.epoch()) {
      return ErrorWithInfo(absl::StatusCode::kFailedPrecondition, "EPOCH_MISMATCH",
                           absl::StrCat("source ", source,
                                        " was wiped or restored: rebuild needed (the checkpoint "
                                        "is at sequence ",
                                        checkpoint.sequence(), " of epoch ", checkpoint.epoch(),
                                        ", the source now reports epoch ", event.epoch, ")"),
                           {{"epoch", event.epoch}});
    }
    // A redelivery (a reconnect, or a crash after the commit and before the
    // consumer learned of it): already counted.
    if (event.sequence <= checkpoint.sequence()) continue;
    if (event.sequence != checkpoint.sequence() + 1) {
      return UnreadableEvent(checkpoint.sequence() + 1,
                             absl::StrCat("source ", source, " skipped it (sent ", event.sequence,
                                          " after ", checkpoint.sequence(), ")"));
    }
    if (absl::Status s = sink.Apply(tx, event); !s.ok()) {
      return Prefixed(s, absl::StrCat("applying event ", event.sequence, " of ", source));
    }
    checkpoint.set_source(source);
    checkpoint.set_epoch(event.epoch);
    checkpoint.set_sequence(event.sequence);
    *checkpoint.mutable_time() = ToProto(event.time);
    applied = true;
  }
  if (applied) {
    if (absl::Status s = sink.EndBatch(tx); !s.ok()) {
      return Prefixed(
          s, absl::StrCat("staging the batch of ", source, " up to event ", checkpoint.sequence()));
    }
    tx.PutProto(where.cf, where.key, checkpoint);
  }
  *position = std::move(checkpoint);
  return absl::OkStatus();
}

}  // namespace baton::events
