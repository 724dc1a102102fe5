#ifndef BATON_SERVICES_RATING_ROLLUP_CONSUMERS_H_
#define BATON_SERVICES_RATING_ROLLUP_CONSUMERS_H_

// The rating service's event consumers and RebuildRollups.
//
// LIVE: one EventConsumer per source log (handoff's, then feedback's) into
// the appliers of the ACTIVE rollup set (rollup_sets.h), as always.
//
// REBUILD (RebuildRollups, admin only): replays both logs from the start
// into the other set under the current rules, then switches reads over
// with no gap:
//   1. one mutation marks the rebuild running in rating.admin (durable,
//      answered with the rebuilding consumers' starting statuses); a second
//      call while it runs is FAILED_PRECONDITION (REBUILD_RUNNING);
//   2. a worker thread empties the other set (ClearSet: one synced write of
//      range deletions) and records that it did;
//   3. a second pair of consumers, checkpointing in the other set (so they
//      start from sequence 0), applies both logs there; the live ones go
//      on meanwhile, and reads keep answering from the active set;
//   4. once both rebuild consumers have caught up, the live consumers are
//      stopped (the active set freezes), the rebuild consumers run on until
//      each has applied at least what its live twin had, and one mutation
//      makes the other set active and ends the rebuild. Reads find the
//      active set in their own snapshot (RollupSets::ActiveAt), so a read
//      sees either the frozen old set or the new one, which then holds
//      every event the old one did: never a half-built set, never a gap.
//      The rebuild consumers go on as the live ones, and the old set is
//      emptied (ClearSet) to free its space.
// A restart during a rebuild resumes it: the record says it runs and
// whether the other set was cleared; the rebuild consumers resume from
// their own checkpoints. A rebuild consumer that FAILS (an error no retry
// fixes: a log that cannot be read, an event that does not apply) ends
// the rebuild: one mutation records it as failed with the consumer's
// error, the live pair serves on (restarted if step 4 had stopped it),
// and RebuildRollups may be called again once the cause is fixed; that
// rebuild clears the other set first, as any does.
//
// Thread-safe. Not owned: everything in the options, which must outlive
// this object.

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "baton/rating/v1/rating_service.pb.h"
#include "common/api/mutation.h"
#include "common/auth/caller.h"
#include "common/events/event_consumer.h"
#include "common/events/event_source.h"
#include "common/storage/commit_queue.h"
#include "services/rating/rollup_layout.h"
#include "services/rating/rollup_sets.h"
#include "services/rating/rules_book.h"
#include "services/rating/scoreboard_marks.h"

namespace baton::rating {

// What a rebuilding consumer's source is reported as: its name and this.
inline constexpr char kRebuildSuffix[] = " (rebuild)";

struct RollupConsumersOptions {
  // The rating store (RatingColumnFamilies()) and its queue. Required.
  storage::Store* store = nullptr;
  storage::CommitQueue* queue = nullptr;
  // The handoff and feedback logs, in that order. Required.
  std::vector<events::EventSource*> sources;
  // For the appliers. Required.
  DayCalendar calendar;
  const RulesBook* book = nullptr;
  // Told what each durable batch of a LIVE consumer touched (its applier's
  // own ScoreboardMarks), and that a rebuild's switch may have changed any
  // figure; for the scoreboard watches. Must be quick. Optional.
  std::function<void(ChangeMarks)> on_changes;
  std::function<void()> on_switch;
  // As EventConsumerOptions. Defaults: theirs.
  size_t max_batch = 256;
  absl::Duration backoff_initial = absl::Milliseconds(100);
  absl::Duration backoff_max = absl::Seconds(10);
  const Clock* clock = nullptr;
};

class RollupConsumers {
 public:
  // Reads which set is active. DATA_LOSS when the record does not parse.
  static absl::StatusOr<std::unique_ptr<RollupConsumers>> Open(RollupConsumersOptions options);
  // Stops.
  ~RollupConsumers();

  // Starts the live consumers, and resumes a rebuild the record says runs.
  void Start();
  // Stops the rebuild and the live consumers (bounded: EventConsumer::Stop)
  // and joins the worker; idempotent. No restart after.
  void Stop();

  // PERMISSION_DENIED (ADMIN_REQUIRED) for a non-admin; FAILED_PRECONDITION
  // (REBUILD_RUNNING) while one runs; the commit queue's errors. Idempotent
  // by request_id (a retry answers the first response and starts nothing).
  void RebuildRollups(const auth::Caller& caller, const v1::RebuildRollupsRequest& request,
                      v1::RebuildRollupsResponse* response, storage::Done done);

  // The live consumers' statuses, then a running rebuild's (their source
  // ending in kRebuildSuffix).
  std::vector<events::ConsumerStatus> Statuses() const;
  // The last rebuild, as the durable record says. DATA_LOSS when the
  // record does not parse; RocksDB's errors.
  absl::StatusOr<v1::RebuildStatus> LastRebuild() const;
  // The live consumers, handoff's then feedback's. A rebuild's switch
  // replaces them; the replaced ones stay alive (stopped) until the switch
  // after.
  std::vector<const events::EventConsumer*> Live() const;

  // Blocks until every live consumer has caught up since it started
  // (true), or Stop (false). A live consumer that FAILED keeps it waiting
  // until a rebuild's switch brings new ones.
  bool AwaitLiveCaughtUp() const;
  // Whether a rebuild runs (as far as this process has acted on it).
  bool rebuilding() const;
  // Blocks until no rebuild runs, or `deadline`; for tests and tools.
  bool AwaitNoRebuild(absl::Time deadline) const;
  // The running rebuild's consumers (handoff's, feedback's), waiting until
  // `deadline` for its worker to start them; empty when no rebuild runs by
  // then. Valid until the second switch after. For tests and tools.
  std::vector<const events::EventConsumer*> AwaitRebuildConsumers(absl::Time deadline) const;

 private:
  struct Pair;  // one set's appliers and consumers

  explicit RollupConsumers(RollupConsumersOptions options);
  std::shared_ptr<Pair> MakePair(int set) const;
  // Starts the worker unless it runs (or we stop).
  void Kick();
  // The worker: steps 2–4 of the header comment, for the running rebuild.
  void Rebuild();
  // Runs `mutation` until it commits, backing off after failures; false
  // when Stop came first.
  bool CommitUntilDone(const std::function<absl::Status(storage::Transaction&)>& mutation);
  // How waiting for a pair ended: `done` held for every consumer, one
  // FAILED (`failure` names its source and error), or Stop came.
  struct PairOutcome {
    enum { kDone, kFailed, kStopped } ending;
    std::string failure;
  };
  PairOutcome AwaitPair(
      const Pair& pair,
      const std::vector<std::function<bool(const events::ConsumerStatus&)>>& done);
  // Records the running rebuild as failed with `failure` (one mutation)
  // and ends it here; false when Stop came first. `seen`: requests_ when
  // the worker read the record.
  bool EndFailed(const std::string& failure, uint64_t seen);
  // The rebuild the worker read the record for (when requests_ was
  // `seen`) has ended: no rebuild runs unless one was asked for since.
  void EndedLocked(uint64_t seen) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sleeps `delay` unless Stop comes first (false).
  bool Pause(absl::Duration delay);

  const RollupConsumersOptions options_;
  const RollupSets sets_;
  const api::Mutations mutations_;

  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool worker_running_ ABSL_GUARDED_BY(mu_) = false;
  std::thread worker_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Pair> live_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Pair> rebuild_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Pair> retired_ ABSL_GUARDED_BY(mu_);
  // The last failed rebuild's pair, stopped; kept so that consumer
  // pointers handed out stay valid until the next failure.
  std::shared_ptr<Pair> failed_ ABSL_GUARDED_BY(mu_);
  // One more at each switch, and when a failed rebuild restarts the live
  // pair it had stopped.
  int live_generation_ ABSL_GUARDED_BY(mu_) = 0;
  // The rebuild runs: from the mark's commit (or Start finding it) to the
  // switch or the failure.
  bool rebuilding_ ABSL_GUARDED_BY(mu_) = false;
  // Rebuild requests answered OK so far.
  uint64_t requests_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_ROLLUP_CONSUMERS_H_
