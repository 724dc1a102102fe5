#ifndef BATON_SERVICES_RATING_RATING_KEYS_H_
#define BATON_SERVICES_RATING_RATING_KEYS_H_

// The rating service's column families and the keys of its own records
// (the rollup keys are in rollup_layout.h). Keys are storage/key_codec.h
// encodings of ids (never resource names), so they sort by id.
//
//   rating.handoffs     Str(handoff id)  → baton.rating.v1.StoredHandoff
//   rating.items        Str(item id)     → baton.rating.v1.StoredItem
//   rating.org          Byte(1) Str(team id)  → the team's department id
//                       Byte(2) Str(chain id) → baton.rating.v1.StoredChain
//                       Byte(3) Str(department id) Str(team id) → the team's
//                         display name (a department's teams are one
//                         prefix scan: the scoreboard's rows)
//   rating.rollups      rollup_layout.h keys → counters (merge operator
//                       "baton.counters.v1": only ever Merged on the write path)
//   rating.checkpoints  Str(source name)  → baton.common.v1.EventPosition

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/storage/store.h"

namespace baton::rating {

inline constexpr char kHandoffsCf[] = "rating.handoffs";
inline constexpr char kItemsCf[] = "rating.items";
inline constexpr char kOrgCf[] = "rating.org";
inline constexpr char kRollupsCf[] = "rating.rollups";
inline constexpr char kCheckpointsCf[] = "rating.checkpoints";

// Every column family above, for StoreOptions::column_families.
std::vector<std::string> RatingColumnFamilies();
// StoreOptions for the rating service at `path`: its column families and
// the counters merge operator on kRollupsCf. Other fields default.
storage::StoreOptions RatingStoreOptions(std::string path);

// The open handles of the column families above (owned by the Store).
struct RatingCfs {
  rocksdb::ColumnFamilyHandle* handoffs = nullptr;
  rocksdb::ColumnFamilyHandle* items = nullptr;
  rocksdb::ColumnFamilyHandle* org = nullptr;
  rocksdb::ColumnFamilyHandle* rollups = nullptr;
  rocksdb::ColumnFamilyHandle* checkpoints = nullptr;

  // The handles of `store`, which must have been opened with
  // RatingColumnFamilies() (Store::cf aborts otherwise).
  static RatingCfs Of(const storage::Store& store);
};

std::string HandoffRecordKey(absl::string_view handoff_id);
std::string ItemRecordKey(absl::string_view item_id);
std::string TeamDepartmentKey(absl::string_view team_id);
std::string ChainStagesKey(absl::string_view chain_id);
std::string DepartmentTeamKey(absl::string_view department_id, absl::string_view team_id);
// The prefix of every DepartmentTeamKey of `department_id`.
std::string DepartmentTeamsPrefix(absl::string_view department_id);
std::string CheckpointRecordKey(absl::string_view source);

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_RATING_KEYS_H_
