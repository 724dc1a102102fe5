#include "common/events/log_notifier.h"

#include <pthread.h>

#include <algorithm>
#include <utility>

#include "common/log/log.h"

namespace baton::events {

bool HasTopic(const std::vector<std::string>& topics, absl::string_view topic) {
  for (const std::string& t : topics) {
    if (t == topic || t == kEveryTopic) return true;
  }
  return false;
}

bool LogBatch::HasTopic(size_t i, absl::string_view topic) const {
  return i < topics.size() && events::HasTopic(topics[i], topic);
}

LogNotifier::LogNotifier(LogNotifierOptions options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : Clock::Real()),
      notified_(options_.start),
      published_(options_.start),
      thread_([this] { Loop(); }) {}

LogNotifier::~LogNotifier() {
  Close();
  {
    absl::MutexLock lock(&signal_mu_);
    stopping_ = true;
  }
  thread_.join();
}

void LogNotifier::Publish(uint64_t last) {
  absl::MutexLock lock(&signal_mu_);
  published_ = std::max(published_, last);
}

uint64_t LogNotifier::WaitBeyond(uint64_t after, std::string topic, Wake wake) {
  absl::MutexLock lock(&mu_);
  // Checked under mu_, under which the thread also advances notified_ and
  // takes the waits it wakes: an entry beyond `after` is either already
  // notified (the caller reads it) or will be handed to this wait.
  if (closed_ || after < notified_) return 0;
  const uint64_t id = next_id_++;
  if (topic.empty()) {
    untopiced_.emplace(id, Wait{after, std::move(wake)});
  } else {
    by_topic_[topic].emplace(id, Wait{after, std::move(wake)});
    topic_of_.emplace(id, std::move(topic));
  }
  return id;
}

bool LogNotifier::CancelWait(uint64_t id) {
  absl::MutexLock lock(&mu_);
  if (untopiced_.erase(id) > 0) return true;
  auto it = topic_of_.find(id);
  if (it == topic_of_.end()) return false;
  auto waits = by_topic_.find(it->second);
  waits->second.erase(id);
  if (waits->second.empty()) by_topic_.erase(waits);
  topic_of_.erase(it);
  return true;
}

uint64_t LogNotifier::CallAt(absl::Time when, absl::AnyInvocable<void()> fn) {
  absl::MutexLock lock(&mu_);
  if (closed_) return 0;
  const uint64_t id = next_id_++;
  timers_.emplace(std::make_pair(when, id), std::move(fn));
  timer_at_.emplace(id, when);
  if (when < sleeping_until_) {
    // The thread sleeps towards a later deadline: make it look again.
    sleeping_until_ = when;
    absl::MutexLock signal(&signal_mu_);
    kick_ = true;
  }
  return id;
}

bool LogNotifier::CancelCall(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = timer_at_.find(id);
  if (it == timer_at_.end()) return false;
  timers_.erase(std::make_pair(it->second, id));
  timer_at_.erase(it);
  return true;
}

void LogNotifier::CheckTimers() {
  absl::MutexLock lock(&signal_mu_);
  kick_ = true;
}

uint64_t LogNotifier::notified() const {
  absl::MutexLock lock(&mu_);
  return notified_;
}

void LogNotifier::AwaitNotified(uint64_t sequence) const {
  absl::MutexLock lock(&mu_);
  auto caught_up = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return notified_ >= sequence || closed_;
  };
  mu_.Await(absl::Condition(&caught_up));
}

uint64_t LogNotifier::batches_read() const {
  absl::MutexLock lock(&mu_);
  return batches_read_;
}

void LogNotifier::Close() {
  std::vector<Wake> wakes;
  std::vector<absl::AnyInvocable<void()>> timers;
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    TakeAll(&wakes);
    for (auto& [key, fn] : timers_) timers.push_back(std::move(fn));
    timers_.clear();
    timer_at_.clear();
  }
  for (Wake& wake : wakes) wake(nullptr);
  for (auto& fn : timers) fn();
}

bool LogNotifier::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

void LogNotifier::TakeAll(std::vector<Wake>* woken) {
  for (auto& [id, wait] : untopiced_) woken->push_back(std::move(wait.wake));
  for (auto& [topic, waits] : by_topic_) {
    for (auto& [id, wait] : waits) woken->push_back(std::move(wait.wake));
  }
  untopiced_.clear();
  by_topic_.clear();
  topic_of_.clear();
}

void LogNotifier::TakeWoken(const LogBatch& batch, std::vector<Wake>* woken) {
  for (auto it = untopiced_.begin(); it != untopiced_.end();) {
    if (it->second.after < batch.last) {
      woken->push_back(std::move(it->second.wake));
      it = untopiced_.erase(it);
    } else {
      ++it;
    }
  }
  if (by_topic_.empty()) return;
  // Only the topics that occur are looked up: waits on other topics are
  // never visited.
  for (size_t i = 0; i < batch.entries.size() && i < batch.topics.size(); ++i) {
    const uint64_t sequence = batch.entries[i].sequence;
    for (const std::string& topic : batch.topics[i]) {
      if (topic == kEveryTopic) {
        for (auto& [t, waits] : by_topic_) TakeBefore(sequence, &waits, woken);
        absl::erase_if(by_topic_, [](const auto& entry) { return entry.second.empty(); });
        continue;
      }
      auto found = by_topic_.find(topic);
      if (found == by_topic_.end()) continue;
      TakeBefore(sequence, &found->second, woken);
      if (found->second.empty()) by_topic_.erase(found);
    }
  }
}

void LogNotifier::TakeBefore(uint64_t sequence, std::map<uint64_t, Wait>* waits,
                             std::vector<Wake>* woken) {
  for (auto it = waits->begin(); it != waits->end();) {
    if (it->second.after < sequence) {
      woken->push_back(std::move(it->second.wake));
      topic_of_.erase(it->first);
      it = waits->erase(it);
    } else {
      ++it;
    }
  }
}

void LogNotifier::RunDueTimers() {
  while (true) {
    absl::AnyInvocable<void()> fn;
    {
      absl::MutexLock lock(&mu_);
      if (timers_.empty() || timers_.begin()->first.first > clock_->Now()) return;
      auto first = timers_.begin();
      fn = std::move(first->second);
      timer_at_.erase(first->first.second);
      timers_.erase(first);
    }
    fn();
  }
}

void LogNotifier::Loop() {
  pthread_setname_np(pthread_self(), "baton-notify");  // for top, perf and the bench
  uint64_t seen = options_.start;
  while (true) {
    absl::Time deadline;
    {
      absl::MutexLock lock(&mu_);
      deadline = timers_.empty() ? absl::InfiniteFuture() : timers_.begin()->first.first;
      sleeping_until_ = deadline;
    }
    uint64_t target;
    {
      absl::MutexLock lock(&signal_mu_);
      auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(signal_mu_) {
        return published_ > seen || kick_ || stopping_;
      };
      if (deadline == absl::InfiniteFuture()) {
        signal_mu_.Await(absl::Condition(&ready));
      } else {
        signal_mu_.AwaitWithTimeout(absl::Condition(&ready), deadline - clock_->Now());
      }
      if (stopping_) return;
      kick_ = false;
      target = published_;
    }
    seen = target;
    RunDueTimers();

    // Hand out everything up to `target`, one batch at a time.
    while (true) {
      uint64_t from;
      {
        absl::MutexLock lock(&mu_);
        if (closed_ || notified_ >= target) break;
        if (untopiced_.empty() && by_topic_.empty()) {
          // Nobody waits: nothing to read. Decided under mu_, so a wait
          // registered after this sees the new notified_ and reads itself.
          notified_ = target;
          break;
        }
        from = notified_;
      }
      auto batch = std::make_shared<LogBatch>();
      batch->after = from;
      absl::Status read = options_.read(from, options_.max_batch, &batch->entries);
      std::vector<Wake> woken;
      if (!read.ok() || batch->entries.empty()) {
        // Let the readers read for themselves: each meets the error and
        // ends its stream with it, rather than hanging.
        log::Error("event notifier cannot read the log",
                   {{"error", read.ok() ? "no entries where the log has some" : read.ToString()},
                    {"after", from},
                    {"end", target}});
        {
          absl::MutexLock lock(&mu_);
          TakeAll(&woken);
          notified_ = std::max(notified_, target);
        }
        for (Wake& wake : woken) wake(nullptr);
        break;
      }
      batch->last = batch->entries.back().sequence;
      if (options_.topics) {
        batch->topics.resize(batch->entries.size());
        for (size_t i = 0; i < batch->entries.size(); ++i) {
          options_.topics(batch->entries[i], &batch->topics[i]);
        }
      }
      {
        absl::MutexLock lock(&mu_);
        ++batches_read_;
        if (closed_) break;
        TakeWoken(*batch, &woken);
        // Before the wakes run: a woken reader that waits again beyond
        // batch->last registers (see WaitBeyond).
        notified_ = std::max(notified_, batch->last);
      }
      std::shared_ptr<const LogBatch> shared = std::move(batch);
      for (Wake& wake : woken) wake(shared);
    }
  }
}

}  // namespace baton::events
