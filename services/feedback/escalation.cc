// Escalation: threads that pass their respond_by unacknowledged are marked
// escalated, and their department's head hears of it (the
// feedback_escalated event; WatchFeedback on the department). Driven by a
// DueTimer (feedback_module.cc) over NextEscalation and MarkEscalated.

#include <memory>
#include <utility>

#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/feedback/feedback_store.h"
#include "services/feedback/keys.h"
#include "services/feedback/thread_rules.h"

namespace baton::feedback {

void FeedbackStore::MarkEscalated(size_t limit, int* marked, Done done) {
  Caller system;
  system.principal.subject = "baton-escalation-timer";
  // A mutation with no request id: the ledger keeps nothing and never
  // touches the response, which only has to outlive `done`.
  auto unused = std::make_shared<v1::AcknowledgeFeedbackResponse>();
  Submit(
      "MarkEscalated", system, v1::AcknowledgeFeedbackRequest::default_instance(), unused.get(),
      [unused, done = std::move(done)](absl::Status status) mutable { done(std::move(status)); },
      [this, limit, marked](storage::Transaction& tx) -> absl::Status {
        // The escalation index as written to the database (a thread whose
        // group is still being written is seen on the next tick); each
        // thread is re-read through the transaction, so one acknowledged
        // or closed since is skipped.
        rocksdb::ReadOptions options;
        const std::string prefix = keys::EscalationPrefix();
        const std::string end = keys::Escalation(tx.now() + absl::Microseconds(1), "");
        rocksdb::Slice upper(end);
        options.iterate_upper_bound = &upper;
        std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(options, index_));
        int count = 0;
        size_t examined = 0;
        for (it->Seek(prefix); it->Valid() && examined < limit; it->Next(), ++examined) {
          absl::Time respond_by;
          std::string id;
          if (!keys::ParseEscalation({it->key().data(), it->key().size()}, &respond_by, &id)) {
            return absl::DataLossError("escalation index holds a malformed key");
          }
          tx.Delete(index_, {it->key().data(), it->key().size()});
          v1::Feedback thread;
          ASSIGN_OR_RETURN(bool found, tx.GetProto(threads_, keys::Id(id), &thread));
          // A key left behind by a reopening (a new respond_by) is stale.
          if (!found || !AwaitsAcknowledgement(thread) ||
              FromProto(thread.respond_by()) > tx.now()) {
            continue;
          }
          thread.set_escalated(true);
          *thread.mutable_escalate_time() = ToProto(tx.now());
          *thread.mutable_update_time() = ToProto(tx.now());
          tx.PutProto(threads_, keys::Id(id), thread);
          AppendEvent(tx, nullptr,
                      [&](v1::Event& e) { *e.mutable_feedback_escalated() = WithoutText(thread); });
          ++count;
        }
        if (marked != nullptr) *marked = count;
        return FromRocksDb(it->status());
      },
      storage::Admission::kDrains);
}

absl::StatusOr<std::optional<absl::Time>> FeedbackStore::NextEscalation() const {
  const std::string prefix = keys::EscalationPrefix();
  std::shared_ptr<const rocksdb::Snapshot> pin;
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(store_->DurableReads(&pin), index_));
  it->Seek(prefix);
  if (!it->Valid() || !it->key().starts_with(prefix)) {
    RETURN_IF_ERROR(FromRocksDb(it->status()));
    return std::nullopt;
  }
  absl::Time respond_by;
  std::string id;
  if (!keys::ParseEscalation({it->key().data(), it->key().size()}, &respond_by, &id)) {
    return absl::DataLossError("escalation index holds a malformed key");
  }
  return respond_by;
}

}  // namespace baton::feedback
