#include "common/status/rocksdb_status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace baton {

absl::Status FromRocksDb(const rocksdb::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat("storage: ", status.ToString());
  using Code = rocksdb::Status::Code;
  switch (status.code()) {
    case Code::kNotFound:
      return absl::NotFoundError(message);
    case Code::kCorruption:
      return absl::DataLossError(message);
    case Code::kNotSupported:
      return absl::UnimplementedError(message);
    case Code::kInvalidArgument:
      return absl::InvalidArgumentError(message);
    case Code::kIOError:
      if (status.subcode() == rocksdb::Status::kNoSpace) {
        return absl::ResourceExhaustedError(message);
      }
      return absl::InternalError(message);
    case Code::kMergeInProgress:
    case Code::kIncomplete:
    case Code::kAborted:
      return absl::AbortedError(message);
    case Code::kShutdownInProgress:
    case Code::kTimedOut:
    case Code::kBusy:
    case Code::kTryAgain:
      return absl::UnavailableError(message);
    case Code::kColumnFamilyDropped:
      return absl::FailedPreconditionError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace baton
