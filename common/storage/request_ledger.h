#ifndef BATON_COMMON_STORAGE_REQUEST_LEDGER_H_
#define BATON_COMMON_STORAGE_REQUEST_LEDGER_H_

#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/storage/commit_queue.h"
#include "google/protobuf/message.h"

namespace baton::storage {

// Makes mutations idempotent by client request id. For each (caller, method,
// request_id) it keeps a fingerprint of the request and the response that
// answered it, written in the same batch as the change itself, so a retry
// either finds both or neither — even across a crash.
// A retry with the same id returns the stored response and changes nothing;
// the same id with a different request is INVALID_ARGUMENT. Failed calls are
// not recorded: they changed nothing, so a retry decides afresh.
// Request ids are scoped by caller: another caller reusing an id (by chance,
// or by copying a request it saw) never receives the first caller's answer;
// its call runs, with its own permission checks, as a new request.
// Each record also keeps the time it was written (Transaction::now()), so
// that old records can be dropped after a retention period (a TTL).
//
// Value encoding (on disk; both are read, only the second is written):
//   v1  fingerprint (32 bytes: SHA-256) | response
//   v2  "\xFFLEDGER\x02" (8 bytes) | recorded at: µs since the Unix epoch,
//       int64 two's complement, big-endian (8 bytes) | fingerprint (32 bytes) | response
// A v1 value starts with a SHA-256 digest, which begins with the v2 magic
// with probability 2^-64, and no one can choose a request whose digest
// does: the magic tells the two apart.
class RequestLedger {
 public:
  // One stored record, decoded.
  struct Record {
    std::string fingerprint;  // SHA-256 of the request, 32 bytes
    std::string response;     // the serialised response
    // When it was written; nullopt for records written before times were
    // kept (v1).
    std::optional<absl::Time> recorded;
  };

  explicit RequestLedger(rocksdb::ColumnFamilyHandle* cf) : cf_(cf) {}

  // Runs `body` unless `request_id` was already answered for `caller` and
  // `method`, in which case `response` is filled from the ledger. An empty
  // request_id always runs `body`. `caller` is any stable identity of who
  // calls (the principal and the team it acts for). Call inside a Mutation.
  absl::Status Run(Transaction& tx, absl::string_view caller, absl::string_view method,
                   absl::string_view request_id, const google::protobuf::Message& request,
                   google::protobuf::Message* response,
                   absl::FunctionRef<absl::Status()> body) const;

  // Encodes a record as Run writes it (v2), and decodes either version.
  // Decode: DATA_LOSS when `value` is too short to be a record.
  static std::string Encode(absl::Time recorded, absl::string_view fingerprint,
                            absl::string_view response);
  static absl::StatusOr<Record> Decode(absl::string_view value);

 private:
  rocksdb::ColumnFamilyHandle* cf_;
};

}  // namespace baton::storage

#endif  // BATON_COMMON_STORAGE_REQUEST_LEDGER_H_
