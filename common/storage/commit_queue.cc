#include "common/storage/commit_queue.h"

#include <pthread.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/errors.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"

namespace baton::storage {

std::string AppendLog::Key(uint64_t sequence) { return KeyWriter().U64(sequence).Take(); }

absl::StatusOr<uint64_t> AppendLog::LastOnDisk(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
  it->SeekToLast();
  uint64_t last = 0;
  if (it->Valid()) {
    KeyReader reader(absl::string_view(it->key().data(), it->key().size()));
    if (!reader.U64(&last) || !reader.done()) {
      return absl::DataLossError(
          absl::StrCat("append log ", cf->GetName(), " holds a malformed key"));
    }
  }
  if (!it->status().ok()) return FromRocksDb(it->status());
  return last;
}

AppendLog::~AppendLog() {
  if (CommitQueue* queue = queue_.load(std::memory_order_acquire)) queue->ForgetLog(this);
}

namespace {

enum class InBatch { kAbsent, kPut, kDeleted, kMerged };

// What `batch` says of `key`: its last entry for the key, or kMerged when
// any entry is a merge operand (which needs what lies beneath to resolve).
InBatch LookUp(rocksdb::WriteBatchWithIndex& batch, rocksdb::ColumnFamilyHandle* cf,
               const rocksdb::Slice& key, std::string* value) {
  std::unique_ptr<rocksdb::WBWIIterator> it(batch.NewIterator(cf));
  InBatch found = InBatch::kAbsent;
  for (it->Seek(key); it->Valid(); it->Next()) {
    const rocksdb::WriteEntry entry = it->Entry();
    if (entry.key != key) break;
    switch (entry.type) {
      case rocksdb::kPutRecord:
        found = InBatch::kPut;
        value->assign(entry.value.data(), entry.value.size());
        break;
      case rocksdb::kDeleteRecord:
      case rocksdb::kSingleDeleteRecord:
        found = InBatch::kDeleted;
        break;
      case rocksdb::kMergeRecord:
        return InBatch::kMerged;
      default:
        break;
    }
  }
  return found;
}

}  // namespace

absl::StatusOr<std::optional<std::string>> Transaction::Get(rocksdb::ColumnFamilyHandle* cf,
                                                            absl::string_view key) {
  const rocksdb::Slice k = ToSlice(key);
  std::string value;
  InBatch found = LookUp(*batch_, cf, k, &value);
  for (size_t i = 0; i < unwritten_->size() && found == InBatch::kAbsent; ++i) {
    found = LookUp(*(*unwritten_)[i], cf, k, &value);
  }
  switch (found) {
    case InBatch::kPut:
      return value;
    case InBatch::kDeleted:
      return std::nullopt;
    case InBatch::kMerged:
      // Rare (counters): let every earlier batch reach the database, where
      // RocksDB resolves the operands.
      queue_->WaitUntilWritten();
      break;
    case InBatch::kAbsent:
      break;
  }
  rocksdb::Status s =
      batch_->GetFromBatchAndDB(store_->db(), rocksdb::ReadOptions(), cf, k, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocksDb(s);
  return value;
}

absl::StatusOr<bool> Transaction::GetProto(rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                                           google::protobuf::MessageLite* out) {
  auto value = Get(cf, key);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return false;
  if (!out->ParseFromString(**value)) {
    return absl::DataLossError("stored " + out->GetTypeName() + " in " + cf->GetName() +
                               " does not parse");
  }
  return true;
}

void Transaction::Put(rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                      absl::string_view value) {
  batch_->Put(cf, ToSlice(key), ToSlice(value));
}

void Transaction::PutProto(rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                           const google::protobuf::MessageLite& value) {
  batch_->Put(cf, ToSlice(key), value.SerializeAsString());
}

void Transaction::Delete(rocksdb::ColumnFamilyHandle* cf, absl::string_view key) {
  batch_->Delete(cf, ToSlice(key));
}

void Transaction::Merge(rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                        absl::string_view operand) {
  batch_->Merge(cf, ToSlice(key), ToSlice(operand));
}

void Transaction::Append(AppendLog* log, std::string value) {
  appends_.emplace_back(log, std::move(value));
}

namespace {

// Answers for mutations a disk failure kept from being acknowledged.
absl::Status NotAcknowledged(const absl::Status& cause) {
  return ErrorWithInfo(absl::StatusCode::kUnavailable, "STORAGE_UNAVAILABLE",
                       absl::StrCat("the disk refused a write (", cause.message(),
                                    "); this change was not acknowledged and may or may not "
                                    "have been made; retry with the same request_id"));
}

absl::Status Refused(const absl::Status& cause) {
  return ErrorWithInfo(
      absl::StatusCode::kUnavailable, "STORAGE_UNAVAILABLE",
      absl::StrCat("the disk refused a write (", cause.message(), "); nothing was changed; retry"));
}

}  // namespace

CommitQueue::CommitQueue(Store* store, const Clock* clock, CommitQueueOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {
  store_->AttachCommitQueue(this);
  answer_thread_ = std::thread([this] { AnswerLoop(); });
  sync_thread_ = std::thread([this] { SyncLoop(); });
  write_thread_ = std::thread([this] { WriteLoop(); });
  commit_thread_ = std::thread([this] { CommitLoop(); });
}

CommitQueue::~CommitQueue() {
  Stop();
  commit_thread_.join();
  write_thread_.join();
  sync_thread_.join();
  answer_thread_.join();
  {
    absl::MutexLock lock(&logs_mu_);
    for (AppendLog* log : logs_) log->queue_.store(nullptr, std::memory_order_release);
    logs_.clear();
  }
  store_->DetachCommitQueue(this);
}

void CommitQueue::ForgetLog(AppendLog* log) {
  absl::MutexLock lock(&logs_mu_);
  logs_.erase(std::remove(logs_.begin(), logs_.end(), log), logs_.end());
}

void CommitQueue::Submit(Mutation mutation, Done done, Admission admission) {
  absl::Status refused;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      refused =
          absl::UnavailableError("the server is shutting down; retry against another replica");
    } else if (!failure_.ok()) {
      refused = Refused(failure_);
    } else {
      const size_t limit =
          admission == Admission::kNew ? options_.max_pending : 2 * options_.max_pending;
      const size_t pending = pending_.load(std::memory_order_relaxed);
      if (pending < limit) {
        pending_.fetch_add(1, std::memory_order_relaxed);
        queue_.push_back({std::move(mutation), std::move(done)});
        return;
      }
      refused = ErrorWithInfo(
          absl::StatusCode::kResourceExhausted, "WRITE_QUEUE_FULL",
          absl::StrCat("the write queue is full (", pending, " pending); retry with backoff"),
          {{"pending", absl::StrCat(pending)}, {"limit", absl::StrCat(limit)}});
    }
  }
  done(std::move(refused));
}

absl::Status CommitQueue::Run(Mutation mutation, Admission admission) {
  absl::Mutex mu;
  bool finished = false;
  absl::Status result;
  Submit(
      std::move(mutation),
      [&](absl::Status s) {
        absl::MutexLock lock(&mu);
        result = std::move(s);
        finished = true;
      },
      admission);
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(&finished));
  return result;
}

void CommitQueue::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
}

bool CommitQueue::serving() const {
  absl::MutexLock lock(&mu_);
  return failure_.ok();
}

void CommitQueue::Stage::Push(Group group) {
  absl::MutexLock lock(&mu_);
  groups_.push_back(std::move(group));
}

bool CommitQueue::Stage::TakeAll(std::deque<Group>* out) {
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !groups_.empty() || closed_; };
  mu_.Await(absl::Condition(&ready));
  if (groups_.empty()) return false;
  out->swap(groups_);
  return true;
}

void CommitQueue::Stage::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

void CommitQueue::CommitLoop() {
  pthread_setname_np(pthread_self(), "baton-commit");  // for top, perf and the bench
  while (true) {
    std::vector<Pending> calls;
    absl::Status failure;
    bool stopping = false;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || stopping_ || !failure_.ok();
      };
      mu_.Await(absl::Condition(&ready));
      failure = failure_;
      stopping = stopping_;
      if (failure.ok()) {
        if (queue_.empty()) break;  // stopping, and all work is done
        while (!queue_.empty() && calls.size() < options_.max_group) {
          calls.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      } else {
        // Admitted before the failure, never decided: refused in order,
        // behind the groups already in the pipeline. Nothing more is
        // admitted until the failure is cleared.
        calls.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.end()));
        queue_.clear();
      }
      if (!calls.empty()) ++in_flight_;
    }
    if (failure.ok()) {
      to_write_.Push(Decide(std::move(calls)));
      continue;
    }
    if (!calls.empty()) to_write_.Push(Refuse(std::move(calls), failure));
    // When stopping, restart recovers from what is on disk.
    if (stopping || !Recover()) break;
  }
  to_write_.Close();
}

CommitQueue::Group CommitQueue::Refuse(std::vector<Pending> calls, const absl::Status& cause) {
  Group group;
  group.epoch = epoch_;
  group.failure = Refused(cause);
  group.results.resize(calls.size());
  group.calls = std::move(calls);
  return group;
}

CommitQueue::Group CommitQueue::Decide(std::vector<Pending> calls) {
  Transaction::Unwritten unwritten;  // newest first
  {
    absl::MutexLock lock(&unwritten_mu_);
    unwritten.assign(unwritten_.rbegin(), unwritten_.rend());
  }
  // overwrite_key=true: reads through the batch see the latest staged value.
  auto batch = std::make_shared<rocksdb::WriteBatchWithIndex>(rocksdb::BytewiseComparator(), 0,
                                                              /*overwrite_key=*/true);
  Group group;
  group.epoch = epoch_;
  group.results.resize(calls.size());
  std::unordered_map<AppendLog*, uint64_t> last_assigned;
  const absl::Time now = clock_->Now();
  size_t decided = 0;

  for (size_t i = 0; i < calls.size(); ++i) {
    batch->SetSavePoint();
    Transaction tx(store_, this, batch.get(), &unwritten, now);
    group.results[i] = calls[i].mutation(tx);
    if (!group.results[i].ok()) {
      batch->RollbackToSavePoint();
      continue;
    }
    batch->PopSavePoint();
    for (auto& [log, value] : tx.appends_) {
      batch->Put(log->cf(), AppendLog::Key(++log->last_assigned_), value);
      last_assigned[log] = log->last_assigned_;
    }
    ++decided;
  }

  for (auto& [log, last] : last_assigned) {
    if (log->queue_.load(std::memory_order_relaxed) != this) {
      absl::MutexLock lock(&logs_mu_);
      log->queue_.store(this, std::memory_order_release);
      logs_.push_back(log);
    }
  }
  if (decided > 0) {
    for (auto& [log, last] : last_assigned) group.log_ends.emplace_back(log, last);
    group.batch = std::move(batch);
    absl::MutexLock lock(&unwritten_mu_);
    unwritten_.push_back(group.batch);
  }
  // Even a group that wrote nothing waits for the sync: its answers (say,
  // "already offered") may rest on an earlier group that is not durable yet.
  group.calls = std::move(calls);
  return group;
}

bool CommitQueue::Recover() {
  if (options_.on_health) options_.on_health(false);
  {
    // Every group decided before the failure must be through the writer and
    // the syncer (failed, or synced before the failure), so that nothing
    // touches the database while it recovers and no batch is left unwritten.
    absl::MutexLock lock(&mu_);
    auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_flight_ == 0; };
    mu_.Await(absl::Condition(&drained));
  }
  absl::Duration backoff = options_.recovery_backoff;
  for (int attempt = 1;; ++attempt) {
    absl::Status recovered = store_->Recover();
    if (recovered.ok()) recovered = ResetLogs();
    if (recovered.ok()) break;
    log::Error("storage: recovery failed; writes stay refused",
               {{"attempt", attempt},
                {"error", recovered.ToString()},
                {"retry_in_ms", absl::ToInt64Milliseconds(backoff)}});
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), backoff)) return false;
    backoff = std::min(backoff * 2, options_.recovery_backoff_max);
  }
  ++epoch_;
  {
    absl::MutexLock lock(&mu_);
    failure_ = absl::OkStatus();
  }
  log::Info("storage: recovered; taking writes again");
  if (options_.on_health) options_.on_health(true);
  return true;
}

absl::Status CommitQueue::ResetLogs() {
  // Sequence numbers were assigned to events of groups that failed; some of
  // those groups reached the database (written, then made durable by the
  // recovery's flush), others did not. The next number follows what is
  // really in the log, so the log stays gap-free; events the recovery made
  // durable become readable.
  absl::MutexLock lock(&logs_mu_);
  for (AppendLog* log : logs_) {
    ASSIGN_OR_RETURN(uint64_t last, AppendLog::LastOnDisk(store_->db(), log->cf()));
    const uint64_t committed = log->last_committed();
    if (last < committed) {
      // An acknowledged event vanished: readers may have seen it, and its
      // number would be reused for another. Not a state to serve from.
      std::cerr << "baton: append log " << log->cf()->GetName() << " lost durable events (" << last
                << " < " << committed << ")\n";
      std::abort();
    }
    log->last_assigned_ = last;
    if (last > committed) {
      log->last_committed_.store(last, std::memory_order_release);
      if (log->on_commit_) log->on_commit_(last);
    }
  }
  return absl::OkStatus();
}

void CommitQueue::Fail(uint64_t epoch, const absl::Status& cause) {
  absl::MutexLock lock(&mu_);
  if (failure_.ok()) {
    failure_ = cause;
    log::Error("storage: a write to disk failed; refusing writes until the disk takes them again",
               {{"error", cause.ToString()}});
  }
  if (failed_epoch_.load(std::memory_order_relaxed) < epoch) {
    failed_epoch_.store(epoch, std::memory_order_release);
  }
}

void CommitQueue::MarkFailed(Group& g) {
  if (!g.failure.ok()) return;
  absl::MutexLock lock(&mu_);
  g.failure = NotAcknowledged(failure_);
}

void CommitQueue::WaitUntilWritten() {
  absl::MutexLock lock(&unwritten_mu_);
  auto written = [this]()
                     ABSL_EXCLUSIVE_LOCKS_REQUIRED(unwritten_mu_) { return unwritten_.empty(); };
  unwritten_mu_.Await(absl::Condition(&written));
}

void CommitQueue::WriteLoop() {
  pthread_setname_np(pthread_self(), "baton-write");
  std::deque<Group> groups;
  while (to_write_.TakeAll(&groups)) {
    for (Group& g : groups) {
      if (g.batch != nullptr) {
        // A group after a failure in its epoch may rest on the failed one:
        // it is never written.
        if (!FailedEpoch(g.epoch)) {
          // Writes are in decision order, so the WAL holds groups in the
          // order they were decided on one another.
          if (absl::Status written = store_->WriteNoSync(g.batch->GetWriteBatch()); written.ok()) {
            g.wrote = true;
            g.snapshot = store_->TakeSnapshot();
          } else {
            Fail(g.epoch, written);
          }
        }
        {
          absl::MutexLock lock(&unwritten_mu_);
          unwritten_.pop_front();  // in the database now, or never
        }
        g.batch.reset();
      }
      to_sync_.Push(std::move(g));
    }
    groups.clear();
  }
  to_sync_.Close();
}

void CommitQueue::SyncLoop() {
  pthread_setname_np(pthread_self(), "baton-sync");
  std::deque<Group> groups;
  while (to_sync_.TakeAll(&groups)) {
    // A group of an epoch with a failure is not acknowledged: it was not
    // written, or it was and its sync is not to be trusted any more.
    for (Group& g : groups) {
      if (FailedEpoch(g.epoch)) MarkFailed(g);
    }
    // Everything written before the newest group is in the WAL before it:
    // one sync makes the lot durable.
    const Group* newest_write = nullptr;
    size_t written_groups = 0;
    size_t mutations = 0;
    for (const Group& g : groups) {
      if (!g.failure.ok() || !g.wrote) continue;
      newest_write = &g;
      ++written_groups;
      for (const absl::Status& r : g.results) mutations += r.ok();
    }
    if (newest_write != nullptr) {
      if (absl::Status synced = store_->SyncWal(); !synced.ok()) {
        Fail(newest_write->epoch, synced);
        for (Group& g : groups) MarkFailed(g);
      } else {
        store_->PublishDurable(newest_write->snapshot);
        groups_.fetch_add(written_groups, std::memory_order_relaxed);
        mutations_.fetch_add(mutations, std::memory_order_relaxed);
        for (Group& g : groups) {
          if (!g.failure.ok()) continue;
          for (auto& [log, last] : g.log_ends) {
            log->last_committed_.store(last, std::memory_order_release);
            if (log->on_commit_) log->on_commit_(last);
          }
        }
      }
    }
    for (Group& g : groups) {
      g.snapshot.reset();
      to_answer_.Push(std::move(g));
    }
    {
      absl::MutexLock lock(&mu_);
      in_flight_ -= groups.size();
    }
    groups.clear();
  }
  to_answer_.Close();
}

void CommitQueue::AnswerLoop() {
  pthread_setname_np(pthread_self(), "baton-answer");
  std::deque<Group> groups;
  while (to_answer_.TakeAll(&groups)) {
    for (Group& g : groups) {
      for (size_t i = 0; i < g.calls.size(); ++i) {
        pending_.fetch_sub(1, std::memory_order_relaxed);
        g.calls[i].done(g.failure.ok() ? std::move(g.results[i]) : g.failure);
      }
    }
    groups.clear();
  }
}

}  // namespace baton::storage
