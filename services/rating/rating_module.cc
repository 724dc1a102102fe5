#include "services/rating/rating_module.h"

#include <algorithm>
#include <utility>

#include "common/status/status_macros.h"
#include "services/rating/rating_keys.h"
#include "services/rating/rollup_layout.h"

namespace baton::rating {

RatingModule::~RatingModule() { Stop(); }

std::vector<std::string> RatingModule::ColumnFamilies() const { return RatingColumnFamilies(); }

std::map<std::string, std::shared_ptr<rocksdb::MergeOperator>> RatingModule::MergeOperators()
    const {
  // The store options are the one definition of the rating store.
  return RatingStoreOptions("").merge_operators;
}

absl::Status RatingModule::Open(const server::ModuleContext& context) {
  if (!options_.handoff_source || !options_.feedback_source) {
    return absl::FailedPreconditionError(
        "the rating module needs sources of the handoff and feedback event logs");
  }
  RETURN_IF_ERROR(ValidateRules(options_.rules));
  ASSIGN_OR_RETURN(DayCalendar calendar, DayCalendar::Load(options_.time_zone));
  set_ready_ = context.set_ready;
  rules_ = std::make_unique<RulesBook>(options_.rules);
  RETURN_IF_ERROR(rules_->Load(*context.store, context.store->cf(kAdminCf)));
  rules_store_ = std::make_unique<ScoringRulesStore>(context.queue, context.store->cf(kAdminCf),
                                                     context.store->cf(kRequestsCf), rules_.get());
  sets_ = std::make_unique<RollupSets>(*context.store);
  // Reads follow the active rollup set and the versioned rules.
  queries_ = std::make_unique<RatingQueries>(context.store, sets_.get(), calendar, rules_.get(),
                                             context.clock);
  OpenWatches(calendar, context.clock);
  ASSIGN_OR_RETURN(std::unique_ptr<events::EventSource> handoff, options_.handoff_source());
  ASSIGN_OR_RETURN(std::unique_ptr<events::EventSource> feedback, options_.feedback_source());
  sources_.push_back(std::move(handoff));
  sources_.push_back(std::move(feedback));
  ScoreboardWatchHub* watches = watches_.get();
  ScoreboardCache* scoreboards = scoreboards_.get();
  ASSIGN_OR_RETURN(consumers_,
                   RollupConsumers::Open({.store = context.store,
                                          .queue = context.queue,
                                          .sources = {sources_[0].get(), sources_[1].get()},
                                          .calendar = calendar,
                                          .book = rules_.get(),
                                          .on_changes =
                                              [scoreboards, watches](ChangeMarks changed) {
                                                scoreboards->Mark(changed);
                                                watches->Mark(std::move(changed));
                                              },
                                          // Every figure may have changed.
                                          .on_switch =
                                              [scoreboards, watches] {
                                                scoreboards->Clear();
                                                watches->MarkEverything();
                                              },
                                          .max_batch = options_.max_batch,
                                          .backoff_initial = options_.backoff_initial,
                                          .backoff_max = options_.backoff_max,
                                          .clock = context.clock}));
  statuses_ = std::make_unique<ConsumerStatuses>(
      [consumers = consumers_.get()] { return consumers->Statuses(); },
      [consumers = consumers_.get()] { return consumers->LastRebuild(); });
  reads_ = std::make_unique<RatingReads>(queries_.get(), scoreboards_.get());
  service_ =
      std::make_unique<RatingServiceImpl>(statuses_.get(), reads_.get(), watches_.get(),
                                          rules_store_.get(), consumers_.get(), context.identity);
  return absl::OkStatus();
}

void RatingModule::OpenWatches(const DayCalendar& calendar, const Clock* clock) {
  const RatingQueries* queries = queries_.get();
  watches_ = std::make_unique<ScoreboardWatchHub>(ScoreboardWatchOptions{
      .compute =
          [queries, calendar, clock](const WatchKey& key) {
            const v1::Window window = WindowEndingOn(calendar.DayOf(clock->Now()), key.days);
            return queries->DepartmentScoreboard(key.department, window, key.order);
          },
      .calendar = calendar,
      .min_interval = options_.watch_interval,
      .decision_interval = std::min(options_.watch_decision_interval, options_.watch_interval),
      .max_watches = options_.max_watches,
      .max_watches_per_caller = options_.max_watches_per_caller,
      .clock = clock});
}

std::vector<server::HostedService> RatingModule::Services() {
  return {{service_.get(), RatingServiceImpl::kServiceName}};
}

void RatingModule::Start() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ || ready_thread_.joinable()) return;
  }
  consumers_->Start();
  watches_->Start();
  ready_thread_ = std::thread([this] { AwaitReady(); });
}

void RatingModule::AwaitReady() {
  // Stop() ends the wait.
  if (!consumers_->AwaitLiveCaughtUp()) return;
  absl::MutexLock lock(&mu_);
  if (!stopping_ && set_ready_) set_ready_(true);
}

void RatingModule::BeginShutdown() { Stop(); }

void RatingModule::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (watches_ != nullptr) watches_->Shutdown();
  if (consumers_) consumers_->Stop();
  if (ready_thread_.joinable()) ready_thread_.join();
}

}  // namespace baton::rating
