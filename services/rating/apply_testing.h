#ifndef BATON_SERVICES_RATING_APPLY_TESTING_H_
#define BATON_SERVICES_RATING_APPLY_TESTING_H_

// Test helpers for the appliers (tests only; header-only): a real RocksDB
// with the rating column families and the counters merge operator, a real
// CommitQueue, event builders for a small org (Asia/Shanghai days), and
// rollup reads through ReadRollupWindow/SumDays.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "baton/feedback/v1/events.pb.h"
#include "baton/handoff/v1/events.pb.h"
#include "common/events/event_sink.h"
#include "common/storage/commit_queue.h"
#include "common/status/status_macros.h"
#include "common/storage/store.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "gtest/gtest.h"
#include "services/rating/feedback_applier.h"
#include "services/rating/handoff_applier.h"
#include "services/rating/rating_keys.h"
#include "services/rating/rollup_layout.h"

namespace baton::rating::testing {

namespace hv1 = ::baton::handoff::v1;
namespace fv1 = ::baton::feedback::v1;

// 2026-11-23 hh:mm in Asia/Shanghai.
inline absl::Time At(int hour, int minute = 0, int day = 23) {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone("Asia/Shanghai", &tz)) ADD_FAILURE() << "no zoneinfo";
  return absl::FromCivil(absl::CivilMinute(2026, 11, day, hour, minute), tz);
}
inline constexpr DayNumber kDay = 20780;  // 2026-11-23

inline RollupOwner SupplierTeam(std::string id) {
  return {.scope = Scope::kSupplierTeam, .id = std::move(id)};
}
inline RollupOwner CustomerTeam(std::string id) {
  return {.scope = Scope::kCustomerTeam, .id = std::move(id)};
}
inline RollupOwner Department(std::string id) {
  return {.scope = Scope::kDepartment, .id = std::move(id)};
}
inline RollupOwner Stage(std::string chain, uint32_t stage) {
  return {.scope = Scope::kChainStage, .id = std::move(chain), .stage = stage};
}

inline hv1::Handoff Handoff(const std::string& id, const std::string& item, int to_stage,
                            const std::string& supplier, const std::string& customer, int attempt,
                            absl::Time offer, absl::Duration sla) {
  hv1::Handoff h;
  h.set_name("handoffs/" + id);
  h.set_work_item("workItems/" + item);
  h.set_chain("chains/new-patient");
  h.set_from_stage(to_stage - 1);
  h.set_to_stage(to_stage);
  h.set_supplier_team("teams/" + supplier);
  h.set_customer_team("teams/" + customer);
  h.set_attempt(attempt);
  *h.mutable_offer_time() = ToProto(offer);
  *h.mutable_due_time() = ToProto(offer + sla);
  return h;
}
inline hv1::Handoff Decided(hv1::Handoff h, absl::Time decide) {
  *h.mutable_decide_time() = ToProto(decide);
  return h;
}
inline hv1::WorkItem Item(const std::string& id, int stage, const std::string& holder,
                          absl::Time when) {
  hv1::WorkItem item;
  item.set_name("workItems/" + id);
  item.set_chain("chains/new-patient");
  item.set_stage_index(stage);
  item.set_holder_team("teams/" + holder);
  *item.mutable_create_time() = ToProto(when);
  *item.mutable_update_time() = ToProto(when);
  return item;
}
// The org: ops = {outreach, front-desk}, clinic = {consult}; the chain
// new-patient: outreach → front-desk → consult.
inline std::vector<hv1::Event> OrgEvents() {
  std::vector<hv1::Event> events(5);
  events[0].mutable_department_created()->set_name("departments/ops");
  const char* teams[][2] = {{"outreach", "ops"}, {"front-desk", "ops"}, {"consult", "clinic"}};
  for (int i = 0; i < 3; ++i) {
    events[i + 1].mutable_team_created()->set_name(std::string("teams/") + teams[i][0]);
    events[i + 1].mutable_team_created()->set_department(std::string("departments/") + teams[i][1]);
  }
  hv1::Chain* chain = events[4].mutable_chain_created();
  chain->set_name("chains/new-patient");
  for (const auto& team : teams)
    chain->add_stages()->set_owner_team(std::string("teams/") + team[0]);
  return events;
}

// A rating of `handoff` by `customer` of `supplier` (in ops), scores
// overall, completeness, accuracy, timeliness, communication.
inline fv1::Rating Rating(const std::string& handoff, const std::string& supplier,
                          const std::string& customer, std::vector<int> scores) {
  fv1::Rating r;
  r.set_name("ratings/" + handoff);
  r.set_handoff("handoffs/" + handoff);
  r.set_chain("chains/new-patient");
  r.set_supplier_team("teams/" + supplier);
  r.set_customer_team("teams/" + customer);
  r.set_supplier_department("departments/ops");
  fv1::Scores* s = r.mutable_scores();
  s->set_overall(scores[0]);
  s->set_completeness(scores[1]);
  s->set_accuracy(scores[2]);
  s->set_timeliness(scores[3]);
  s->set_communication(scores[4]);
  return r;
}

inline hv1::Event Offered(const hv1::Handoff& h) {
  hv1::Event e;
  *e.mutable_handoff_offered() = h;
  return e;
}
inline hv1::Event Accepted(const hv1::Handoff& h, absl::Time decide) {
  hv1::Event e;
  *e.mutable_handoff_accepted() = Decided(h, decide);
  return e;
}
inline hv1::Event Returned(const hv1::Handoff& h, absl::Time decide) {
  hv1::Event e;
  *e.mutable_handoff_returned() = Decided(h, decide);
  return e;
}
inline hv1::Event Created(const hv1::WorkItem& item) {
  hv1::Event e;
  *e.mutable_work_item_created() = item;
  return e;
}

// The scripted morning (2026-11-23, Asia/Shanghai), SLA 2 h:
//   h1: item1 outreach → front-desk, offered 10:00, accepted 11:00 at
//       attempt 1: F 100, T 100, unrated q = 100; latency 1 h (bucket 13).
//   h2: item2 the same, offered 10:00, returned 11:30: scored as attempt
//       2, F 50, T 100, q = (0.3·50 + 0.2·100) / 0.5 = 70; latency 1.5 h
//       (bucket 13).
//   h3: item2 again at attempt 2, offered 13:00 (due 15:00), accepted
//       16:00: F 50, T = 100·(1 − 1 h / 2 h) = 50, q = 50; latency 3 h
//       (bucket 15).
inline std::vector<hv1::Event> MorningEvents() {
  const auto h1 = Handoff("h1", "item1", 1, "outreach", "front-desk", 1, At(10), absl::Hours(2));
  const auto h2 = Handoff("h2", "item2", 1, "outreach", "front-desk", 1, At(10), absl::Hours(2));
  const auto h3 = Handoff("h3", "item2", 1, "outreach", "front-desk", 2, At(13), absl::Hours(2));
  return {Created(Item("item1", 0, "outreach", At(9))),
          Created(Item("item2", 0, "outreach", At(9))),
          Offered(h1),
          Offered(h2),
          Accepted(h1, At(11)),
          Returned(h2, At(11, 30)),
          Offered(h3),
          Accepted(h3, At(16))};
}

// A rating store, its queue and both appliers, the org in place.
class ApplyFixture : public ::testing::Test {
 protected:
  // Opens the store and applies OrgEvents.
  void SetUp() override {
    Open();
    for (const hv1::Event& event : OrgEvents()) ASSERT_TRUE(Apply(event).ok());
  }
  // Applies MorningEvents.
  void Morning() {
    for (const hv1::Event& event : MorningEvents()) ASSERT_TRUE(Apply(event).ok());
  }

  void Open() {
    auto store = storage::Store::Open(RatingStoreOptions(dir_.Sub("rating")));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    queue_ = std::make_unique<storage::CommitQueue>(store_.get(), Clock::Real());
    auto calendar = DayCalendar::Load("Asia/Shanghai");
    ASSERT_TRUE(calendar.ok()) << calendar.status();
    const ApplierOptions options{
        .cfs = RatingCfs::Of(*store_), .calendar = *calendar, .marks = &marks_};
    handoffs_ = std::make_unique<HandoffApplier>(options);
    feedback_ = std::make_unique<FeedbackApplier>(options);
  }

  // Applies `event` through `sink` in one CommitQueue mutation, as a batch
  // of its own.
  template <typename Event>
  absl::Status ApplyWith(events::EventSink& sink, const Event& event) {
    events::ConsumedEvent consumed{.sequence = ++sequence_, .bytes = event.SerializeAsString()};
    return queue_->Run([&](storage::Transaction& tx) -> absl::Status {
      sink.BeginBatch();
      RETURN_IF_ERROR(sink.Apply(tx, consumed));
      return sink.EndBatch(tx);
    });
  }
  absl::Status Apply(const hv1::Event& event) { return ApplyWith(*handoffs_, event); }
  absl::Status Apply(const fv1::Event& event) { return ApplyWith(*feedback_, event); }

  // Applies `events` as one consumer batch of the handoff log
  // (events::ApplyEvents, with a checkpoint of its own).
  absl::Status ApplyHandoffBatch(const std::vector<hv1::Event>& events) {
    std::vector<events::ConsumedEvent> batch;
    for (const hv1::Event& event : events) {
      batch.push_back({.sequence = ++batch_sequence_, .bytes = event.SerializeAsString()});
    }
    const absl::Status applied = queue_->Run([&](storage::Transaction& tx) {
      common::v1::EventPosition position;
      return events::ApplyEvents(tx, {.cf = store_->cf(kCheckpointsCf), .key = "batch-test"},
                                 "handoff", batch, *handoffs_, &position);
    });
    if (!applied.ok()) batch_sequence_ -= batch.size();  // nothing was applied
    return applied;
  }

  // How many merge operands the rollup key of (`owner`, `day`) holds
  // unmerged (the database is never flushed here: all in the memtable).
  int MergeOperands(const RollupOwner& owner, DayNumber day = kDay) {
    std::vector<rocksdb::PinnableSlice> operands(1000);
    rocksdb::GetMergeOperandsOptions options{.expected_max_number_of_operands = 1000};
    int n = 0;
    const rocksdb::Status s =
        store_->db()->GetMergeOperands(rocksdb::ReadOptions(), store_->cf(kRollupsCf),
                                       RollupKey(owner, day), operands.data(), &options, &n);
    if (s.IsNotFound()) return 0;
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }

  // The counters of `owner` summed over [from, to).
  std::vector<int64_t> Window(const RollupOwner& owner, DayNumber from = kDay,
                              DayNumber to = kDay + 1) {
    auto days = ReadRollupWindow(store_->db(), store_->cf(kRollupsCf), rocksdb::ReadOptions(),
                                 owner, from, to);
    EXPECT_TRUE(days.ok()) << days.status();
    if (!days.ok()) return {};
    auto sum = SumDays(*days);
    EXPECT_TRUE(sum.ok()) << sum.status();
    return sum.ok() ? *sum : std::vector<int64_t>{};
  }
  int64_t Count(const RollupOwner& owner, uint32_t slot) {
    return storage::CounterAt(Window(owner), slot);
  }
  // The standing count at `slot` of `owner` (kStandingDay).
  int64_t Standing(const RollupOwner& owner, uint32_t slot = slot::kOpenFeedback) {
    std::string value;
    const rocksdb::Status s = store_->db()->Get(rocksdb::ReadOptions(), store_->cf(kRollupsCf),
                                                RollupKey(owner, kStandingDay), &value);
    if (s.IsNotFound()) return 0;
    EXPECT_TRUE(s.ok()) << s.ToString();
    auto counters = storage::DecodeCounters(value);
    EXPECT_TRUE(counters.ok()) << counters.status();
    return counters.ok() ? storage::CounterAt(*counters, slot) : 0;
  }

  ::baton::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::CommitQueue> queue_;
  std::unique_ptr<HandoffApplier> handoffs_;
  std::unique_ptr<FeedbackApplier> feedback_;
  // What the appliers noted for scoreboard watches (both share it here).
  ScoreboardMarks marks_;
  uint64_t sequence_ = 0;
  uint64_t batch_sequence_ = 0;
};

}  // namespace baton::rating::testing

#endif  // BATON_SERVICES_RATING_APPLY_TESTING_H_
