#include "services/rating/scoreboard_cache.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "common/api/names.h"

namespace baton::rating {

absl::StatusOr<std::shared_ptr<const std::string>> ScoreboardCache::Get(
    const ScoreboardKey& key, absl::FunctionRef<absl::StatusOr<v1::Scoreboard>()> compute) {
  Running running{.department = key.department};
  std::list<Running*>::iterator registered;
  {
    absl::MutexLock lock(&mu_);
    if (auto it = entries_.find(key); it != entries_.end()) {
      ++stats_.hits;
      return it->second;
    }
    ++stats_.misses;
    registered = running_.insert(running_.end(), &running);
  }
  absl::StatusOr<v1::Scoreboard> board = compute();
  std::shared_ptr<const std::string> bytes;
  if (board.ok()) {
    v1::GetDepartmentScoreboardResponse response;
    *response.mutable_scoreboard() = *board;
    bytes = std::make_shared<const std::string>(response.SerializeAsString());
  }
  absl::MutexLock lock(&mu_);
  running_.erase(registered);
  if (!board.ok()) return board.status();
  if (running.marked) {
    ++stats_.kept_out;
    return bytes;
  }
  if (entries_.size() >= max_entries_ && !entries_.contains(key)) {
    // The oldest first; keys already dropped by a mark are skipped.
    while (!insertion_order_.empty() && entries_.size() >= max_entries_) {
      entries_.erase(insertion_order_.front());
      insertion_order_.pop_front();
    }
  }
  if (entries_.insert_or_assign(key, bytes).second) insertion_order_.push_back(key);
  for (const v1::ScoreboardRow& row : board->rows()) {
    team_department_[absl::StripPrefix(row.team(), api::kTeams)] = key.department;
  }
  return bytes;
}

void ScoreboardCache::Mark(const ChangeMarks& marks) {
  if (marks.empty()) return;
  absl::MutexLock lock(&mu_);
  absl::flat_hash_set<std::string> departments = marks.departments;
  bool unplaced_team = false;
  for (const std::string& team : marks.teams) {
    if (auto it = team_department_.find(team); it != team_department_.end()) {
      departments.insert(it->second);
    } else {
      unplaced_team = true;
    }
  }
  for (Running* running : running_) {
    if (unplaced_team || departments.contains(running->department)) running->marked = true;
  }
  const size_t before = entries_.size();
  absl::erase_if(entries_,
                 [&](const auto& entry) { return departments.contains(entry.first.department); });
  stats_.dropped += before - entries_.size();
  // insertion_order_ keeps the dropped keys until they reach its front (at
  // most max_entries_ + the drops since, bounded by the next inserts).
  if (insertion_order_.size() > 2 * max_entries_) {
    std::erase_if(insertion_order_, [&](const ScoreboardKey& k) { return !entries_.contains(k); });
  }
}

void ScoreboardCache::Clear() {
  absl::MutexLock lock(&mu_);
  stats_.dropped += entries_.size();
  entries_.clear();
  insertion_order_.clear();
  team_department_.clear();
  for (Running* running : running_) running->marked = true;
}

ScoreboardCacheStats ScoreboardCache::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace baton::rating
