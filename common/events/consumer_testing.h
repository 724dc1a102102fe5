#ifndef BATON_COMMON_EVENTS_CONSUMER_TESTING_H_
#define BATON_COMMON_EVENTS_CONSUMER_TESTING_H_

// Test helpers for event consumers (tests only): a sink that counts, in
// RocksDB and in the consumer's transaction, how often each sequence number
// was applied — so a double count or a loss across crashes shows as a
// count other than 1.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "baton/common/v1/events.pb.h"
#include "common/events/event_log.h"
#include "common/events/event_sink.h"
#include "common/status/status_macros.h"
#include "common/storage/commit_queue.h"
#include "common/storage/key_codec.h"
#include "common/storage/store.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"

namespace baton::events::testing {

class CountingSink final : public EventSink {
 public:
  explicit CountingSink(rocksdb::ColumnFamilyHandle* cf) : cf_(cf) {}

  absl::Status Apply(storage::Transaction& tx, const ConsumedEvent& event) override {
    {
      absl::MutexLock lock(&mu_);
      if (event.sequence == fail_at_) return fail_with_;
    }
    // The bytes are the service's Event with its sequence number set,
    // whichever source delivered them.
    common::v1::EventHeader header;
    if (!header.ParseFromString(event.bytes) || header.sequence() != event.sequence) {
      return absl::DataLossError(
          absl::StrCat("bytes of event ", event.sequence, " say ", header.sequence()));
    }
    const std::string key = storage::KeyWriter().U64(event.sequence).Take();
    ASSIGN_OR_RETURN(std::optional<std::string> count, tx.Get(cf_, key));
    const int next = count.has_value() ? std::stoi(*count) + 1 : 1;
    tx.Put(cf_, key, std::to_string(next));
    absl::MutexLock lock(&mu_);
    last_bytes_ = event.bytes;
    return absl::OkStatus();
  }

  // Apply fails with `status` for event `sequence` (0: never).
  void FailAt(uint64_t sequence, absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_at_ = sequence;
    fail_with_ = std::move(status);
  }

  std::string last_bytes() const {
    absl::MutexLock lock(&mu_);
    return last_bytes_;
  }

  // Every count stored, by sequence number.
  static std::map<uint64_t, int> Counts(storage::Store& store, rocksdb::ColumnFamilyHandle* cf) {
    std::map<uint64_t, int> counts;
    std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator(rocksdb::ReadOptions(), cf));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      uint64_t sequence = 0;
      storage::KeyReader reader(absl::string_view(it->key().data(), it->key().size()));
      if (!reader.U64(&sequence)) continue;
      counts[sequence] = std::stoi(it->value().ToString());
    }
    return counts;
  }

 private:
  rocksdb::ColumnFamilyHandle* const cf_;
  mutable absl::Mutex mu_;
  uint64_t fail_at_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status fail_with_ ABSL_GUARDED_BY(mu_);
  std::string last_bytes_ ABSL_GUARDED_BY(mu_);
};

// A source's event log in its own store (as another service's would be),
// with its commit queue, under `path`.
class SourceLog {
 public:
  static constexpr char kCf[] = "source.events";

  static absl::StatusOr<std::unique_ptr<SourceLog>> Open(const std::string& path,
                                                         const Clock* clock) {
    auto log = std::unique_ptr<SourceLog>(new SourceLog());
    ASSIGN_OR_RETURN(log->store_, storage::Store::Open({.path = path, .column_families = {kCf}}));
    ASSIGN_OR_RETURN(log->log_, EventLog::Open(log->store_.get(), kCf));
    log->queue_ = std::make_unique<storage::CommitQueue>(log->store_.get(), clock);
    return log;
  }

  EventLog& log() { return *log_; }

  // Appends `n` events (headers only, at the queue clock's time) in one
  // mutation.
  absl::Status Append(int n) {
    return queue_->Run([&](storage::Transaction& tx) {
      for (int i = 0; i < n; ++i) {
        common::v1::EventHeader header;
        *header.mutable_time() = ToProto(tx.now());
        tx.Append(log_->writer(), header.SerializeAsString());
      }
      return absl::OkStatus();
    });
  }
  // Appends `value` as it is (e.g. bytes that do not parse).
  absl::Status AppendRaw(std::string value) {
    return queue_->Run([&](storage::Transaction& tx) {
      tx.Append(log_->writer(), std::move(value));
      return absl::OkStatus();
    });
  }

 private:
  SourceLog() = default;
  // Destroyed queue first, then log, then store.
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<storage::CommitQueue> queue_;
};

// {1: 1, 2: 1, …, n: 1}: every event applied exactly once.
inline std::map<uint64_t, int> OncePerEvent(uint64_t n) {
  std::map<uint64_t, int> counts;
  for (uint64_t i = 1; i <= n; ++i) counts[i] = 1;
  return counts;
}

}  // namespace baton::events::testing

#endif  // BATON_COMMON_EVENTS_CONSUMER_TESTING_H_
