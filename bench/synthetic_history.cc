#include "bench/synthetic_history.h"

#include <functional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "baton/feedback/v1/events.pb.h"
#include "baton/handoff/v1/events.pb.h"
#include "common/status/errors.h"
#include "common/time/proto_time.h"

namespace baton::bench {
namespace {

namespace hv1 = ::baton::handoff::v1;
namespace fv1 = ::baton::feedback::v1;

constexpr int kHandoffsPerItem = 4;
constexpr uint64_t kEventsPerItem = 1 + 2 * kHandoffsPerItem;
constexpr absl::Duration kSla = absl::Hours(2);
// Each item's handoffs start this far apart, so its 4 fit in its last day.
constexpr absl::Duration kStep = absl::Hours(2);

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

absl::Time DayStart(int32_t day) {
  return absl::FromCivil(absl::CivilDay(1970, 1, 1) + day, absl::UTCTimeZone());
}

std::string TeamName(int team) { return absl::StrFormat("teams/t%03d", team); }
std::string ChainName(int chain) { return absl::StrFormat("chains/c%03d", chain); }

// One handoff of an item's walk along its chain.
struct PlannedHandoff {
  std::string name;
  int to_stage = 0;
  int supplier = 0, customer = 0;  // team numbers
  int attempt = 1;
  absl::Time offer, decide;
  bool accepted = false;
};

// Item `i`: its chain, creation time and 4 handoffs.
struct ItemPlan {
  int64_t index = 0;
  int chain = 0;
  absl::Time created;
  PlannedHandoff handoffs[kHandoffsPerItem];

  std::string name() const { return absl::StrCat("workItems/i", index); }
};

class Planner {
 public:
  explicit Planner(const HistoryShape& shape)
      : shape_(shape),
        first_(DayStart(shape.last_day - shape.days + 1)),
        span_(absl::Hours(24) * shape.days - kStep * (kHandoffsPerItem + 1)) {}

  int Owner(int chain, int stage) const {
    return (chain + stage * (shape_.teams / shape_.stages)) % shape_.teams;
  }

  ItemPlan Plan(int64_t i) const {
    ItemPlan plan;
    plan.index = i;
    uint64_t h = Mix(static_cast<uint64_t>(i));
    plan.chain = static_cast<int>(h % shape_.teams);
    plan.created = first_ + span_ * ((static_cast<double>(i) + 0.5) / shape_.items());
    int stage = 0, attempt = 1;
    for (int j = 0; j < kHandoffsPerItem; ++j) {
      h = Mix(h);
      PlannedHandoff& p = plan.handoffs[j];
      p.name = absl::StrCat("handoffs/h", i, "-", j);
      p.to_stage = stage + 1;
      p.supplier = Owner(plan.chain, stage);
      p.customer = Owner(plan.chain, stage + 1);
      p.attempt = attempt;
      p.offer = plan.created + kStep * j + absl::Minutes(10);
      // 5 min to ~2.8 h, most within the 2 h SLA.
      const int64_t r = static_cast<int64_t>(h % 100);
      p.decide = p.offer + absl::Minutes(5 + r * r / 60);
      // At most two returns in a row, so every item has an accepted handoff.
      const double u = static_cast<double>((h >> 8) % 10000) / 10000;
      p.accepted = attempt >= 3 || u >= shape_.return_rate;
      if (p.accepted) {
        ++stage;
        attempt = 1;
      } else {
        ++attempt;
      }
    }
    return plan;
  }

  // The org events: department, teams, chains.
  uint64_t header_events() const { return 1 + 2 * static_cast<uint64_t>(shape_.teams); }
  absl::Time header_time() const { return first_ - absl::Hours(24); }

  hv1::Event HandoffEvent(uint64_t sequence) const {
    hv1::Event e;
    e.set_sequence(sequence);
    const std::string department = "departments/" + shape_.department;
    if (sequence <= header_events()) {
      *e.mutable_time() = ToProto(header_time());
      const int n = static_cast<int>(sequence) - 2;  // team or chain number
      if (sequence == 1) {
        e.mutable_department_created()->set_name(department);
      } else if (n < shape_.teams) {
        e.mutable_team_created()->set_name(TeamName(n));
        e.mutable_team_created()->set_department(department);
      } else {
        const int chain = n - shape_.teams;
        hv1::Chain* c = e.mutable_chain_created();
        c->set_name(ChainName(chain));
        for (int s = 0; s < shape_.stages; ++s) {
          c->add_stages()->set_owner_team(TeamName(Owner(chain, s)));
        }
      }
      return e;
    }
    const uint64_t k = sequence - header_events() - 1;
    const ItemPlan plan = Plan(static_cast<int64_t>(k / kEventsPerItem));
    const int step = static_cast<int>(k % kEventsPerItem);
    if (step == 0) {
      *e.mutable_time() = ToProto(plan.created);
      hv1::WorkItem* item = e.mutable_work_item_created();
      item->set_name(plan.name());
      item->set_chain(ChainName(plan.chain));
      item->set_stage_index(0);
      item->set_holder_team(TeamName(Owner(plan.chain, 0)));
      *item->mutable_create_time() = ToProto(plan.created);
      *item->mutable_update_time() = ToProto(plan.created);
      return e;
    }
    const PlannedHandoff& p = plan.handoffs[(step - 1) / 2];
    const bool decided = (step - 1) % 2 == 1;
    hv1::Handoff* h = !decided     ? e.mutable_handoff_offered()
                      : p.accepted ? e.mutable_handoff_accepted()
                                   : e.mutable_handoff_returned();
    h->set_name(p.name);
    h->set_work_item(plan.name());
    h->set_chain(ChainName(plan.chain));
    h->set_from_stage(p.to_stage - 1);
    h->set_to_stage(p.to_stage);
    h->set_supplier_team(TeamName(p.supplier));
    h->set_customer_team(TeamName(p.customer));
    h->set_attempt(p.attempt);
    *h->mutable_offer_time() = ToProto(p.offer);
    *h->mutable_due_time() = ToProto(p.offer + kSla);
    if (decided) *h->mutable_decide_time() = ToProto(p.decide);
    *e.mutable_time() = ToProto(decided ? p.decide : p.offer);
    return e;
  }

  // Item sequence − 1's rating of its first accepted handoff.
  fv1::Event FeedbackEvent(uint64_t sequence) const {
    const ItemPlan plan = Plan(static_cast<int64_t>(sequence - 1));
    const PlannedHandoff* rated = &plan.handoffs[0];
    while (!rated->accepted) ++rated;  // Plan guarantees one
    static constexpr int kOverall[] = {2, 3, 4, 4, 5, 5, 3, 4, 5, 1};
    uint64_t h = Mix(~static_cast<uint64_t>(plan.index));
    auto score = [&h] {
      h = Mix(h);
      return static_cast<int>(kOverall[h % 10]);
    };
    fv1::Event e;
    e.set_sequence(sequence);
    const absl::Time when = rated->decide + absl::Hours(1);
    *e.mutable_time() = ToProto(when);
    fv1::Rating* r = e.mutable_rating_given();
    const std::string id = rated->name.substr(rated->name.find('/') + 1);
    r->set_name("ratings/" + id);
    r->set_handoff(rated->name);
    r->set_work_item(plan.name());
    r->set_chain(ChainName(plan.chain));
    r->set_supplier_team(TeamName(rated->supplier));
    r->set_customer_team(TeamName(rated->customer));
    r->set_supplier_department("departments/" + shape_.department);
    r->set_customer_department("departments/" + shape_.department);
    fv1::Scores* s = r->mutable_scores();
    s->set_overall(score());
    s->set_completeness(score());
    s->set_accuracy(score());
    s->set_timeliness(score());
    s->set_communication(score());
    r->set_revision(1);
    *r->mutable_create_time() = ToProto(when);
    *r->mutable_update_time() = ToProto(when);
    return e;
  }

 private:
  const HistoryShape shape_;
  const absl::Time first_;
  const absl::Duration span_;
};

using Generator = std::function<events::ConsumedEvent(uint64_t sequence)>;

// Events 1..total made on demand; after the last, a Read waits (as a
// caught-up stream of a live log does) until its deadline or Cancel().
class GeneratedStream final : public events::EventStream {
 public:
  GeneratedStream(uint64_t after, uint64_t total, const Generator* generate, absl::Time end_time)
      : next_(after + 1), total_(total), generate_(generate), end_time_(end_time) {}

  absl::Status Read(size_t max, absl::Time deadline,
                    std::vector<events::ConsumedEvent>* out) override {
    if (next_ > total_) {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithDeadline(absl::Condition(&cancelled_), deadline);
      return cancelled_ ? absl::CancelledError("stream cancelled") : absl::OkStatus();
    }
    for (size_t n = 0; n < max && next_ <= total_; ++n) out->push_back((*generate_)(next_++));
    return absl::OkStatus();
  }
  void Cancel() override {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
  }
  events::SourceEnd End() const override {
    return {.sequence = total_, .time = end_time_, .exact = true};
  }

 private:
  uint64_t next_;  // the reading thread's only
  const uint64_t total_;
  const Generator* const generate_;
  const absl::Time end_time_;
  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

class GeneratedSource final : public events::EventSource {
 public:
  GeneratedSource(std::string name, std::string epoch, uint64_t total, absl::Time end_time,
                  Generator generate)
      : name_(std::move(name)),
        epoch_(std::move(epoch)),
        total_(total),
        end_time_(end_time),
        generate_(std::move(generate)) {}

  const std::string& name() const override { return name_; }
  absl::StatusOr<std::unique_ptr<events::EventStream>> Open(uint64_t after,
                                                            const std::string& epoch) override {
    if (!epoch.empty() && epoch != epoch_) {
      return ErrorWithInfo(absl::StatusCode::kFailedPrecondition, "EPOCH_MISMATCH",
                           absl::StrCat("the store was loaded with another history (epoch ", epoch,
                                        ", this one is ", epoch_, "): use another data directory"));
    }
    if (after > total_) {
      return ErrorWithInfo(
          absl::StatusCode::kOutOfRange, "AFTER_END_OF_LOG",
          absl::StrCat("after ", after, " is past the history's ", total_, " events"));
    }
    return std::make_unique<GeneratedStream>(after, total_, &generate_, end_time_);
  }

 private:
  const std::string name_;
  const std::string epoch_;
  const uint64_t total_;
  const absl::Time end_time_;
  const Generator generate_;
};

template <typename Event>
events::ConsumedEvent Consumed(const Event& event, const std::string& epoch) {
  return {.sequence = event.sequence(),
          .time = FromProto(event.time()),
          .epoch = epoch,
          .bytes = event.SerializeAsString()};
}

}  // namespace

uint64_t HistoryShape::handoff_events() const {
  return Planner(*this).header_events() + kEventsPerItem * static_cast<uint64_t>(items());
}

std::string HistoryShape::FirstDay() const {
  return absl::FormatCivilTime(absl::CivilDay(1970, 1, 1) + (last_day - days + 1));
}
std::string HistoryShape::LastDay() const {
  return absl::FormatCivilTime(absl::CivilDay(1970, 1, 1) + last_day);
}

std::string HistoryShape::Describe() const {
  return absl::StrFormat(
      "%d handoffs (%d items), department %s of %d teams, %d chains of %d stages, %d days %s..%s, "
      "return rate %.2f",
      items() * kHandoffsPerItem, items(), department, teams, teams, stages, days, FirstDay(),
      LastDay(), return_rate);
}

std::string HistoryShape::Epoch() const {
  uint64_t h = Mix(std::hash<std::string>()(Describe()));
  return absl::StrFormat("%016x%016x", h, Mix(h));
}

namespace {

// A source named `name` of `total` events, event n being (planner->*event)(n).
template <typename Event>
std::unique_ptr<events::EventSource> History(const HistoryShape& shape, std::string name,
                                             uint64_t total,
                                             Event (Planner::*event)(uint64_t) const) {
  auto planner = std::make_shared<const Planner>(shape);
  const std::string epoch = shape.Epoch();
  const absl::Time end_time = FromProto(((*planner).*event)(total).time());
  return std::make_unique<GeneratedSource>(std::move(name), epoch, total, end_time,
                                           [planner, epoch, event](uint64_t sequence) {
                                             return Consumed(((*planner).*event)(sequence), epoch);
                                           });
}

}  // namespace

std::unique_ptr<events::EventSource> HandoffHistory(const HistoryShape& shape) {
  return History(shape, kHandoffSourceName, shape.handoff_events(), &Planner::HandoffEvent);
}

std::unique_ptr<events::EventSource> FeedbackHistory(const HistoryShape& shape) {
  return History(shape, kFeedbackSourceName, shape.feedback_events(), &Planner::FeedbackEvent);
}

}  // namespace baton::bench
