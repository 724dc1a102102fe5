#ifndef BATON_COMMON_API_MUTATION_H_
#define BATON_COMMON_API_MUTATION_H_

// How every Baton service runs a mutation (AIP-155 request ids): on the
// commit queue, idempotent by the client's request_id (scoped to the
// caller), and not at all once the caller's deadline has passed.

#include <string>

#include "absl/functional/any_invocable.h"
#include "baton/common/v1/common.pb.h"
#include "common/auth/caller.h"
#include "common/storage/commit_queue.h"
#include "common/storage/request_ledger.h"
#include "google/protobuf/message.h"

namespace baton::api {

// The actor of a change made by `caller`: its subject and the team it acts for.
common::v1::Actor ActorOf(const auth::Caller& caller);

// The ledger scope of `caller`'s request ids: the principal and the team it
// acts for (see storage::RequestLedger).
std::string RequestScope(const auth::Caller& caller);

class Mutations {
 public:
  // `queue` outlives this; `ledger` is the service's request ledger column family.
  Mutations(storage::CommitQueue* queue, rocksdb::ColumnFamilyHandle* ledger)
      : queue_(queue), ledger_(ledger) {}

  // Runs `body` on the committer as `method`'s mutation for `caller`:
  // DEADLINE_EXCEEDED (nothing changed) when the caller's deadline passed
  // before its turn; a request_id seen before for this caller and method
  // answers from the ledger and changes nothing. `request` must have a
  // string field `request_id`; `request` and `response` must outlive `done`.
  // `done` gets the outcome once durable (storage::CommitQueue::Submit).
  void Submit(const char* method, const auth::Caller& caller,
              const google::protobuf::Message& request, google::protobuf::Message* response,
              storage::Done done, absl::AnyInvocable<absl::Status(storage::Transaction&)> body,
              storage::Admission admission = storage::Admission::kNew) const;

 private:
  storage::CommitQueue* const queue_;
  const storage::RequestLedger ledger_;
};

}  // namespace baton::api

#endif  // BATON_COMMON_API_MUTATION_H_
