#include "services/rating/rating_keys.h"

#include "common/storage/counters_merge.h"
#include "common/storage/key_codec.h"

namespace baton::rating {
namespace {
constexpr uint8_t kTeamTag = 1;
constexpr uint8_t kChainTag = 2;
constexpr uint8_t kDepartmentTeamTag = 3;
}  // namespace

std::vector<std::string> RatingColumnFamilies() {
  return {kHandoffsCf, kItemsCf, kOrgCf, kRollupsCf, kCheckpointsCf};
}

storage::StoreOptions RatingStoreOptions(std::string path) {
  storage::StoreOptions options;
  options.path = std::move(path);
  options.column_families = RatingColumnFamilies();
  options.merge_operators[kRollupsCf] = storage::NewCountersMergeOperator();
  return options;
}

RatingCfs RatingCfs::Of(const storage::Store& store) {
  return RatingCfs{.handoffs = store.cf(kHandoffsCf),
                   .items = store.cf(kItemsCf),
                   .org = store.cf(kOrgCf),
                   .rollups = store.cf(kRollupsCf),
                   .checkpoints = store.cf(kCheckpointsCf)};
}

std::string HandoffRecordKey(absl::string_view handoff_id) {
  return storage::KeyWriter().Str(handoff_id).Take();
}
std::string ItemRecordKey(absl::string_view item_id) {
  return storage::KeyWriter().Str(item_id).Take();
}
std::string TeamDepartmentKey(absl::string_view team_id) {
  return storage::KeyWriter().Byte(kTeamTag).Str(team_id).Take();
}
std::string ChainStagesKey(absl::string_view chain_id) {
  return storage::KeyWriter().Byte(kChainTag).Str(chain_id).Take();
}
std::string DepartmentTeamKey(absl::string_view department_id, absl::string_view team_id) {
  return storage::KeyWriter().Byte(kDepartmentTeamTag).Str(department_id).Str(team_id).Take();
}
std::string DepartmentTeamsPrefix(absl::string_view department_id) {
  return storage::KeyWriter().Byte(kDepartmentTeamTag).Str(department_id).Take();
}
std::string CheckpointRecordKey(absl::string_view source) {
  return storage::KeyWriter().Str(source).Take();
}

}  // namespace baton::rating
