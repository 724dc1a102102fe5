#ifndef BATON_SERVICES_RATING_ROLLUP_SETS_H_
#define BATON_SERVICES_RATING_ROLLUP_SETS_H_

// The two sets of the rating service's derived column families
// (rating_keys.h: set 0 "rating.handoffs", …; set 1 "rating.b.handoffs",
// …) and the record in rating.admin that says which one is ACTIVE — the
// one reads and the live consumers use — and whether a rebuild into the
// other runs (baton.rating.v1.StoredRollupSets; rebuild.h drives it).
//
// A reader finds the active set in the same snapshot it reads the figures
// through (ActiveAt), so the set and the figures always belong together:
// a snapshot taken before a switch reads the old set as it was (and a
// later clearing of it does not reach into the snapshot), one taken after
// reads the new set, which the switch only made active once it held every
// event the old one did.
//
// Thread-safe: immutable after construction.

#include "absl/status/statusor.h"
#include "baton/rating/v1/stored.pb.h"
#include "common/storage/commit_queue.h"
#include "common/storage/store.h"
#include "services/rating/rating_keys.h"

namespace baton::rating {

// The record in `tx`; the default (set 0, no rebuild) when absent.
// DATA_LOSS when it does not parse.
absl::StatusOr<v1::StoredRollupSets> LoadRollupSets(storage::Transaction& tx,
                                                    rocksdb::ColumnFamilyHandle* admin);
void StoreRollupSets(storage::Transaction& tx, rocksdb::ColumnFamilyHandle* admin,
                     const v1::StoredRollupSets& sets);

// FAILED_PRECONDITION REBUILD_RUNNING when `sets` says a rebuild runs
// ("a rebuild of the rollups is running since …; " then `what_now`), else
// OK: what RebuildRollups and SetScoringRules answer meanwhile.
absl::Status RefuseWhileRebuilding(const v1::StoredRollupSets& sets, absl::string_view what_now);

// The set that is not `set` (0 ↔ 1).
inline int OtherSet(int set) { return 1 - set; }

// Empties every column family of `cfs` with one synced write of range
// deletions (atomic: all or nothing). Not through the CommitQueue: its
// batch (a WriteBatchWithIndex) cannot hold a range deletion (RocksDB
// answers NotSupported), and deleting key by key would cost a tombstone
// per key. Safe only while nothing reads or writes the set (the inactive
// one, before its rebuild consumers start). RocksDB's error otherwise.
absl::Status ClearSet(rocksdb::DB* db, const RatingCfs& cfs);

class RollupSets {
 public:
  // `store` opened with RatingColumnFamilies(); must outlive this.
  explicit RollupSets(const storage::Store& store);

  rocksdb::ColumnFamilyHandle* admin() const { return admin_; }
  const RatingCfs& set(int set) const { return sets_[set]; }

  // The record as `options` (e.g. a durable snapshot) reads it; DATA_LOSS
  // when it does not parse or names no set; RocksDB's errors.
  absl::StatusOr<v1::StoredRollupSets> Read(const rocksdb::ReadOptions& options) const;
  // The active set's handles as `options` reads the record.
  absl::StatusOr<RatingCfs> ActiveAt(const rocksdb::ReadOptions& options) const;

 private:
  rocksdb::DB* const db_;
  rocksdb::ColumnFamilyHandle* const admin_;
  const RatingCfs sets_[kRollupSets];
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_ROLLUP_SETS_H_
