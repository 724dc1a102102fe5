#ifndef BATON_COMMON_STORAGE_REQUEST_LEDGER_H_
#define BATON_COMMON_STORAGE_REQUEST_LEDGER_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
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
class RequestLedger {
 public:
  explicit RequestLedger(rocksdb::ColumnFamilyHandle* cf) : cf_(cf) {}

  // Runs `body` unless `request_id` was already answered for `caller` and
  // `method`, in which case `response` is filled from the ledger. An empty
  // request_id always runs `body`. `caller` is any stable identity of who
  // calls (the principal and the team it acts for). Call inside a Mutation.
  absl::Status Run(Transaction& tx, absl::string_view caller, absl::string_view method,
                   absl::string_view request_id, const google::protobuf::Message& request,
                   google::protobuf::Message* response,
                   absl::FunctionRef<absl::Status()> body) const;

 private:
  rocksdb::ColumnFamilyHandle* cf_;
};

}  // namespace baton::storage

#endif  // BATON_COMMON_STORAGE_REQUEST_LEDGER_H_
