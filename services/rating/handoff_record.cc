#include "services/rating/handoff_record.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/names.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"

namespace baton::rating {
namespace {

using v1::StoredHandoff;
using v1::StoredScores;

constexpr int kDimensions = 5;

bool Decided(const StoredHandoff& record) {
  return record.state() == v1::STORED_HANDOFF_STATE_ACCEPTED ||
         record.state() == v1::STORED_HANDOFF_STATE_RETURNED;
}

// Adds `sign` at each dimension's bucket of `scores` and at kRatings; no-op
// for an empty (absent) rating.
void CountRating(const StoredScores& scores, int sign, std::span<const RollupOwner> owners,
                 DayNumber day, RollupWriter& rollups) {
  if (scores.scores_size() != kDimensions) return;
  rollups.Add(owners, day, slot::kRatings, sign);
  for (int d = 0; d < kDimensions; ++d) {
    rollups.Add(owners, day, RatingSlot(static_cast<Dimension>(d), scores.scores(d)), sign);
  }
}

bool SameScores(const StoredScores& a, const StoredScores& b) {
  return std::equal(a.scores().begin(), a.scores().end(), b.scores().begin(), b.scores().end());
}

}  // namespace

absl::StatusOr<std::string> EventId(absl::string_view field, absl::string_view name,
                                    absl::string_view collection) {
  return api::ParseName(field, name, collection);
}

absl::StatusOr<std::optional<StoredHandoff>> LoadHandoff(storage::Transaction& tx,
                                                         const RatingCfs& cfs,
                                                         absl::string_view id) {
  StoredHandoff record;
  ASSIGN_OR_RETURN(bool found, tx.GetProto(cfs.handoffs, HandoffRecordKey(id), &record));
  if (!found) return std::nullopt;
  return record;
}

void StoreHandoff(storage::Transaction& tx, const RatingCfs& cfs, absl::string_view id,
                  const StoredHandoff& record) {
  tx.PutProto(cfs.handoffs, HandoffRecordKey(id), record);
}

absl::StatusOr<v1::StoredItem> LoadItem(storage::Transaction& tx, const RatingCfs& cfs,
                                        absl::string_view id) {
  v1::StoredItem item;
  RETURN_IF_ERROR(tx.GetProto(cfs.items, ItemRecordKey(id), &item).status());
  return item;
}

void StoreItem(storage::Transaction& tx, const RatingCfs& cfs, absl::string_view id,
               const v1::StoredItem& item) {
  tx.PutProto(cfs.items, ItemRecordKey(id), item);
}

void CountVerdict(const v1::StoredItem& item, int score, DayNumber day, RollupWriter& rollups) {
  auto count = [&](const RollupOwner& owner) {
    rollups.Add(owner, day, slot::kVerdicts, 1);
    rollups.Add(owner, day, slot::kVerdictSum, score);
    rollups.Add(owner, day, VerdictSlot(score), 1);
  };
  std::set<std::string> departments;
  for (const v1::StoredItemTeam& team : item.teams()) {
    const RollupOwner owner{.scope = Scope::kSupplierTeam, .id = team.team()};
    count(owner);
    if (team.passed_first()) {
      rollups.Add(owner, day, slot::kVerdictsFirstPass, 1);
      rollups.Add(owner, day, slot::kVerdictSumFirstPass, score);
    }
    if (team.reworked()) {
      rollups.Add(owner, day, slot::kVerdictsReworked, 1);
      rollups.Add(owner, day, slot::kVerdictSumReworked, score);
    }
    if (!team.department().empty()) departments.insert(team.department());
  }
  for (const std::string& department : departments) {
    count({.scope = Scope::kDepartment, .id = department});
  }
  if (!item.chain().empty()) {
    count({.scope = Scope::kChainStage, .id = item.chain(), .stage = item.end_stage()});
  }
}

absl::StatusOr<std::string> DepartmentOf(storage::Transaction& tx, const RatingCfs& cfs,
                                         absl::string_view team_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> department,
                   tx.Get(cfs.org, TeamDepartmentKey(team_id)));
  return department.value_or("");
}

std::vector<RollupOwner> HandoffOwners(const StoredHandoff& record) {
  std::vector<RollupOwner> owners;
  owners.push_back({.scope = Scope::kSupplierTeam, .id = record.supplier_team()});
  if (!record.supplier_department().empty()) {
    owners.push_back({.scope = Scope::kDepartment, .id = record.supplier_department()});
  }
  if (record.to_stage() >= 1 && !record.chain().empty()) {
    owners.push_back({.scope = Scope::kChainStage,
                      .id = record.chain(),
                      .stage = static_cast<uint32_t>(record.to_stage() - 1)});
  }
  if (!record.customer_team().empty()) {
    owners.push_back({.scope = Scope::kCustomerTeam, .id = record.customer_team()});
  }
  return owners;
}

absl::Status ValidateScores(const StoredScores& scores) {
  if (scores.scores_size() != kDimensions) {
    return absl::InvalidArgumentError(
        absl::StrCat("a rating has ", scores.scores_size(), " scores, not ", kDimensions));
  }
  for (int score : scores.scores()) {
    if (score < 1 || score > 5) {
      return absl::InvalidArgumentError(absl::StrCat("a rating score is ", score, ", not 1-5"));
    }
  }
  return absl::OkStatus();
}

HandoffFacts ScoringFactsOf(const StoredHandoff& record) {
  const bool accepted = record.state() == v1::STORED_HANDOFF_STATE_ACCEPTED;
  const bool rated = record.rating().scores_size() > 0;
  const absl::Time offer = FromProto(record.offer_time());
  const absl::Time due = FromProto(record.due_time());
  HandoffFacts facts;
  if (accepted && rated && !record.overturned()) facts.overall_rating = record.rating().scores(0);
  facts.attempt = std::max(1, record.attempt()) + (accepted ? 0 : 1);
  facts.decide_time = FromProto(record.decide_time());
  facts.due_time = due;
  // An SLA the handoff service let through as ≤ 0 still scores: T is then
  // 100 on time and 0 from the first second late.
  facts.sla = std::max(due - offer, absl::Seconds(1));
  return facts;
}

absl::Status Reconcile(const ApplierOptions& options, StoredHandoff& record,
                       RollupWriter& rollups) {
  if (!Decided(record)) return absl::OkStatus();  // a rating stays pending
  const bool accepted = record.state() == v1::STORED_HANDOFF_STATE_ACCEPTED;
  const bool rated = record.rating().scores_size() > 0;
  if (rated) RETURN_IF_ERROR(ValidateScores(record.rating()));
  const bool rating_counts = accepted && rated && !record.overturned();
  const HandoffFacts facts = ScoringFactsOf(record);
  ASSIGN_OR_RETURN(ScoreParts parts, ScoreHandoff(facts, options.RulesFor(record.chain())));
  const int64_t quality = QualityToFixed(parts.quality);
  record.set_added_rules_version(parts.rules_version);

  const std::vector<RollupOwner> owners = HandoffOwners(record);
  if (!record.added()) {
    record.set_added(true);
    record.set_added_day(options.calendar.DayOf(facts.decide_time));
    record.set_added_quality(0);
    rollups.Add(owners, record.added_day(), slot::kScoreCount, 1);
  }
  const DayNumber day = record.added_day();
  rollups.Add(owners, day, slot::kScoreSum, quality - record.added_quality());
  record.set_added_quality(quality);

  const StoredScores counted = rating_counts ? record.rating() : StoredScores();
  if (!SameScores(counted, record.added_rating())) {
    CountRating(record.added_rating(), -1, owners, day, rollups);
    CountRating(counted, +1, owners, day, rollups);
    *record.mutable_added_rating() = counted;
  }
  const bool overturned = accepted && rated && record.overturned();
  if (overturned != record.added_overturned()) {
    rollups.Add(owners, day, slot::kOverturned, overturned ? 1 : -1);
    record.set_added_overturned(overturned);
  }
  return absl::OkStatus();
}

DayNumber EventStep::Day(const google::protobuf::Timestamp& t) const {
  const bool unset = t.seconds() == 0 && t.nanos() == 0;
  return options_.calendar.DayOf(unset ? event_time_ : FromProto(t));
}

absl::Status EventStep::Finish(absl::Status status) {
  RETURN_IF_ERROR(status);
  rollups_.EndEvent();
  return absl::OkStatus();
}

}  // namespace baton::rating
