#include "services/rating/rollup_writer.h"

#include <vector>

#include "common/status/status_macros.h"

namespace baton::rating {

void RollupWriter::Add(const RollupOwner& owner, DayNumber day, uint32_t slot, int64_t delta) {
  deltas_[RollupKey(owner, day)].Add(slot, delta);
}

void RollupWriter::Add(std::span<const RollupOwner> owners, DayNumber day, uint32_t slot,
                       int64_t delta) {
  for (const RollupOwner& owner : owners) Add(owner, day, slot, delta);
}

absl::Status RollupWriter::Flush(storage::Transaction& tx) {
  std::vector<RollupOwner> owners;
  for (const auto& [key, delta] : deltas_) {
    if (delta.empty()) continue;
    ASSIGN_OR_RETURN(std::string operand, delta.Encode());
    tx.Merge(cf_, key, operand);
    if (marks_ != nullptr) {
      ASSIGN_OR_RETURN(auto owner_day, ParseRollupKey(key));  // our own key: always parses
      owners.push_back(std::move(owner_day.first));
    }
  }
  deltas_.clear();
  if (marks_ != nullptr) marks_->Note(owners);
  return absl::OkStatus();
}

}  // namespace baton::rating
