#include "services/rating/scoreboard_marks.h"

#include <utility>

namespace baton::rating {

void ChangeMarks::Merge(ChangeMarks other) {
  departments.merge(other.departments);
  teams.merge(other.teams);
  decided_departments.merge(other.decided_departments);
  decided_teams.merge(other.decided_teams);
}

void ScoreboardMarks::Note(std::span<const RollupOwner> owners, Change change) {
  absl::MutexLock lock(&mu_);
  const bool decided = change == Change::kDecision;
  for (const RollupOwner& owner : owners) {
    if (owner.scope == Scope::kDepartment) {
      marks_.departments.insert(owner.id);
      if (decided) marks_.decided_departments.insert(owner.id);
    }
    if (owner.scope == Scope::kSupplierTeam) {
      marks_.teams.insert(owner.id);
      if (decided) marks_.decided_teams.insert(owner.id);
    }
  }
}

void ScoreboardMarks::NoteDepartment(const std::string& department) {
  absl::MutexLock lock(&mu_);
  marks_.departments.insert(department);
  marks_.decided_departments.insert(department);
}

ChangeMarks ScoreboardMarks::Take() {
  absl::MutexLock lock(&mu_);
  return std::exchange(marks_, ChangeMarks());
}

}  // namespace baton::rating
