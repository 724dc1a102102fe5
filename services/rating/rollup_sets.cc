#include "services/rating/rollup_sets.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/time/proto_time.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"

namespace baton::rating {

absl::Status RefuseWhileRebuilding(const v1::StoredRollupSets& sets, absl::string_view what_now) {
  if (!sets.rebuilding()) return absl::OkStatus();
  return FailedPrecondition(
      "REBUILD_RUNNING",
      absl::StrCat("a rebuild of the rollups is running since ",
                   absl::FormatTime(FromProto(sets.rebuild_start_time())), "; ", what_now));
}
namespace {

// DATA_LOSS unless `sets` names a set.
absl::StatusOr<v1::StoredRollupSets> Checked(v1::StoredRollupSets sets) {
  if (sets.active_set() >= kRollupSets) {
    return absl::DataLossError(
        absl::StrCat("rating.admin: the active rollup set is ", sets.active_set(), ", not 0 or 1"));
  }
  return sets;
}

}  // namespace

absl::StatusOr<v1::StoredRollupSets> LoadRollupSets(storage::Transaction& tx,
                                                    rocksdb::ColumnFamilyHandle* admin) {
  v1::StoredRollupSets sets;
  RETURN_IF_ERROR(tx.GetProto(admin, RollupSetsKey(), &sets).status());
  return Checked(std::move(sets));
}

void StoreRollupSets(storage::Transaction& tx, rocksdb::ColumnFamilyHandle* admin,
                     const v1::StoredRollupSets& sets) {
  tx.PutProto(admin, RollupSetsKey(), sets);
}

absl::Status ClearSet(rocksdb::DB* db, const RatingCfs& cfs) {
  rocksdb::WriteBatch batch;
  for (rocksdb::ColumnFamilyHandle* cf : cfs.all()) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
    it->SeekToFirst();
    if (!it->Valid()) {
      RETURN_IF_ERROR(FromRocksDb(it->status()));
      continue;  // empty already
    }
    const std::string first = it->key().ToString();
    it->SeekToLast();
    RETURN_IF_ERROR(FromRocksDb(it->status()));
    // [first, last + "\0"): every key there is, the last included.
    std::string end = it->key().ToString();
    end.push_back('\0');
    RETURN_IF_ERROR(FromRocksDb(batch.DeleteRange(cf, first, end)));
  }
  if (batch.Count() == 0) return absl::OkStatus();
  rocksdb::WriteOptions options;
  options.sync = true;
  return FromRocksDb(db->Write(options, &batch));
}

RollupSets::RollupSets(const storage::Store& store)
    : db_(store.db()),
      admin_(store.cf(kAdminCf)),
      sets_{RatingCfs::OfSet(store, 0), RatingCfs::OfSet(store, 1)} {}

absl::StatusOr<v1::StoredRollupSets> RollupSets::Read(const rocksdb::ReadOptions& options) const {
  std::string bytes;
  const rocksdb::Status s = db_->Get(options, admin_, RollupSetsKey(), &bytes);
  v1::StoredRollupSets sets;
  if (s.IsNotFound()) return sets;
  RETURN_IF_ERROR(FromRocksDb(s));
  if (!sets.ParseFromString(bytes)) {
    return absl::DataLossError("rating.admin: the rollup sets record does not parse");
  }
  return Checked(std::move(sets));
}

absl::StatusOr<RatingCfs> RollupSets::ActiveAt(const rocksdb::ReadOptions& options) const {
  ASSIGN_OR_RETURN(const v1::StoredRollupSets sets, Read(options));
  return sets_[sets.active_set()];
}

}  // namespace baton::rating
