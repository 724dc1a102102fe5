#include "services/rating/rating_module.h"

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
  const RatingCfs cfs = RatingCfs::Of(*context.store);
  queries_ =
      std::make_unique<RatingQueries>(context.store, cfs, calendar, options_.rules, context.clock);
  OpenWatches(calendar, context.clock);
  ApplierOptions applier{.cfs = cfs, .calendar = calendar, .rules = options_.rules};
  applier.marks = marks_[0].get();
  handoff_applier_ = std::make_unique<HandoffApplier>(applier);
  applier.marks = marks_[1].get();
  feedback_applier_ = std::make_unique<FeedbackApplier>(applier);
  ASSIGN_OR_RETURN(std::unique_ptr<events::EventSource> handoff, options_.handoff_source());
  ASSIGN_OR_RETURN(std::unique_ptr<events::EventSource> feedback, options_.feedback_source());
  sources_.push_back(std::move(handoff));
  sources_.push_back(std::move(feedback));
  events::EventSink* sinks[] = {handoff_applier_.get(), feedback_applier_.get()};
  std::vector<const events::EventConsumer*> consumers;
  for (size_t i = 0; i < sources_.size(); ++i) {
    events::EventSource* source = sources_[i].get();
    consumers_.push_back(std::make_unique<events::EventConsumer>(events::EventConsumerOptions{
        .source = source,
        .sink = sinks[i],
        .queue = context.queue,
        .checkpoint = {.cf = cfs.checkpoints, .key = CheckpointRecordKey(source->name())},
        .max_batch = options_.max_batch,
        .backoff_initial = options_.backoff_initial,
        .backoff_max = options_.backoff_max,
        .clock = context.clock,
        .on_committed = [this, marks = marks_[i].get()] { watches_->Mark(marks->Take()); }}));
    consumers.push_back(consumers_.back().get());
  }
  statuses_ = std::make_unique<ConsumerStatuses>(std::move(consumers));
  reads_ = std::make_unique<RatingReads>(queries_.get());
  service_ = std::make_unique<RatingServiceImpl>(statuses_.get(), reads_.get(), watches_.get(),
                                                 context.identity);
  return absl::OkStatus();
}

void RatingModule::OpenWatches(const DayCalendar& calendar, const Clock* clock) {
  for (int i = 0; i < 2; ++i) marks_.push_back(std::make_unique<ScoreboardMarks>());
  const RatingQueries* queries = queries_.get();
  watches_ = std::make_unique<ScoreboardWatchHub>(ScoreboardWatchOptions{
      .compute =
          [queries, calendar, clock](const WatchKey& key) {
            const v1::Window window = WindowEndingOn(calendar.DayOf(clock->Now()), key.days);
            return queries->DepartmentScoreboard(key.department, window, key.order);
          },
      .calendar = calendar,
      .min_interval = options_.watch_interval,
      .max_watches = options_.max_watches,
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
  for (auto& consumer : consumers_) consumer->Start();
  watches_->Start();
  ready_thread_ = std::thread([this] { AwaitReady(); });
}

void RatingModule::AwaitReady() {
  for (const auto& consumer : consumers_) {
    // Stop() ends the wait: a stopped consumer is STOPPED.
    consumer->AwaitStatus(
        [](const events::ConsumerStatus& s) {
          return s.caught_up || s.state == events::ConsumerState::kFailed ||
                 s.state == events::ConsumerState::kStopped;
        },
        absl::InfiniteFuture());
    if (!consumer->Status().caught_up) return;  // failed or stopped: not ready
  }
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
  for (auto& consumer : consumers_) consumer->Stop();
  if (ready_thread_.joinable()) ready_thread_.join();
}

}  // namespace baton::rating
