#ifndef BATON_SERVICES_RATING_REBUILD_TESTING_H_
#define BATON_SERVICES_RATING_REBUILD_TESTING_H_

// Test helpers for rules and rebuilds (tests only; header-only): event
// logs of both services holding the scripted morning (apply_testing.h), a
// source that can hold its streams at a sequence number (a rebuild stopped
// half-way, deterministically), and a rating "instance" — store, queue,
// rules, consumers, queries — that can be closed and reopened on its
// directory.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/events/consumer_testing.h"
#include "common/events/local_event_source.h"
#include "common/testing/principals.h"
#include "common/testing/status_matchers.h"
#include "common/testing/sync_call.h"
#include "services/rating/apply_testing.h"
#include "services/rating/rating_queries.h"
#include "services/rating/rollup_consumers.h"
#include "services/rating/rules_store.h"

namespace baton::rating::testing {

inline constexpr char kHandoffSource[] = "baton.handoff.v1.HandoffService";
inline constexpr char kFeedbackSource[] = "baton.feedback.v1.FeedbackService";

// A source over `log` whose streams opened while a Hold() is in place,
// starting at or before its sequence number, hand out no event past it
// until Release(): Read then waits (for its deadline) as at the log's end.
// Other streams (the live consumers', opened before; a resumed rebuild's,
// past it) run free.
class HoldingSource final : public events::EventSource {
 public:
  HoldingSource(std::string name, events::EventLog* log) : inner_(std::move(name), log) {}

  const std::string& name() const override { return inner_.name(); }
  absl::StatusOr<std::unique_ptr<events::EventStream>> Open(uint64_t after,
                                                            const std::string& epoch) override {
    absl::StatusOr<std::unique_ptr<events::EventStream>> inner = inner_.Open(after, epoch);
    if (!inner.ok()) return inner.status();
    bool held = false;
    {
      absl::MutexLock lock(&gate_->mu);
      held = after < gate_->up_to && gate_->up_to != std::numeric_limits<uint64_t>::max();
    }
    return std::make_unique<Stream>(*std::move(inner), after + 1, held ? gate_ : nullptr);
  }

  void Hold(uint64_t up_to) {
    absl::MutexLock lock(&gate_->mu);
    gate_->up_to = up_to;
  }
  void Release() { Hold(std::numeric_limits<uint64_t>::max()); }
  // Held streams end with `status` at the hold instead of waiting there
  // (e.g. DATA_LOSS: a rebuild consumer that fails).
  void FailAtHold(absl::Status status) {
    absl::MutexLock lock(&gate_->mu);
    gate_->fail_with = std::move(status);
  }

 private:
  struct Gate {
    absl::Mutex mu;
    uint64_t up_to ABSL_GUARDED_BY(mu) = std::numeric_limits<uint64_t>::max();
    absl::Status fail_with ABSL_GUARDED_BY(mu);
  };

  class Stream final : public events::EventStream {
   public:
    Stream(std::unique_ptr<events::EventStream> inner, uint64_t next, std::shared_ptr<Gate> gate)
        : inner_(std::move(inner)), next_(next), gate_(std::move(gate)) {}

    absl::Status Read(size_t max, absl::Time deadline,
                      std::vector<events::ConsumedEvent>* out) override {
      if (gate_ == nullptr) return inner_->Read(max, deadline, out);
      uint64_t up_to = 0;
      {
        absl::MutexLock lock(&gate_->mu);
        if (gate_->up_to < next_ && !gate_->fail_with.ok()) return gate_->fail_with;
        auto open = [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
          return cancelled_ || gate_->up_to >= next_;
        };
        gate_->mu.AwaitWithDeadline(absl::Condition(&open), deadline);
        if (cancelled_) return absl::CancelledError("cancelled");
        up_to = gate_->up_to;
      }
      if (up_to < next_) return absl::OkStatus();  // held: nothing by the deadline
      const size_t room = static_cast<size_t>(std::min<uint64_t>(up_to - next_ + 1, max));
      const absl::Status status = inner_->Read(room, deadline, out);
      next_ += out->size();
      return status;
    }
    void Cancel() override {
      if (gate_ != nullptr) {
        absl::MutexLock lock(&gate_->mu);
        cancelled_ = true;
      }
      inner_->Cancel();
    }
    events::SourceEnd End() const override { return inner_->End(); }

   private:
    std::unique_ptr<events::EventStream> inner_;
    uint64_t next_;               // the reading thread's
    std::shared_ptr<Gate> gate_;  // null: not held
    bool cancelled_ = false;      // under gate_->mu
  };

  events::LocalEventSource inner_;
  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
};

// `event` at time `t` (the log's header needs one).
template <typename Event>
std::string Logged(Event event, absl::Time t) {
  *event.mutable_time() = ToProto(t);
  return event.SerializeAsString();
}

// The handoff and feedback logs, each in its own store as the services'
// would be.
class SourceLogs {
 public:
  void Open(const ::baton::testing::TempDir& dir) {
    for (const char* name : {"handoff-log", "feedback-log"}) {
      auto log = events::testing::SourceLog::Open(dir.Sub(name), Clock::Real());
      ASSERT_TRUE(log.ok()) << log.status();
      logs_.push_back(*std::move(log));
    }
  }
  events::testing::SourceLog& handoff() { return *logs_[0]; }
  events::testing::SourceLog& feedback() { return *logs_[1]; }

  // The org, the morning, and ratings of h1 (5: q 100 either way) and h3
  // (3); then h4, a second-attempt handoff rated 4.
  void AppendMorning() {
    for (const hv1::Event& e : OrgEvents()) ASSERT_TRUE(handoff().AppendRaw(Logged(e, At(8))).ok());
    for (const hv1::Event& e : MorningEvents()) {
      ASSERT_TRUE(handoff().AppendRaw(Logged(e, At(17))).ok());
    }
    AppendRating("h1", {5, 5, 5, 5, 5});
    AppendRating("h3", {3, 4, 3, 3, 3});
  }
  void AppendRating(const std::string& handoff_id, std::vector<int> scores) {
    fv1::Event e;
    *e.mutable_rating_given() = Rating(handoff_id, "outreach", "front-desk", std::move(scores));
    ASSERT_TRUE(feedback().AppendRaw(Logged(e, At(18))).ok());
  }
  // Offers and accepts h4 (item2 back at attempt 3, late) and rates it.
  void AppendAfternoon() {
    const auto h4 = Handoff("h4", "item2", 1, "outreach", "front-desk", 3, At(17), absl::Hours(2));
    ASSERT_TRUE(handoff().AppendRaw(Logged(Offered(h4), At(19))).ok());
    ASSERT_TRUE(handoff().AppendRaw(Logged(Accepted(h4, At(20)), At(20))).ok());
    AppendRating("h4", {4, 4, 4, 4, 4});
  }
  // Sequence numbers: handoff log 5 org + 8 morning (+ 2), feedback 2 (+ 1).

 private:
  std::vector<std::unique_ptr<events::testing::SourceLog>> logs_;
};

// The rules tests change: chain new-patient's returns cost less and
// ratings weigh more.
inline v1::ScoringRules NewPatientRules() {
  v1::ScoringRules rules;
  rules.set_chain("chains/new-patient");
  rules.set_rating_weight(0.6);
  rules.set_first_pass_weight(0.2);
  rules.set_timeliness_weight(0.2);
  rules.set_return_penalty(20);
  rules.set_prior_weight(10);
  rules.set_satisfied_from(4);
  return rules;
}

// A rating store with everything the service builds on it, over `logs`.
class RatingInstance {
 public:
  RatingInstance(std::string path, SourceLogs* logs) : path_(std::move(path)), logs_(logs) {}
  ~RatingInstance() { Close(); }

  void Open() {
    auto store = storage::Store::Open(RatingStoreOptions(path_));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    queue_ = std::make_unique<storage::CommitQueue>(store_.get(), Clock::Real());
    book_ = std::make_unique<RulesBook>(ScoringRules());
    ASSERT_TRUE(book_->Load(*store_, store_->cf(kAdminCf)).ok());
    rules_ = std::make_unique<ScoringRulesStore>(queue_.get(), store_->cf(kAdminCf),
                                                 store_->cf(kRequestsCf), book_.get());
    handoff_source_ = std::make_unique<HoldingSource>(kHandoffSource, &logs_->handoff().log());
    feedback_source_ = std::make_unique<HoldingSource>(kFeedbackSource, &logs_->feedback().log());
    auto calendar = DayCalendar::Load("Asia/Shanghai");
    ASSERT_TRUE(calendar.ok());
    auto consumers =
        RollupConsumers::Open({.store = store_.get(),
                               .queue = queue_.get(),
                               .sources = {handoff_source_.get(), feedback_source_.get()},
                               .calendar = *calendar,
                               .book = book_.get(),
                               .max_batch = 2,
                               .backoff_initial = absl::Milliseconds(1),
                               .backoff_max = absl::Milliseconds(5)});
    ASSERT_TRUE(consumers.ok()) << consumers.status();
    consumers_ = *std::move(consumers);
    sets_ = std::make_unique<RollupSets>(*store_);
    clock_.Set(At(22));
    queries_ =
        std::make_unique<RatingQueries>(store_.get(), sets_.get(), *calendar, book_.get(), &clock_);
  }
  void Close() {
    if (consumers_) consumers_->Stop();
    consumers_.reset();
    queries_.reset();
    if (queue_) queue_->Stop();
    rules_.reset();
    queue_.reset();
    store_.reset();
  }

  // Starts the consumers and waits until the live ones caught up.
  void StartAndCatchUp() {
    consumers_->Start();
    ASSERT_TRUE(consumers_->AwaitLiveCaughtUp());
  }
  // Waits until both live consumers have applied everything in the logs.
  void AwaitApplied(uint64_t handoff_events, uint64_t feedback_events) {
    const std::vector<const events::EventConsumer*> live = consumers_->Live();
    const uint64_t want[] = {handoff_events, feedback_events};
    for (size_t i = 0; i < live.size(); ++i) {
      ASSERT_TRUE(live[i]->AwaitStatus(
          [&](const events::ConsumerStatus& s) { return s.applied_sequence >= want[i]; },
          absl::Now() + absl::Seconds(30)));
    }
  }

  absl::StatusOr<v1::ScoringRules> SetRules(const v1::ScoringRules& rules) {
    v1::SetScoringRulesRequest request;
    *request.mutable_rules() = rules;
    v1::SetScoringRulesResponse response;
    RETURN_IF_ERROR(::baton::testing::SyncCall(
        rules_.get(), &ScoringRulesStore::SetScoringRules,
        ::baton::testing::MustMakeCaller(::baton::testing::Admin()), request, &response));
    return response.rules();
  }
  absl::StatusOr<v1::RebuildRollupsResponse> Rebuild(
      auth::Principal who = ::baton::testing::Admin()) {
    v1::RebuildRollupsResponse response;
    RETURN_IF_ERROR(::baton::testing::SyncCall(consumers_.get(), &RollupConsumers::RebuildRollups,
                                               ::baton::testing::MustMakeCaller(std::move(who)),
                                               v1::RebuildRollupsRequest(), &response));
    return response;
  }

  // Every figure of the morning in one comparable text: the scores of
  // h1–h4, the scorecards of the ops teams, ops' scoreboard and the
  // funnel, over 2026-11-22..23 (as_of cleared). A NOT_FOUND shows as such.
  std::string Figures() const {
    std::string all;
    const auto add = [&](const auto& result) {
      if (!result.ok()) {
        absl::StrAppend(&all, "[", result.status().ToString(), "]\n");
        return;
      }
      auto message = *result;
      message.clear_as_of();
      absl::StrAppend(&all, message.DebugString(), "\n");
    };
    v1::Window window;
    window.set_start_day("2026-11-22");
    window.set_end_day("2026-11-23");
    for (const char* h : {"h1", "h2", "h3", "h4"}) {
      absl::StatusOr<v1::HandoffScore> score = queries_->GetHandoffScore(h);
      if (!score.ok()) {
        absl::StrAppend(&all, h, ": [", score.status().ToString(), "]\n");
      } else {
        absl::StrAppend(&all, score->DebugString(), "\n");
      }
    }
    for (const char* team : {"outreach", "front-desk"}) add(queries_->TeamScorecard(team, window));
    add(queries_->DepartmentScoreboard("ops", window, v1::SCOREBOARD_ORDER_SCORE));
    add(queries_->ChainFunnel("new-patient", window));
    return all;
  }

  HoldingSource& handoff_source() { return *handoff_source_; }
  HoldingSource& feedback_source() { return *feedback_source_; }
  RollupConsumers& consumers() { return *consumers_; }
  const RatingQueries& queries() const { return *queries_; }
  storage::Store& store() { return *store_; }

 private:
  const std::string path_;
  SourceLogs* const logs_;
  FakeClock clock_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::CommitQueue> queue_;
  std::unique_ptr<RulesBook> book_;
  std::unique_ptr<ScoringRulesStore> rules_;
  std::unique_ptr<HoldingSource> handoff_source_;
  std::unique_ptr<HoldingSource> feedback_source_;
  std::unique_ptr<RollupConsumers> consumers_;
  std::unique_ptr<RollupSets> sets_;
  std::unique_ptr<RatingQueries> queries_;
};

}  // namespace baton::rating::testing

#endif  // BATON_SERVICES_RATING_REBUILD_TESTING_H_
