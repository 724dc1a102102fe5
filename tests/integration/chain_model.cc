#include "tests/integration/chain_model.h"

#include <algorithm>
#include <set>

namespace baton::testing {
namespace {

// DESIGN.md "Scores" (the version-1 defaults), written out.
constexpr double kRatingWeight = 0.5;
constexpr double kFirstPassWeight = 0.3;
constexpr double kTimelinessWeight = 0.2;
constexpr double kReturnPenalty = 50;
constexpr double kPriorWeight = 10;
constexpr int kSatisfiedFrom = 4;

absl::CivilDay DayOf(absl::Time t) { return absl::ToCivilDay(t, absl::UTCTimeZone()); }

std::optional<double> Ratio(int64_t numerator, int64_t denominator) {
  if (denominator <= 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

}  // namespace

bool ModelWindow::Has(absl::Time t) const {
  const absl::CivilDay day = DayOf(t);
  return day >= from && day <= to;
}

ModelWindow ModelWindow::Previous() const {
  const int64_t days = to - from + 1;
  return {from - days, from - 1};
}

std::optional<int> ModelHandoff::counted_rating() const {
  if (!accepted || overturned) return std::nullopt;
  return overall;
}

ModelScore ScoreOf(const ModelHandoff& h) {
  ModelScore s;
  if (const std::optional<int> overall = h.counted_rating()) s.rating = (*overall - 1) * 25.0;
  // A return is the supplier's miss: a returned handoff scores as if it
  // were the next attempt.
  const int attempts = h.attempt + (h.accepted ? 0 : 1);
  s.first_pass = std::max(0.0, 100.0 - kReturnPenalty * (attempts - 1));
  const absl::Duration late = h.decide - h.due();
  s.timeliness = late <= absl::ZeroDuration()
                     ? 100.0
                     : std::max(0.0, 100.0 * (1.0 - absl::FDivDuration(late, h.sla)));
  const double ft = kFirstPassWeight * s.first_pass + kTimelinessWeight * s.timeliness;
  s.quality =
      s.rating ? kRatingWeight * *s.rating + ft : ft / (kFirstPassWeight + kTimelinessWeight);
  return s;
}

std::optional<double> ModelSide::MeanQuality() const {
  if (scored == 0) return std::nullopt;
  return quality_sum / static_cast<double>(scored);
}

std::optional<double> ModelSide::Score(std::optional<double> department_mean) const {
  if (!department_mean) return MeanQuality();
  return (kPriorWeight * *department_mean + quality_sum) / (kPriorWeight + scored);
}

std::optional<double> ModelSide::Csat() const {
  int64_t ratings = 0;
  int64_t satisfied = 0;
  for (int score = 1; score <= 5; ++score) {
    ratings += overall[score - 1];
    if (score >= kSatisfiedFrom) satisfied += overall[score - 1];
  }
  return Ratio(satisfied, ratings);
}

std::optional<double> ModelSide::FirstPassYield() const { return Ratio(first_pass, decided); }
std::optional<double> ModelSide::ReworkRate() const { return Ratio(returns, offers); }
std::optional<double> ModelSide::OnTimeRate() const { return Ratio(on_time, decided); }

void ChainModel::AddTeam(const std::string& team, const std::string& department) {
  departments_[team] = department;
}

void ChainModel::SetStages(std::vector<std::string> owner_teams) {
  stages_ = std::move(owner_teams);
}

void ChainModel::Created(const std::string& item, absl::Time t) { created_.push_back({item, t}); }

ModelHandoff& ChainModel::Offered(ModelHandoff handoff) {
  const std::string id = handoff.id;
  return handoffs_[id] = std::move(handoff);
}

void ChainModel::Decided(const std::string& handoff, bool accepted, absl::Time t) {
  ModelHandoff& h = Handoff(handoff);
  h.decided = true;
  h.accepted = accepted;
  h.decide = t;
}

void ChainModel::Rated(const std::string& handoff, int overall) {
  Handoff(handoff).overall = overall;
}

void ChainModel::Completed(const std::string& item, absl::Time t) {
  completed_.push_back({item, t});
}

void ChainModel::Dropped(const std::string& item, int stage, const std::string& team,
                         absl::Time t) {
  dropped_.push_back({item, t, stage, team});
}

void ChainModel::Disputed(const std::string& handoff, absl::Time t) {
  disputes_.push_back({handoff, t, 0, Handoff(handoff).supplier});
}

void ChainModel::Ruled(const std::string& handoff, bool overturned, absl::Time t) {
  ModelHandoff& h = Handoff(handoff);
  if (overturned) h.overturned = true;
  rulings_.push_back({handoff, t, overturned ? 1 : 0, h.supplier});
}

void ChainModel::Verdict(const std::string& item, int score, absl::Time t) {
  verdicts_.push_back({item, t, score});
}

void ChainModel::Praised(const std::string& team, absl::Time t) {
  praise_.push_back({team, t, 0, team});
}

void ChainModel::Complained(const std::string& team, absl::Time t) {
  complaints_.push_back({team, t, 0, team});
}

ModelHandoff& ChainModel::Handoff(const std::string& id) { return handoffs_.at(id); }

std::vector<std::string> ChainModel::TeamsOf(const std::string& department) const {
  std::vector<std::string> teams;
  for (const auto& [team, of] : departments_) {
    if (of == department) teams.push_back(team);
  }
  return teams;
}

ModelSide ChainModel::Side(const std::string& team, bool supplier,
                           const ModelWindow& window) const {
  ModelSide side;
  for (const auto& [id, h] : handoffs_) {
    if ((supplier ? h.supplier : h.customer) != team) continue;
    if (window.Has(h.offer)) ++side.offers;
    if (h.overdue() && window.Has(h.due())) ++side.overdue;
    if (!h.decided || !window.Has(h.decide)) continue;
    ++side.decided;
    ++(h.accepted ? side.accepts : side.returns);
    if (h.accepted && h.attempt == 1) ++side.first_pass;
    if (h.decide <= h.due()) ++side.on_time;
    ++side.scored;
    side.quality_sum += ScoreOf(h).quality;
    if (const std::optional<int> overall = h.counted_rating()) ++side.overall[*overall - 1];
    if (h.accepted && h.overall && h.overturned) ++side.overturned;
  }
  if (supplier) {
    for (const Event& drop : dropped_) {
      if (drop.team == team && window.Has(drop.time)) ++side.drops;
    }
  }
  return side;
}

ModelSide ChainModel::AsSupplier(const std::string& team, const ModelWindow& window) const {
  return Side(team, /*supplier=*/true, window);
}

ModelSide ChainModel::AsCustomer(const std::string& team, const ModelWindow& window) const {
  return Side(team, /*supplier=*/false, window);
}

std::optional<double> ChainModel::DepartmentMean(const std::string& department,
                                                 const ModelWindow& window) const {
  double sum = 0;
  int64_t count = 0;
  for (const std::string& team : TeamsOf(department)) {
    const ModelSide side = AsSupplier(team, window);
    sum += side.quality_sum;
    count += side.scored;
  }
  if (count == 0) return std::nullopt;
  return sum / static_cast<double>(count);
}

ModelFeedback ChainModel::Feedback(const std::string& team, const ModelWindow& window) const {
  ModelFeedback f;
  auto count = [&](const std::vector<Event>& events, int value) {
    int64_t n = 0;
    for (const Event& e : events) {
      if (e.team == team && (value < 0 || e.value == value) && window.Has(e.time)) ++n;
    }
    return n;
  };
  f.praise = count(praise_, -1);
  f.complaints = count(complaints_, -1);
  f.disputes_filed = count(disputes_, -1);
  f.disputes_upheld = count(rulings_, 0);
  f.disputes_overturned = count(rulings_, 1);
  for (const std::vector<Event>* threads : {&praise_, &complaints_}) {
    f.open += std::count_if(threads->begin(), threads->end(),
                            [&](const Event& e) { return e.team == team; });
  }
  return f;
}

ModelVerdicts ChainModel::Verdicts(const std::string& team, const ModelWindow& window) const {
  ModelVerdicts v;
  for (const Event& verdict : verdicts_) {
    if (!window.Has(verdict.time)) continue;
    // The item was created at stage 0: its owner held it first.
    bool held = !stages_.empty() && stages_[0] == team;
    bool first_pass = false;
    bool reworked = false;
    for (const auto& [id, h] : handoffs_) {
      if (h.item != verdict.id || !h.decided) continue;
      if (h.accepted && h.customer == team) held = true;
      if (h.supplier != team) continue;
      if (h.accepted) first_pass = h.attempt == 1;
      if (!h.accepted) reworked = true;
    }
    if (!held) continue;
    ++v.count;
    v.sum += verdict.value;
    if (first_pass) {
      ++v.first_pass;
      v.first_pass_sum += verdict.value;
    }
    if (reworked) {
      ++v.reworked;
      v.reworked_sum += verdict.value;
    }
  }
  return v;
}

std::vector<ModelStage> ChainModel::Funnel(const ModelWindow& window) const {
  std::vector<ModelStage> stages;
  for (const std::string& team : stages_) stages.push_back({.team = team});
  for (const Event& created : created_) {
    if (window.Has(created.time)) ++stages[0].entered;
  }
  for (const auto& [id, h] : handoffs_) {
    if (!h.decided || !window.Has(h.decide)) continue;
    ModelStage& from = stages[h.to_stage - 1];
    ++from.decided;
    if (!h.accepted) continue;
    if (h.attempt == 1) ++from.first_pass;
    ++from.passed;
    ++stages[h.to_stage].entered;
  }
  for (const Event& completed : completed_) {
    if (window.Has(completed.time)) ++stages.back().passed;
  }
  for (const Event& drop : dropped_) {
    if (window.Has(drop.time)) ++stages[drop.value].dropped;
  }
  for (const Event& verdict : verdicts_) {
    if (!window.Has(verdict.time)) continue;
    int end = static_cast<int>(stages.size()) - 1;  // completed, unless dropped
    for (const Event& drop : dropped_) {
      if (drop.id == verdict.id) end = drop.value;
    }
    ++stages[end].verdicts;
    stages[end].verdict_sum += verdict.value;
  }
  return stages;
}

}  // namespace baton::testing
