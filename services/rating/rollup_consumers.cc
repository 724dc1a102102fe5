#include "services/rating/rollup_consumers.h"

#include <pthread.h>

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/checks.h"
#include "common/log/log.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/backoff.h"
#include "common/time/proto_time.h"
#include "services/rating/consumer_status.h"
#include "services/rating/feedback_applier.h"
#include "services/rating/handoff_applier.h"

namespace baton::rating {

struct RollupConsumers::Pair {
  int set = 0;
  // Whether reads see this pair's set: only then do its marks go on.
  std::atomic<bool> live{false};
  // One per consumer (scoreboard_marks.h says why); before the appliers
  // and consumers that use them.
  std::unique_ptr<ScoreboardMarks> marks[2];
  std::unique_ptr<HandoffApplier> handoff;
  std::unique_ptr<FeedbackApplier> feedback;
  std::vector<std::unique_ptr<events::EventConsumer>> consumers;

  void Start() {
    for (auto& consumer : consumers) consumer->Start();
  }
  void Stop() {
    for (auto& consumer : consumers) consumer->Stop();
  }
};

namespace {

using Predicate = std::function<bool(const events::ConsumerStatus&)>;

bool CaughtUp(const events::ConsumerStatus& s) { return s.caught_up; }

}  // namespace

absl::StatusOr<std::unique_ptr<RollupConsumers>> RollupConsumers::Open(
    RollupConsumersOptions options) {
  auto consumers = std::unique_ptr<RollupConsumers>(new RollupConsumers(std::move(options)));
  std::shared_ptr<const rocksdb::Snapshot> pin;
  ASSIGN_OR_RETURN(const v1::StoredRollupSets sets,
                   consumers->sets_.Read(consumers->options_.store->DurableReads(&pin)));
  absl::MutexLock lock(&consumers->mu_);
  consumers->live_ = consumers->MakePair(static_cast<int>(sets.active_set()));
  consumers->live_->live = true;
  consumers->rebuilding_ = sets.rebuilding();
  return consumers;
}

RollupConsumers::RollupConsumers(RollupConsumersOptions options)
    : options_(std::move(options)),
      sets_(*options_.store),
      mutations_(options_.queue, options_.store->cf(kRequestsCf)) {}

RollupConsumers::~RollupConsumers() { Stop(); }

std::shared_ptr<RollupConsumers::Pair> RollupConsumers::MakePair(int set) const {
  auto pair = std::make_shared<Pair>();
  pair->set = set;
  ApplierOptions applier{.cfs = sets_.set(set),
                         .calendar = options_.calendar,
                         .rules = options_.book->Default(),
                         .book = options_.book};
  for (auto& marks : pair->marks) marks = std::make_unique<ScoreboardMarks>();
  applier.marks = pair->marks[0].get();
  pair->handoff = std::make_unique<HandoffApplier>(applier);
  applier.marks = pair->marks[1].get();
  pair->feedback = std::make_unique<FeedbackApplier>(applier);
  events::EventSink* sinks[] = {pair->handoff.get(), pair->feedback.get()};
  for (size_t i = 0; i < options_.sources.size(); ++i) {
    events::EventSource* source = options_.sources[i];
    pair->consumers.push_back(std::make_unique<events::EventConsumer>(events::EventConsumerOptions{
        .source = source,
        .sink = sinks[i],
        .queue = options_.queue,
        .checkpoint = {.cf = sets_.set(set).checkpoints,
                       .key = CheckpointRecordKey(source->name())},
        .max_batch = options_.max_batch,
        .backoff_initial = options_.backoff_initial,
        .backoff_max = options_.backoff_max,
        .clock = options_.clock,
        .on_committed = [this, pair = pair.get(), marks = pair->marks[i].get()] {
          // A rebuild's marks are dropped.
          ChangeMarks changes = marks->Take();
          if (pair->live.load() && options_.on_changes) {
            options_.on_changes(std::move(changes));
          }
        }}));
  }
  return pair;
}

void RollupConsumers::Start() {
  {
    absl::MutexLock lock(&mu_);
    if (started_ || stopping_) return;
    started_ = true;
    live_->Start();
  }
  Kick();
}

void RollupConsumers::Stop() {
  std::thread worker;
  std::shared_ptr<Pair> live, rebuild;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    worker = std::move(worker_);
    live = live_;
    rebuild = rebuild_;
  }
  // The worker waits on the rebuild consumers' statuses: stopping them
  // ends its wait.
  if (rebuild) rebuild->Stop();
  if (worker.joinable()) worker.join();
  // Consumers are never stopped under mu_: a consumer's Stop waits for
  // the commit queue to answer its batch, and the queue's answer thread
  // may be waiting for mu_ (RebuildRollups' done).
  {
    absl::MutexLock lock(&mu_);
    rebuild = rebuild_;  // started by the worker before it saw stopping_
  }
  if (rebuild) rebuild->Stop();
  // Only the worker switches, and it has ended: stop whichever pair is
  // live now, and the one that was.
  std::shared_ptr<Pair> now;
  {
    absl::MutexLock lock(&mu_);
    now = live_;
  }
  now->Stop();
  if (live) live->Stop();
}

void RollupConsumers::Kick() {
  std::thread finished;
  {
    absl::MutexLock lock(&mu_);
    if (!started_ || stopping_ || worker_running_ || !rebuilding_) return;
    worker_running_ = true;
    finished = std::move(worker_);
    worker_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "baton-rebuild");
      for (;;) {
        Rebuild();
        // Rebuild returns with a rebuild still to run only when a new one
        // was asked for after it read the record (Kick saw this worker
        // still running, EndedLocked kept rebuilding_): run that one too.
        absl::MutexLock lock(&mu_);
        if (stopping_ || !rebuilding_) {
          worker_running_ = false;
          return;
        }
      }
    });
  }
  if (finished.joinable()) finished.join();  // it had ended: worker_running_ was false
}

void RollupConsumers::RebuildRollups(const auth::Caller& caller,
                                     const v1::RebuildRollupsRequest& request,
                                     v1::RebuildRollupsResponse* response, storage::Done done) {
  if (absl::Status s = auth::RequireAdmin(caller, "RebuildRollups"); !s.ok()) return done(s);
  BadRequest bad;
  api::CheckRequestId(bad, request.request_id());
  if (!bad.empty()) return done(bad.Build());
  mutations_.Submit(
      "RebuildRollups", caller, request, response,
      [this, done = std::move(done)](absl::Status status) mutable {
        if (status.ok()) {
          {
            absl::MutexLock lock(&mu_);
            rebuilding_ = true;  // the worker checks the record itself
            ++requests_;
          }
          Kick();
        }
        done(std::move(status));
      },
      [this, response](storage::Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(v1::StoredRollupSets sets, LoadRollupSets(tx, sets_.admin()));
        RETURN_IF_ERROR(RefuseWhileRebuilding(sets, "GetConsumerStatus shows its progress"));
        sets.set_rebuilding(true);
        sets.set_cleared(false);
        *sets.mutable_rebuild_start_time() = ToProto(tx.now());
        sets.clear_fail_time();
        sets.clear_failure();
        StoreRollupSets(tx, sets_.admin(), sets);
        for (events::EventSource* source : options_.sources) {
          events::ConsumerStatus starting;
          starting.source = absl::StrCat(source->name(), kRebuildSuffix);
          starting.state = events::ConsumerState::kConnecting;
          ConsumerStatusToProto(starting, response->add_consumers());
        }
        return absl::OkStatus();
      });
}

bool RollupConsumers::Pause(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  return !mu_.AwaitWithTimeout(absl::Condition(&stopping_), delay);
}

bool RollupConsumers::CommitUntilDone(
    const std::function<absl::Status(storage::Transaction&)>& mutation) {
  Backoff backoff(options_.backoff_initial, options_.backoff_max);
  for (;;) {
    const absl::Status status = options_.queue->Run(mutation);
    if (status.ok()) return true;
    log::Error("rollup rebuild: a step did not commit; retrying", {{"error", status.ToString()}});
    if (!Pause(backoff.Failed())) return false;
  }
}

RollupConsumers::PairOutcome RollupConsumers::AwaitPair(const Pair& pair,
                                                        const std::vector<Predicate>& done) {
  for (size_t i = 0; i < pair.consumers.size(); ++i) {
    const events::EventConsumer& consumer = *pair.consumers[i];
    consumer.AwaitStatus(
        [&](const events::ConsumerStatus& s) {
          return done[i](s) || s.state == events::ConsumerState::kFailed ||
                 s.state == events::ConsumerState::kStopped;
        },
        absl::InfiniteFuture());
    const events::ConsumerStatus status = consumer.Status();
    if (done[i](status)) continue;
    if (status.state == events::ConsumerState::kFailed) {
      return {PairOutcome::kFailed, absl::StrCat(status.source, ": ", status.error)};
    }
    return {PairOutcome::kStopped, ""};
  }
  return {PairOutcome::kDone, ""};
}

bool RollupConsumers::EndFailed(const std::string& failure, uint64_t seen) {
  log::Error("rollup rebuild: a consumer failed; the rebuild ends and reads stay on the old set",
             {{"error", failure}});
  if (!CommitUntilDone([&](storage::Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(v1::StoredRollupSets now, LoadRollupSets(tx, sets_.admin()));
        now.set_rebuilding(false);
        now.set_cleared(false);  // the next rebuild clears the half-built set
        *now.mutable_fail_time() = ToProto(tx.now());
        now.set_failure(failure);
        StoreRollupSets(tx, sets_.admin(), now);
        return absl::OkStatus();
      })) {
    return false;
  }
  std::shared_ptr<Pair> failed;
  {
    absl::MutexLock lock(&mu_);
    failed = rebuild_;
  }
  failed->Stop();  // never under mu_ (Stop says why)
  absl::MutexLock lock(&mu_);
  failed_ = std::move(rebuild_);
  EndedLocked(seen);
  return true;
}

void RollupConsumers::EndedLocked(uint64_t seen) {
  // A request that came after `seen` may have committed after the record
  // this worker acted on: it stays rebuilding_, and the worker's loop
  // reads the record again.
  if (requests_ == seen) rebuilding_ = false;
}

void RollupConsumers::Rebuild() {
  uint64_t seen = 0;
  {
    absl::MutexLock lock(&mu_);
    seen = requests_;
  }
  v1::StoredRollupSets sets;
  if (!CommitUntilDone([&](storage::Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(sets, LoadRollupSets(tx, sets_.admin()));
        return absl::OkStatus();
      })) {
    return;
  }
  if (!sets.rebuilding()) {  // e.g. a retried request, answered from the ledger
    absl::MutexLock lock(&mu_);
    EndedLocked(seen);
    return;
  }
  const int target = OtherSet(static_cast<int>(sets.active_set()));
  log::Info("rollup rebuild: replaying both logs", {{"into_set", target}});

  // Step 2: empty the other set, once.
  if (!sets.cleared()) {
    Backoff backoff(options_.backoff_initial, options_.backoff_max);
    for (;;) {
      const absl::Status status = ClearSet(options_.store->db(), sets_.set(target));
      if (status.ok()) break;
      log::Error("rollup rebuild: cannot clear the other set; retrying",
                 {{"error", status.ToString()}});
      if (!Pause(backoff.Failed())) return;
    }
    if (!CommitUntilDone([&](storage::Transaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(v1::StoredRollupSets now, LoadRollupSets(tx, sets_.admin()));
          now.set_cleared(true);
          StoreRollupSets(tx, sets_.admin(), now);
          return absl::OkStatus();
        })) {
      return;
    }
  }

  // Step 3: replay into it.
  std::shared_ptr<Pair> rebuild = MakePair(target);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    rebuild_ = rebuild;
    rebuild->Start();
  }
  if (const PairOutcome caught_up = AwaitPair(*rebuild, {CaughtUp, CaughtUp});
      caught_up.ending != PairOutcome::kDone) {
    if (caught_up.ending == PairOutcome::kFailed) EndFailed(caught_up.failure, seen);
    return;
  }

  // Step 4: freeze the live set, let the rebuild pass it, switch.
  std::shared_ptr<Pair> live;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    live = live_;
  }
  live->Stop();
  std::vector<Predicate> passed;
  for (const auto& consumer : live->consumers) {
    const events::ConsumerStatus status = consumer->Status();
    // A FAILED live consumer holds nothing to wait for: the rebuild is
    // what replaces it.
    const uint64_t target_sequence =
        status.state == events::ConsumerState::kFailed ? 0 : status.applied_sequence;
    passed.push_back([target_sequence](const events::ConsumerStatus& s) {
      return s.applied_sequence >= target_sequence;
    });
  }
  const PairOutcome passed_live = AwaitPair(*rebuild, passed);
  if (passed_live.ending != PairOutcome::kDone) {
    // The live set goes on (or we stop). Stop joins this thread before it
    // stops the live pair, so a Start here is always stopped again.
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      ++live_generation_;
      live->Start();
    }
    if (passed_live.ending == PairOutcome::kFailed) EndFailed(passed_live.failure, seen);
    return;
  }
  if (!CommitUntilDone([&](storage::Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(v1::StoredRollupSets now, LoadRollupSets(tx, sets_.admin()));
        now.set_active_set(static_cast<uint32_t>(target));
        now.set_rebuilding(false);
        now.set_cleared(false);
        *now.mutable_switch_time() = ToProto(tx.now());
        StoreRollupSets(tx, sets_.admin(), now);
        return absl::OkStatus();
      })) {
    return;  // only when we stop: a restart resumes the rebuild
  }
  // No snapshot taken from the switch on reads the old set (older ones keep what
  // they see) and nothing writes it: free its space now rather than keep
  // two copies until the next rebuild, which would clear it anyway.
  if (absl::Status s = ClearSet(options_.store->db(), sets_.set(OtherSet(target))); !s.ok()) {
    log::Warn("rollup rebuild: the old set was not cleared; the next rebuild clears it",
              {{"error", s.ToString()}});
  }
  {
    absl::MutexLock lock(&mu_);
    live->live = false;
    rebuild_->live = true;
    retired_ = std::move(live_);
    live_ = std::move(rebuild_);
    ++live_generation_;
    EndedLocked(seen);
  }
  log::Info("rollup rebuild: reads switched over", {{"active_set", target}});
  if (options_.on_switch) options_.on_switch();
}

std::vector<events::ConsumerStatus> RollupConsumers::Statuses() const {
  std::shared_ptr<Pair> live, rebuild;
  {
    absl::MutexLock lock(&mu_);
    live = live_;
    rebuild = rebuild_;
  }
  std::vector<events::ConsumerStatus> statuses;
  for (const auto& consumer : live->consumers) statuses.push_back(consumer->Status());
  if (rebuild) {
    for (const auto& consumer : rebuild->consumers) {
      statuses.push_back(consumer->Status());
      statuses.back().source += kRebuildSuffix;
    }
  }
  return statuses;
}

absl::StatusOr<v1::RebuildStatus> RollupConsumers::LastRebuild() const {
  std::shared_ptr<const rocksdb::Snapshot> pin;
  ASSIGN_OR_RETURN(const v1::StoredRollupSets sets, sets_.Read(options_.store->DurableReads(&pin)));
  v1::RebuildStatus status;
  if (!sets.has_rebuild_start_time()) {
    status.set_state("NONE");
    return status;
  }
  *status.mutable_start_time() = sets.rebuild_start_time();
  if (sets.rebuilding()) {
    status.set_state("RUNNING");
  } else if (sets.has_fail_time()) {
    status.set_state("FAILED");
    *status.mutable_end_time() = sets.fail_time();
    status.set_error(sets.failure());
  } else {
    status.set_state("DONE");
    *status.mutable_end_time() = sets.switch_time();
  }
  return status;
}

std::vector<const events::EventConsumer*> RollupConsumers::Live() const {
  absl::MutexLock lock(&mu_);
  std::vector<const events::EventConsumer*> live;
  for (const auto& consumer : live_->consumers) live.push_back(consumer.get());
  return live;
}

bool RollupConsumers::AwaitLiveCaughtUp() const {
  for (;;) {
    std::shared_ptr<Pair> live;
    int generation = 0;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return false;
      live = live_;
      generation = live_generation_;
    }
    bool all = true;
    for (const auto& consumer : live->consumers) {
      consumer->AwaitStatus(
          [](const events::ConsumerStatus& s) {
            return s.caught_up || s.state == events::ConsumerState::kFailed ||
                   s.state == events::ConsumerState::kStopped;
          },
          absl::InfiniteFuture());
      if (!consumer->Status().caught_up) {
        all = false;
        break;
      }
    }
    if (all) return true;
    // Failed, or stopped (by Stop, or for a switch): wait for either.
    absl::MutexLock lock(&mu_);
    auto moved = [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return stopping_ || live_generation_ != generation;
    };
    mu_.Await(absl::Condition(&moved));
  }
}

bool RollupConsumers::rebuilding() const {
  absl::MutexLock lock(&mu_);
  return rebuilding_;
}

bool RollupConsumers::AwaitNoRebuild(absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto done = [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return !rebuilding_; };
  return mu_.AwaitWithDeadline(absl::Condition(&done), deadline);
}

std::vector<const events::EventConsumer*> RollupConsumers::AwaitRebuildConsumers(
    absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto started = [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return !rebuilding_ || rebuild_; };
  mu_.AwaitWithDeadline(absl::Condition(&started), deadline);
  std::vector<const events::EventConsumer*> consumers;
  if (rebuilding_ && rebuild_) {
    for (const auto& consumer : rebuild_->consumers) consumers.push_back(consumer.get());
  }
  return consumers;
}

}  // namespace baton::rating
