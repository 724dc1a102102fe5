#include "services/rating/rollup_writer.h"

#include <algorithm>

#include "common/status/status_macros.h"

namespace baton::rating {

void RollupWriter::Add(const RollupOwner& owner, DayNumber day, uint32_t slot, int64_t delta) {
  deltas_[RollupKey(owner, day)].Add(slot, delta);
  // A handful of owners per event: a linear search beats a set.
  if (marks_ != nullptr && std::find(owners_.begin(), owners_.end(), owner) == owners_.end()) {
    owners_.push_back(owner);
  }
}

void RollupWriter::Add(std::span<const RollupOwner> owners, DayNumber day, uint32_t slot,
                       int64_t delta) {
  for (const RollupOwner& owner : owners) Add(owner, day, slot, delta);
}

void RollupWriter::EndEvent() {
  if (marks_ != nullptr && !owners_.empty()) marks_->Note(owners_, change_);
  owners_.clear();
  change_ = Change::kDecision;
}

absl::Status RollupWriter::Flush(storage::Transaction& tx) {
  for (const auto& [key, delta] : deltas_) {
    if (delta.empty()) continue;
    ASSIGN_OR_RETURN(std::string operand, delta.Encode());
    tx.Merge(cf_, key, operand);
  }
  deltas_.clear();
  return absl::OkStatus();
}

void RollupWriter::Clear() {
  deltas_.clear();
  owners_.clear();
  change_ = Change::kDecision;
}

}  // namespace baton::rating
