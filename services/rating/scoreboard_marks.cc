#include "services/rating/scoreboard_marks.h"

#include <utility>

namespace baton::rating {

void ScoreboardMarks::Note(std::span<const RollupOwner> owners) {
  absl::MutexLock lock(&mu_);
  for (const RollupOwner& owner : owners) {
    if (owner.scope == Scope::kDepartment) marks_.departments.insert(owner.id);
    if (owner.scope == Scope::kSupplierTeam) marks_.teams.insert(owner.id);
  }
}

void ScoreboardMarks::NoteDepartment(const std::string& department) {
  absl::MutexLock lock(&mu_);
  marks_.departments.insert(department);
}

ChangeMarks ScoreboardMarks::Take() {
  absl::MutexLock lock(&mu_);
  return std::exchange(marks_, ChangeMarks());
}

}  // namespace baton::rating
