// RatingQueries::DepartmentScoreboard: the department's teams from
// rating.org's department index, each row from one range scan of the team's supplier rollup
// per window.

#include <algorithm>
#include <memory>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/api/names.h"
#include "common/status/errors.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/counters_merge.h"
#include "common/storage/key_codec.h"
#include "common/time/proto_time.h"
#include "services/rating/figures.h"
#include "services/rating/rating_queries.h"

namespace baton::rating {
namespace {

// A team of a department: its id and display name.
struct DepartmentTeam {
  std::string id;
  std::string display_name;
};

// The teams of `department`, in id order: one prefix scan of rating.org's
// department index (DepartmentTeamKey → display name).
absl::StatusOr<std::vector<DepartmentTeam>> TeamsOf(rocksdb::DB* db,
                                                    rocksdb::ColumnFamilyHandle* org,
                                                    rocksdb::ReadOptions options,
                                                    absl::string_view department) {
  const std::string prefix = DepartmentTeamsPrefix(department);
  const std::string end = storage::PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, org));
  std::vector<DepartmentTeam> teams;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    storage::KeyReader reader(absl::string_view(it->key().data(), it->key().size()));
    uint8_t tag = 0;
    std::string in_department;
    DepartmentTeam team;
    if (!reader.Byte(&tag) || !reader.Str(&in_department) || !reader.Str(&team.id) ||
        !reader.done() || in_department != department) {
      return absl::DataLossError("a department index record of rating.org has a malformed key");
    }
    team.display_name = it->value().ToString();
    teams.push_back(std::move(team));
  }
  RETURN_IF_ERROR(FromRocksDb(it->status()));
  return teams;
}

// The order's figure of a row; nullopt when the row has no data for it.
std::optional<double> Key(const v1::ScoreboardRow& row, v1::ScoreboardOrder order) {
  const v1::SideFigures& f = row.as_supplier();
  switch (order) {
    case v1::SCOREBOARD_ORDER_CSAT:
      return f.has_csat() ? std::optional(f.csat()) : std::nullopt;
    case v1::SCOREBOARD_ORDER_FIRST_PASS_YIELD:
      return f.has_first_pass_yield() ? std::optional(f.first_pass_yield()) : std::nullopt;
    case v1::SCOREBOARD_ORDER_ON_TIME_RATE:
      return f.has_on_time_rate() ? std::optional(f.on_time_rate()) : std::nullopt;
    case v1::SCOREBOARD_ORDER_TREND:
      if (f.scored() == 0 || !row.has_score_trend()) return std::nullopt;
      return row.score_trend();
    default:  // SCORE
      if (f.scored() == 0 || !f.has_score()) return std::nullopt;
      return f.score();
  }
}

}  // namespace

absl::StatusOr<v1::Scoreboard> RatingQueries::DepartmentScoreboard(
    absl::string_view department_id, const v1::Window& window, v1::ScoreboardOrder order) const {
  if (!v1::ScoreboardOrder_IsValid(order)) {
    return InvalidField("order", absl::StrCat("is not a ScoreboardOrder: ", order));
  }
  if (order == v1::SCOREBOARD_ORDER_UNSPECIFIED) order = v1::SCOREBOARD_ORDER_SCORE;
  ASSIGN_OR_RETURN(const DayRange now, ResolveWindow(window, Today()));
  const DayRange before = now.Previous();
  const Reads reads = DurableReads();
  ASSIGN_OR_RETURN(std::vector<DepartmentTeam> teams,
                   TeamsOf(store_->db(), cfs_.org, reads.options, department_id));
  if (teams.empty()) return NotFound(api::Name(api::kDepartments, department_id));
  const std::string department(department_id);
  ASSIGN_OR_RETURN(std::optional<double> mean, DepartmentMean(reads, department, now));
  ASSIGN_OR_RETURN(std::optional<double> mean_before, DepartmentMean(reads, department, before));

  struct Ranked {
    std::optional<double> key;
    v1::ScoreboardRow row;
  };
  std::vector<Ranked> ranked;
  ranked.reserve(teams.size());
  for (const DepartmentTeam& team : teams) {
    const RollupOwner owner{.scope = Scope::kSupplierTeam, .id = team.id};
    ASSIGN_OR_RETURN(std::vector<int64_t> counters, Sum(reads, owner, now));
    ASSIGN_OR_RETURN(std::vector<int64_t> counters_before, Sum(reads, owner, before));
    v1::ScoreboardRow row;
    row.set_team(api::Name(api::kTeams, team.id));
    row.set_display_name(team.display_name.empty() ? team.id : team.display_name);
    *row.mutable_as_supplier() = SideFiguresOf(counters, mean, rules_);
    const v1::SideFigures previous = SideFiguresOf(counters_before, mean_before, rules_);
    if (row.as_supplier().has_score() && previous.has_score()) {
      row.set_score_trend(row.as_supplier().score() - previous.score());
    }
    row.set_escalated_feedback(storage::CounterAt(counters, slot::kEscalations));
    ASSIGN_OR_RETURN(const int64_t open, Standing(reads, owner, slot::kOpenFeedback));
    row.set_open_feedback(open);
    std::optional<double> key = Key(row, order);
    ranked.push_back({key, std::move(row)});
  }
  // Rows with data first, best first; then the rest; ties and the rest by
  // id (the team names share the "teams/" prefix, so name order is id order).
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.key.has_value() != b.key.has_value()) return a.key.has_value();
    if (a.key && *a.key != *b.key) return *a.key > *b.key;
    return a.row.team() < b.row.team();
  });

  v1::Scoreboard board;
  board.set_department(api::Name(api::kDepartments, department_id));
  *board.mutable_window() = now.ToProto();
  board.set_order(order);
  int32_t rank = 0;
  for (Ranked& r : ranked) {
    r.row.set_rank(++rank);
    *board.add_rows() = std::move(r.row);
  }
  if (mean) board.set_department_mean(*mean);
  *board.mutable_as_of() = ToProto(clock_->Now());
  return board;
}

}  // namespace baton::rating
