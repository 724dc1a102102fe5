#include "services/rating/rating_queries.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "baton/rating/v1/stored.pb.h"
#include "common/api/names.h"
#include "common/status/errors.h"
#include "common/storage/counters_merge.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/rating/figures.h"
#include "services/rating/handoff_record.h"
#include "services/rating/validation.h"

namespace baton::rating {
namespace {

// NOT_FOUND for a handoff without a score, saying why (the reason and
// metadata of any NOT_FOUND for a resource).
absl::Status NoScore(const std::string& name, absl::string_view why) {
  return ErrorWithInfo(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                       absl::StrCat(name, " has no score: ", why), {{"resource", name}});
}

}  // namespace

v1::Window DayRange::ToProto() const {
  v1::Window window;
  window.set_start_day(DayCalendar::Format(from));
  window.set_end_day(DayCalendar::Format(to - 1));
  return window;
}

absl::StatusOr<DayRange> ResolveWindow(const v1::Window& window, DayNumber today) {
  if (window.start_day().empty() && window.end_day().empty()) {
    return DayRange{today - kDefaultWindowDays + 1, today + 1};
  }
  BadRequest bad;
  CheckWindow(bad, window);
  if (!bad.empty()) return bad.Build();
  // Both parse: CheckWindow said so.
  return DayRange{*DayCalendar::Parse(window.start_day()),
                  *DayCalendar::Parse(window.end_day()) + 1};
}

absl::StatusOr<RatingQueries::Reads> RatingQueries::DurableReads() const {
  Reads reads;
  reads.options = store_->DurableReads(&reads.pin);
  if (sets_ == nullptr) {
    reads.cfs = cfs_;
    reads.rules = rules_;
    return reads;
  }
  ASSIGN_OR_RETURN(reads.cfs, sets_->ActiveAt(reads.options));
  reads.rules = book_->Default();
  return reads;
}

absl::StatusOr<ScoringRules> RatingQueries::RulesOfVersion(int version,
                                                           absl::string_view name) const {
  if (book_ == nullptr) return rules_;
  std::optional<RulesVersion> rules = book_->Version(std::max(version, 1));
  if (!rules.has_value()) {
    return absl::DataLossError(
        absl::StrCat(name, " was scored with rules version ", version, ", which is not known"));
  }
  return rules->rules;
}

absl::StatusOr<std::vector<int64_t>> RatingQueries::Sum(const Reads& reads,
                                                        const RollupOwner& owner,
                                                        DayRange range) const {
  ASSIGN_OR_RETURN(std::vector<DayCounters> days,
                   ReadRollupWindow(store_->db(), reads.cfs.rollups, reads.options, owner,
                                    range.from, range.to));
  return SumDays(days);
}

absl::StatusOr<std::optional<double>> RatingQueries::DepartmentMean(const Reads& reads,
                                                                    const std::string& department,
                                                                    DayRange range) const {
  if (department.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(std::vector<int64_t> counters,
                   Sum(reads, {.scope = Scope::kDepartment, .id = department}, range));
  return MeanQualityOf(counters);
}

absl::StatusOr<int64_t> RatingQueries::Standing(const Reads& reads, const RollupOwner& owner,
                                                uint32_t slot) const {
  std::string value;
  const rocksdb::Status s =
      store_->db()->Get(reads.options, reads.cfs.rollups, RollupKey(owner, kStandingDay), &value);
  if (s.IsNotFound()) return 0;
  RETURN_IF_ERROR(FromRocksDb(s));
  absl::StatusOr<std::vector<int64_t>> counters = storage::DecodeCounters(value);
  if (!counters.ok()) {
    return absl::DataLossError(absl::StrCat("a standing rollup of ", owner.id,
                                            " does not decode: ", counters.status().message()));
  }
  return storage::CounterAt(*counters, slot);
}

absl::StatusOr<std::string> RatingQueries::TeamDepartment(const Reads& reads,
                                                          absl::string_view team) const {
  std::string department;
  const rocksdb::Status s =
      store_->db()->Get(reads.options, reads.cfs.org, TeamDepartmentKey(team), &department);
  if (s.IsNotFound()) return NotFound(api::Name(api::kTeams, team));
  RETURN_IF_ERROR(FromRocksDb(s));
  return department;
}

absl::StatusOr<v1::HandoffScore> RatingQueries::GetHandoffScore(
    absl::string_view handoff_id) const {
  const std::string name = api::Name(api::kHandoffs, handoff_id);
  ASSIGN_OR_RETURN(const Reads reads, DurableReads());
  std::string bytes;
  const rocksdb::Status s =
      store_->db()->Get(reads.options, reads.cfs.handoffs, HandoffRecordKey(handoff_id), &bytes);
  if (s.IsNotFound()) {
    return NoScore(name,
                   "the rating service has not seen it (an unknown handoff, or its events "
                   "are not consumed yet: GetConsumerStatus shows the lag)");
  }
  RETURN_IF_ERROR(FromRocksDb(s));
  v1::StoredHandoff record;
  if (!record.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("the stored record of ", name, " does not parse"));
  }
  const bool accepted = record.state() == v1::STORED_HANDOFF_STATE_ACCEPTED;
  if (!(accepted || record.state() == v1::STORED_HANDOFF_STATE_RETURNED)) {
    return NoScore(name, "it is not decided yet (scored once accepted or returned)");
  }
  const HandoffFacts facts = ScoringFactsOf(record);
  ASSIGN_OR_RETURN(const ScoringRules rules, RulesOfVersion(record.added_rules_version(), name));
  absl::StatusOr<ScoreParts> parts = ScoreHandoff(facts, rules);
  if (!parts.ok()) {
    return absl::DataLossError(
        absl::StrCat("the stored record of ", name, " does not score: ", parts.status().message()));
  }

  v1::HandoffScore score;
  score.set_handoff(name);
  score.set_work_item(api::Name(api::kWorkItems, record.work_item()));
  score.set_chain(api::Name(api::kChains, record.chain()));
  score.set_to_stage(record.to_stage());
  score.set_supplier_team(api::Name(api::kTeams, record.supplier_team()));
  score.set_customer_team(api::Name(api::kTeams, record.customer_team()));
  score.set_attempt(record.attempt());
  *score.mutable_decide_time() = record.decide_time();
  *score.mutable_due_time() = record.due_time();
  if (parts->rating) score.set_rating_part(*parts->rating);
  score.set_first_pass_part(parts->first_pass);
  score.set_timeliness_part(parts->timeliness);
  score.set_quality(parts->quality);
  score.set_rules_version(parts->rules_version);
  score.set_rating_overturned(record.rating().scores_size() > 0 && record.overturned());
  return score;
}

absl::StatusOr<v1::Scorecard> RatingQueries::TeamScorecard(absl::string_view team_id,
                                                           const v1::Window& window) const {
  ASSIGN_OR_RETURN(const DayRange now, ResolveWindow(window, Today()));
  const DayRange before = now.Previous();
  ASSIGN_OR_RETURN(const Reads reads, DurableReads());
  ASSIGN_OR_RETURN(const std::string department, TeamDepartment(reads, team_id));

  v1::Scorecard card;
  card.set_team(api::Name(api::kTeams, team_id));
  if (!department.empty()) card.set_department(api::Name(api::kDepartments, department));
  *card.mutable_window() = now.ToProto();
  *card.mutable_previous_window() = before.ToProto();
  const RollupOwner supplier{.scope = Scope::kSupplierTeam, .id = std::string(team_id)};
  const RollupOwner customer{.scope = Scope::kCustomerTeam, .id = std::string(team_id)};
  for (const DayRange& range : {now, before}) {
    const bool current = range.from == now.from;
    ASSIGN_OR_RETURN(std::optional<double> mean, DepartmentMean(reads, department, range));
    ASSIGN_OR_RETURN(std::vector<int64_t> as_supplier, Sum(reads, supplier, range));
    ASSIGN_OR_RETURN(std::vector<int64_t> as_customer, Sum(reads, customer, range));
    *(current ? card.mutable_as_supplier() : card.mutable_previous_as_supplier()) =
        SideFiguresOf(as_supplier, mean, reads.rules);
    *(current ? card.mutable_as_customer() : card.mutable_previous_as_customer()) =
        SideFiguresOf(as_customer, mean, reads.rules);
    if (current) {
      // The appliers put feedback and verdicts on the supplier-team rollup.
      *card.mutable_feedback() = FeedbackFiguresOf(as_supplier);
      ASSIGN_OR_RETURN(const int64_t open, Standing(reads, supplier, slot::kOpenFeedback));
      card.mutable_feedback()->set_open(open);
      *card.mutable_verdicts() = VerdictFiguresOf(as_supplier);
    }
  }
  *card.mutable_as_of() = ToProto(clock_->Now());
  return card;
}

}  // namespace baton::rating
