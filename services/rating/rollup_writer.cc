#include "services/rating/rollup_writer.h"

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
  for (const auto& [key, delta] : deltas_) {
    if (delta.empty()) continue;
    ASSIGN_OR_RETURN(std::string operand, delta.Encode());
    tx.Merge(cf_, key, operand);
  }
  deltas_.clear();
  return absl::OkStatus();
}

}  // namespace baton::rating
