#ifndef BATON_COMMON_STATUS_ROCKSDB_STATUS_H_
#define BATON_COMMON_STATUS_ROCKSDB_STATUS_H_

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace baton {

// rocksdb::Status → absl::Status. Corruption → DATA_LOSS; Busy, TryAgain,
// TimedOut → UNAVAILABLE; NotFound → NOT_FOUND; InvalidArgument and
// NotSupported → INVALID_ARGUMENT / UNIMPLEMENTED; Incomplete and Aborted →
// ABORTED; IOError (disk full included: RESOURCE_EXHAUSTED) → INTERNAL;
// ShutdownInProgress → UNAVAILABLE. The message keeps RocksDB's text.
absl::Status FromRocksDb(const rocksdb::Status& status);

}  // namespace baton

#endif  // BATON_COMMON_STATUS_ROCKSDB_STATUS_H_
