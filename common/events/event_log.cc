#include "common/events/event_log.h"

#include "common/status/rocksdb_status.h"
#include "common/storage/key_codec.h"

namespace baton::events {

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(storage::Store* store,
                                                         absl::string_view cf_name) {
  rocksdb::ColumnFamilyHandle* cf = store->cf(cf_name);
  std::unique_ptr<rocksdb::Iterator> it(store->db()->NewIterator(rocksdb::ReadOptions(), cf));
  it->SeekToLast();
  uint64_t last = 0;
  if (it->Valid()) {
    storage::KeyReader reader(absl::string_view(it->key().data(), it->key().size()));
    if (!reader.U64(&last) || !reader.done()) {
      return absl::DataLossError("event log " + std::string(cf_name) + " holds a malformed key");
    }
  }
  if (!it->status().ok()) return FromRocksDb(it->status());
  return std::unique_ptr<EventLog>(new EventLog(store, cf, last));
}

EventLog::EventLog(storage::Store* store, rocksdb::ColumnFamilyHandle* cf, uint64_t last)
    : store_(store), writer_(cf, last) {
  writer_.set_on_commit([this](uint64_t sequence) { OnCommit(sequence); });
}

absl::Status EventLog::Read(uint64_t after, size_t max, std::vector<Entry>* out) const {
  if (after >= last_sequence()) return absl::OkStatus();
  rocksdb::ReadOptions options;
  // Never read past the last durable event: a later key may be mid-commit.
  const std::string upper = storage::AppendLog::Key(last_sequence() + 1);
  rocksdb::Slice upper_slice(upper);
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(options, writer_.cf()));
  for (it->Seek(storage::AppendLog::Key(after + 1)); it->Valid() && max > 0; it->Next(), --max) {
    uint64_t sequence = 0;
    storage::KeyReader reader(absl::string_view(it->key().data(), it->key().size()));
    if (!reader.U64(&sequence)) return absl::DataLossError("event log holds a malformed key");
    out->push_back({sequence, it->value().ToString()});
  }
  return FromRocksDb(it->status());
}

uint64_t EventLog::WaitBeyond(uint64_t after, absl::AnyInvocable<void()> wake) {
  absl::MutexLock lock(&mu_);
  // Checked under mu_, which OnCommit also takes after advancing the
  // sequence: a commit either is seen here or wakes this wait.
  if (closed_ || last_sequence() > after) return 0;
  const uint64_t id = next_wait_id_++;
  waits_.emplace(id, Wait{after, std::move(wake)});
  return id;
}

bool EventLog::CancelWait(uint64_t id) {
  absl::MutexLock lock(&mu_);
  return waits_.erase(id) > 0;
}

void EventLog::OnCommit(uint64_t last) {
  std::vector<absl::AnyInvocable<void()>> ready;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = waits_.begin(); it != waits_.end();) {
      if (it->second.after < last) {
        ready.push_back(std::move(it->second.wake));
        it = waits_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& wake : ready) wake();
}

void EventLog::Close() {
  std::vector<absl::AnyInvocable<void()>> ready;
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    for (auto& [id, wait] : waits_) ready.push_back(std::move(wait.wake));
    waits_.clear();
  }
  for (auto& wake : ready) wake();
}

bool EventLog::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

}  // namespace baton::events
