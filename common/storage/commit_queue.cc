#include "common/storage/commit_queue.h"

#include <pthread.h>

#include <cstdlib>
#include <memory>
#include <unordered_map>

#include "common/log/log.h"
#include "common/status/rocksdb_status.h"
#include "common/storage/key_codec.h"

namespace baton::storage {

std::string AppendLog::Key(uint64_t sequence) { return KeyWriter().U64(sequence).Take(); }

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

CommitQueue::CommitQueue(Store* store, const Clock* clock, CommitQueueOptions options)
    : store_(store),
      clock_(clock),
      options_(options),
      answer_thread_([this] { AnswerLoop(); }),
      sync_thread_([this] { SyncLoop(); }),
      write_thread_([this] { WriteLoop(); }),
      commit_thread_([this] { CommitLoop(); }) {}

CommitQueue::~CommitQueue() {
  Stop();
  commit_thread_.join();
  write_thread_.join();
  sync_thread_.join();
  answer_thread_.join();
}

void CommitQueue::Submit(Mutation mutation, Done done) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      queue_.push_back({std::move(mutation), std::move(done)});
      return;
    }
  }
  done(absl::UnavailableError("the server is shutting down; retry against another replica"));
}

absl::Status CommitQueue::Run(Mutation mutation) {
  absl::Mutex mu;
  bool finished = false;
  absl::Status result;
  Submit(std::move(mutation), [&](absl::Status s) {
    absl::MutexLock lock(&mu);
    result = std::move(s);
    finished = true;
  });
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(&finished));
  return result;
}

void CommitQueue::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
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
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queue_.empty() || stopping_; };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) break;  // stopping, and all work is done
      while (!queue_.empty() && calls.size() < options_.max_group) {
        calls.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    to_write_.Push(Decide(std::move(calls)));
  }
  to_write_.Close();
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
        // Writes are in decision order, so the WAL holds groups in the order
        // they were decided on one another.
        absl::Status written = store_->WriteNoSync(g.batch->GetWriteBatch());
        if (!written.ok()) {
          log::Error(
              "writing a decided group failed; stopping so that restart recovers from the WAL",
              {{"error", written.ToString()}});
          std::abort();
        }
        g.wrote = true;
        g.snapshot = store_->TakeSnapshot();
        {
          absl::MutexLock lock(&unwritten_mu_);
          unwritten_.pop_front();  // it is in the database now
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
    // Everything written before the newest group is in the WAL before it:
    // one sync makes the lot durable.
    const Group* newest_write = nullptr;
    size_t written_groups = 0;
    size_t mutations = 0;
    for (const Group& g : groups) {
      if (!g.wrote) continue;
      newest_write = &g;
      ++written_groups;
      for (const absl::Status& r : g.results) mutations += r.ok();
    }
    if (newest_write != nullptr) {
      if (absl::Status synced = store_->SyncWal(); !synced.ok()) {
        log::Error("WAL sync failed; stopping so that restart recovers from the WAL",
                   {{"error", synced.ToString()}});
        std::abort();
      }
      store_->PublishDurable(newest_write->snapshot);
      groups_.fetch_add(written_groups, std::memory_order_relaxed);
      mutations_.fetch_add(mutations, std::memory_order_relaxed);
      for (Group& g : groups) {
        for (auto& [log, last] : g.log_ends) {
          log->last_committed_.store(last, std::memory_order_release);
          if (log->on_commit_) log->on_commit_(last);
        }
        g.snapshot.reset();
      }
    }
    for (Group& g : groups) to_answer_.Push(std::move(g));
    groups.clear();
  }
  to_answer_.Close();
}

void CommitQueue::AnswerLoop() {
  pthread_setname_np(pthread_self(), "baton-answer");
  std::deque<Group> groups;
  while (to_answer_.TakeAll(&groups)) {
    for (Group& g : groups) {
      for (size_t i = 0; i < g.calls.size(); ++i) g.calls[i].done(std::move(g.results[i]));
    }
    groups.clear();
  }
}

}  // namespace baton::storage
