#include "services/rating/rating_keys.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/storage/counters_merge.h"
#include "common/storage/key_codec.h"

namespace baton::rating {
namespace {
constexpr uint8_t kTeamTag = 1;
constexpr uint8_t kChainTag = 2;
constexpr uint8_t kDepartmentTeamTag = 3;
// rating.admin
constexpr uint8_t kRulesTag = 1;
constexpr uint8_t kRollupSetsTag = 2;
constexpr uint8_t kNewestRulesTag = 3;

constexpr const char* kDerivedCfs[] = {kHandoffsCf, kItemsCf, kOrgCf, kRollupsCf, kCheckpointsCf};
}  // namespace

std::string SetCfName(absl::string_view name, int set) {
  if (set == 0) return std::string(name);
  return absl::StrCat(kSetBPrefix, absl::StripPrefix(name, "rating."));
}

std::vector<std::string> RatingColumnFamilies() {
  std::vector<std::string> names;
  for (int set = 0; set < kRollupSets; ++set) {
    for (const char* name : kDerivedCfs) names.push_back(SetCfName(name, set));
  }
  names.push_back(kAdminCf);
  names.push_back(kRequestsCf);
  return names;
}

storage::StoreOptions RatingStoreOptions(std::string path) {
  storage::StoreOptions options;
  options.path = std::move(path);
  options.column_families = RatingColumnFamilies();
  for (int set = 0; set < kRollupSets; ++set) {
    options.merge_operators[SetCfName(kRollupsCf, set)] = storage::NewCountersMergeOperator();
  }
  return options;
}

RatingCfs RatingCfs::Of(const storage::Store& store) { return OfSet(store, 0); }

RatingCfs RatingCfs::OfSet(const storage::Store& store, int set) {
  return RatingCfs{.handoffs = store.cf(SetCfName(kHandoffsCf, set)),
                   .items = store.cf(SetCfName(kItemsCf, set)),
                   .org = store.cf(SetCfName(kOrgCf, set)),
                   .rollups = store.cf(SetCfName(kRollupsCf, set)),
                   .checkpoints = store.cf(SetCfName(kCheckpointsCf, set))};
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
std::string RulesKeyPrefix() { return storage::KeyWriter().Byte(kRulesTag).Take(); }
std::string RulesKey(absl::string_view chain_id, int version) {
  return storage::KeyWriter()
      .Byte(kRulesTag)
      .Str(chain_id)
      .U32(static_cast<uint32_t>(version))
      .Take();
}
std::string RollupSetsKey() { return storage::KeyWriter().Byte(kRollupSetsTag).Take(); }
std::string NewestRulesVersionKey() { return storage::KeyWriter().Byte(kNewestRulesTag).Take(); }

}  // namespace baton::rating
