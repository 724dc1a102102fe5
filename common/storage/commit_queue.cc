#include "common/storage/commit_queue.h"

#include <pthread.h>

#include <unordered_map>

#include "common/status/rocksdb_status.h"
#include "common/storage/key_codec.h"

namespace baton::storage {

std::string AppendLog::Key(uint64_t sequence) { return KeyWriter().U64(sequence).Take(); }

absl::StatusOr<std::optional<std::string>> Transaction::Get(rocksdb::ColumnFamilyHandle* cf,
                                                            absl::string_view key) {
  std::string value;
  rocksdb::Status s =
      batch_->GetFromBatchAndDB(store_->db(), rocksdb::ReadOptions(), cf, ToSlice(key), &value);
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
      completion_thread_([this] { CompletionLoop(); }),
      thread_([this] { Loop(); }) {}

CommitQueue::~CommitQueue() {
  Stop();
  thread_.join();
  completion_thread_.join();
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

void CommitQueue::Loop() {
  pthread_setname_np(pthread_self(), "baton-commit");  // for top, perf and the bench
  while (true) {
    std::vector<Pending> group;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queue_.empty() || stopping_; };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) break;  // stopping, and all work is done
      while (!queue_.empty() && group.size() < options_.max_group) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Decided decided = CommitGroup(std::move(group));
    absl::MutexLock lock(&completion_mu_);
    decided_.push_back(std::move(decided));
  }
  absl::MutexLock lock(&completion_mu_);
  committer_done_ = true;
}

void CommitQueue::CompletionLoop() {
  pthread_setname_np(pthread_self(), "baton-answer");
  while (true) {
    std::deque<Decided> batch;
    {
      absl::MutexLock lock(&completion_mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(completion_mu_) {
        return !decided_.empty() || committer_done_;
      };
      completion_mu_.Await(absl::Condition(&ready));
      if (decided_.empty()) return;  // the committer has stopped and all is answered
      batch.swap(decided_);
    }
    for (Decided& d : batch) {
      for (size_t i = 0; i < d.group.size(); ++i) d.group[i].done(std::move(d.results[i]));
    }
  }
}

CommitQueue::Decided CommitQueue::CommitGroup(std::vector<Pending> group) {
  // overwrite_key=true: reads through the batch see the latest staged value.
  rocksdb::WriteBatchWithIndex batch(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true);
  std::vector<absl::Status> results(group.size());
  std::unordered_map<AppendLog*, uint64_t> first_assigned;
  const absl::Time now = clock_->Now();
  size_t committed = 0;

  for (size_t i = 0; i < group.size(); ++i) {
    batch.SetSavePoint();
    Transaction tx(store_, &batch, now);
    results[i] = group[i].mutation(tx);
    if (!results[i].ok()) {
      batch.RollbackToSavePoint();
      continue;
    }
    batch.PopSavePoint();
    for (auto& [log, value] : tx.appends_) {
      first_assigned.emplace(log, log->last_assigned_);
      batch.Put(log->cf(), AppendLog::Key(++log->last_assigned_), value);
    }
    ++committed;
  }

  if (committed > 0) {
    absl::Status written = store_->Write(batch.GetWriteBatch());
    if (!written.ok()) {
      for (auto& [log, first] : first_assigned) log->last_assigned_ = first;
      for (absl::Status& r : results) {
        if (r.ok()) r = written;
      }
    } else {
      groups_.fetch_add(1, std::memory_order_relaxed);
      mutations_.fetch_add(committed, std::memory_order_relaxed);
      for (auto& [log, first] : first_assigned) {
        log->last_committed_.store(log->last_assigned_, std::memory_order_release);
        if (log->on_commit_) log->on_commit_(log->last_assigned_);
      }
    }
  }
  return Decided{std::move(group), std::move(results)};
}

}  // namespace baton::storage
