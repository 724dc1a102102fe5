#include "common/events/event_log.h"

#include <openssl/rand.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"

namespace baton::events {
namespace {

constexpr char kEpochName[] = "epoch";
constexpr size_t kEpochBytes = 16;

absl::StatusOr<std::string> NewEpoch() {
  unsigned char bytes[kEpochBytes];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("cannot draw random bytes for an event log epoch");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

bool IsEpoch(absl::string_view text) {
  if (text.size() != 2 * kEpochBytes) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string EventLog::MetadataKey(absl::string_view name) {
  return absl::StrCat(storage::AppendLog::Key(0), name);
}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(storage::Store* store,
                                                         absl::string_view cf_name,
                                                         EventLogOptions options) {
  rocksdb::ColumnFamilyHandle* cf = store->cf(cf_name);
  uint64_t last = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(store->db()->NewIterator(rocksdb::ReadOptions(), cf));
    it->SeekToLast();
    if (it->Valid()) {
      const absl::string_view key(it->key().data(), it->key().size());
      // Metadata sorts below every event: found last, the log has no events.
      const bool metadata = key.size() > 8 && absl::StartsWith(key, storage::AppendLog::Key(0));
      storage::KeyReader reader(key);
      if (!metadata && (!reader.U64(&last) || !reader.done())) {
        return absl::DataLossError("event log " + std::string(cf_name) + " holds a malformed key");
      }
    }
    if (!it->status().ok()) return FromRocksDb(it->status());
  }

  std::string epoch;
  rocksdb::Status got =
      store->db()->Get(rocksdb::ReadOptions(), cf, MetadataKey(kEpochName), &epoch);
  if (got.IsNotFound()) {
    ASSIGN_OR_RETURN(epoch, NewEpoch());
    RETURN_IF_ERROR(WriteEpoch(store, cf, epoch));
  } else if (!got.ok()) {
    return FromRocksDb(got);
  } else if (!IsEpoch(epoch)) {
    return absl::DataLossError("event log " + std::string(cf_name) + " holds a malformed epoch");
  }
  return std::unique_ptr<EventLog>(
      new EventLog(store, cf, last, std::move(epoch), std::move(options)));
}

EventLog::EventLog(storage::Store* store, rocksdb::ColumnFamilyHandle* cf, uint64_t last,
                   std::string epoch, EventLogOptions options)
    : store_(store), writer_(cf, last), options_(std::move(options)), epoch_(std::move(epoch)) {
  notifier_ = std::make_unique<LogNotifier>(LogNotifierOptions{
      .read = [this](uint64_t after, size_t max,
                     std::vector<LogEntry>* out) { return Read(after, max, out); },
      .topics = options_.topics,
      .clock = options_.clock,
      .start = last,
  });
  // On the WAL-sync thread: one store and a signal; readers are woken by
  // the notifier's thread, so a commit never waits for them.
  writer_.set_on_commit(
      [notifier = notifier_.get()](uint64_t sequence) { notifier->Publish(sequence); });
}

EventLog::~EventLog() { notifier_.reset(); }

absl::Status EventLog::WriteEpoch(storage::Store* store, rocksdb::ColumnFamilyHandle* cf,
                                  const std::string& epoch) {
  rocksdb::WriteBatch batch;
  rocksdb::Status put = batch.Put(cf, MetadataKey(kEpochName), epoch);
  if (!put.ok()) return FromRocksDb(put);
  RETURN_IF_ERROR(store->WriteNoSync(&batch));
  return store->SyncWal();
}

std::string EventLog::epoch() const {
  absl::MutexLock lock(&epoch_mu_);
  return epoch_;
}

absl::Status EventLog::RotateEpoch() {
  ASSIGN_OR_RETURN(std::string epoch, NewEpoch());
  RETURN_IF_ERROR(WriteEpoch(store_, writer_.cf(), epoch));
  absl::MutexLock lock(&epoch_mu_);
  epoch_ = std::move(epoch);
  return absl::OkStatus();
}

absl::Status EventLog::CheckResume(uint64_t after, absl::string_view epoch) const {
  const std::string current = this->epoch();
  if (!epoch.empty()) {
    if (!IsEpoch(epoch)) {
      return InvalidField("epoch", "must be the 32 lowercase hexadecimal digits a stream reported");
    }
    if (epoch != current) {
      return ErrorWithInfo(
          absl::StatusCode::kFailedPrecondition, "EPOCH_MISMATCH",
          absl::StrCat("the event log's epoch is ", current, ", not ", epoch,
                       ": the source was wiped or restored from a backup since that position "
                       "was read, so its sequence numbers name other events; rebuild from "
                       "after_sequence=0 with the new epoch"),
          {{"epoch", current}});
    }
  }
  const uint64_t last = last_sequence();
  if (after > last) {
    return ErrorWithInfo(
        absl::StatusCode::kOutOfRange, "AFTER_END_OF_LOG",
        absl::StrCat("after_sequence ", after, " is past the end of the event log (last sequence ",
                     last,
                     "); a position from another copy of this source, or from before a "
                     "restore, is not a position in this log"),
        {{"last_sequence", absl::StrCat(last)}, {"epoch", current}});
  }
  return absl::OkStatus();
}

void EventLog::TopicsOf(const Entry& entry, std::vector<std::string>* topics) const {
  if (options_.topics) options_.topics(entry, topics);
}

absl::Status EventLog::Read(uint64_t after, size_t max, std::vector<Entry>* out) const {
  const uint64_t last = last_sequence();
  if (after >= last || max == 0) return absl::OkStatus();
  rocksdb::ReadOptions options;
  // Never read past the last durable event: a later key may be mid-commit.
  const std::string upper = storage::AppendLog::Key(last + 1);
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

}  // namespace baton::events
