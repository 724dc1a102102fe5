#ifndef BATON_SERVICES_RATING_RATING_MODULE_H_
#define BATON_SERVICES_RATING_RATING_MODULE_H_

// The rating service as a module (common/server/service_module.h): its
// column families and counters merge operator (rating_keys.h), the two
// appliers over the shared store, one EventConsumer per source log
// (handoff's and feedback's), and the gRPC adapter.
//
// Health: the service starts NOT_SERVING (ReadyAtStart() is false) and
// turns SERVING once every consumer has caught up with its source once, so
// that nobody reads figures from a half-replayed log. A consumer that
// FAILS before that keeps it NOT_SERVING (GetConsumerStatus says why).
//
// Scoring rules and rebuilds: the versioned rules live in rating.admin
// (RulesBook, ScoringRulesStore: rules_store.h), the consumers over the two
// rollup sets and RebuildRollups in RollupConsumers (rollup_consumers.h);
// "every consumer" above means the live ones.
//
// WatchScoreboard and the scoreboard cache: each live consumer's applier
// notes what its batch touched (its own ScoreboardMarks: RollupConsumers
// keeps them), and the consumer's on_committed hands the notes to the
// ScoreboardCache and the ScoreboardWatchHub once the batch is durable; a
// rebuild's switch clears the cache and marks every watched scoreboard.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/events/event_consumer.h"
#include "common/events/event_source.h"
#include "common/server/service_module.h"
#include "services/rating/consumer_status.h"
#include "services/rating/rating_queries.h"
#include "services/rating/rating_reads.h"
#include "services/rating/rating_service.h"
#include "services/rating/rollup_consumers.h"
#include "services/rating/rules_book.h"
#include "services/rating/rules_store.h"
#include "services/rating/scoreboard_marks.h"
#include "services/rating/scoreboard_watch_hub.h"
#include "services/rating/scoring.h"

namespace baton::rating {

// Makes an event source at Open, after the modules listed before this one
// opened. The source's name() keys the consumer's checkpoint, so a local
// and a remote source of one service must share it (its full service name).
using SourceFactory = std::function<absl::StatusOr<std::unique_ptr<events::EventSource>>()>;

struct RatingModuleOptions {
  // The handoff and feedback services' event logs: batond passes
  // local_sources.h's over its own modules, baton-rating GrpcEventSources.
  // Required.
  SourceFactory handoff_source;
  SourceFactory feedback_source;
  // The organisation's IANA time zone, for day buckets. An unknown zone
  // fails Open (INVALID_ARGUMENT). Default: "UTC".
  std::string time_zone = "UTC";
  // The built-in rules: version 1, the organisation default until
  // SetScoringRules makes another. Default: ScoringRules().
  ScoringRules rules;
  // Most events per committed batch, and the reconnect backoff. Defaults:
  // as EventConsumerOptions.
  size_t max_batch = 256;
  absl::Duration backoff_initial = absl::Milliseconds(100);
  absl::Duration backoff_max = absl::Seconds(10);
  // WatchScoreboard: least time between two pushes of one scoreboard while
  // only offers changed it, and once a decision did; most streams at once
  // (scoreboard_watch_hub.h), and of one caller. Defaults: 200 ms, 25 ms,
  // 1000, 32.
  absl::Duration watch_interval = absl::Milliseconds(200);
  absl::Duration watch_decision_interval = absl::Milliseconds(25);
  size_t max_watches = 1000;
  size_t max_watches_per_caller = 32;
};

class RatingModule final : public server::ServiceModule {
 public:
  explicit RatingModule(RatingModuleOptions options) : options_(std::move(options)) {}
  // Stops the consumers.
  ~RatingModule() override;

  absl::string_view name() const override { return "rating"; }
  std::vector<std::string> ColumnFamilies() const override;
  std::map<std::string, std::shared_ptr<rocksdb::MergeOperator>> MergeOperators() const override;
  // FAILED_PRECONDITION when a source factory is missing; INVALID_ARGUMENT
  // for an unknown time zone or invalid rules; DATA_LOSS when stored rules
  // or the rollup sets record do not parse; a factory's own error.
  absl::Status Open(const server::ModuleContext& context) override;
  std::vector<server::HostedService> Services() override;
  bool ReadyAtStart() const override { return false; }
  // Starts both consumers, the watch hub's thread and a thread that
  // reports the module ready once both consumers have caught up.
  void Start() override;
  // Both end the scoreboard watches (UNAVAILABLE), stop the consumers
  // (bounded: EventConsumer::Stop) and join the threads; idempotent.
  void BeginShutdown() override;
  void Stop() override;

  // The live consumers (handoff's, then feedback's), after Open. Owned
  // here; a rebuild's switch replaces them (the replaced ones live on,
  // stopped, until the switch after).
  const events::EventConsumer& handoff_consumer() const { return *consumers_->Live()[0]; }
  const events::EventConsumer& feedback_consumer() const { return *consumers_->Live()[1]; }
  // The consumers and rebuilds; the rules. After Open.
  RollupConsumers& consumers() const { return *consumers_; }
  const RulesBook& rules() const { return *rules_; }

 private:
  // The hub of WatchScoreboard (before the consumers, which hand it their
  // marks).
  void OpenWatches(const DayCalendar& calendar, const Clock* clock);
  // Waits until every consumer caught up (then set_ready(true)), failed or
  // stopped.
  void AwaitReady();

  const RatingModuleOptions options_;
  std::function<void(bool)> set_ready_;
  std::unique_ptr<RulesBook> rules_;
  std::unique_ptr<ScoringRulesStore> rules_store_;
  std::unique_ptr<ScoreboardWatchHub> watches_;
  std::vector<std::unique_ptr<events::EventSource>> sources_;
  std::unique_ptr<RollupConsumers> consumers_;
  std::unique_ptr<ConsumerStatuses> statuses_;
  std::unique_ptr<RollupSets> sets_;
  std::unique_ptr<RatingQueries> queries_;
  std::unique_ptr<ScoreboardCache> scoreboards_ = std::make_unique<ScoreboardCache>();
  std::unique_ptr<RatingReads> reads_;
  std::unique_ptr<RatingServiceImpl> service_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread ready_thread_;
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_RATING_MODULE_H_
