#ifndef BATON_COMMON_EVENTS_LOG_TAIL_REACTOR_H_
#define BATON_COMMON_EVENTS_LOG_TAIL_REACTOR_H_

#include <atomic>
#include <deque>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/events/event_log.h"
#include "common/status/grpc_status.h"
#include "grpcpp/grpcpp.h"

namespace baton::events {

// A server stream that serves an EventLog after a sequence number and then
// tails it live: it reads a batch, writes it message by message, and when
// caught up registers a wait that the next commit wakes. One write is in
// flight at a time, so a slow client slows only its own stream (flow control
// holds the rest in the log, not in memory).
//
// `convert` turns one entry into the message to send, or returns false to
// skip it (filters such as a team's inbox). The stream ends with UNAVAILABLE
// when the log closes (server shutdown), so clients reconnect elsewhere.
//
// Lifetime: gRPC holds one reference until OnDone, a registered wait holds
// another; the last one deletes the reactor.
template <typename Response>
class LogTailReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  using Convert = std::function<bool(const EventLog::Entry& entry, Response* out)>;

  // Starts the stream. `first`, when set, is written before any event (e.g.
  // a "synced" marker). Returns the reactor for a gRPC callback handler.
  static grpc::ServerWriteReactor<Response>* Start(EventLog* log, uint64_t after, Convert convert,
                                                   std::optional<Response> first = std::nullopt) {
    auto* reactor = new LogTailReactor(log, after, std::move(convert));
    absl::MutexLock lock(&reactor->mu_);
    if (first.has_value()) reactor->outbox_.push_back(std::move(*first));
    reactor->PumpLocked();
    return reactor;
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    outbox_.pop_front();
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "stream write failed"));
      return;
    }
    PumpLocked();
  }

  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    if (!writing_) FinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      if (wait_id_ != 0 && log_->CancelWait(wait_id_)) {
        wait_id_ = 0;
        refs_.fetch_sub(1);
      }
    }
    Unref();
  }

 private:
  LogTailReactor(EventLog* log, uint64_t after, Convert convert)
      : log_(log), cursor_(after), convert_(std::move(convert)) {}

  void Unref() {
    if (refs_.fetch_sub(1) == 1) delete this;
  }

  void Wake() {
    {
      absl::MutexLock lock(&mu_);
      wait_id_ = 0;
      if (!done_) PumpLocked();
    }
    Unref();
  }

  // Writes the next queued message, or reads more, or waits for a commit.
  void PumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    while (!finished_ && !writing_) {
      if (cancelled_) {
        FinishLocked(grpc::Status::CANCELLED);
        return;
      }
      if (!outbox_.empty()) {
        writing_ = true;
        this->StartWrite(&outbox_.front());
        return;
      }
      std::vector<EventLog::Entry> entries;
      if (absl::Status s = log_->Read(cursor_, kBatch, &entries); !s.ok()) {
        FinishLocked(ToGrpcStatus(s));
        return;
      }
      for (const EventLog::Entry& entry : entries) {
        cursor_ = entry.sequence;
        Response message;
        if (convert_(entry, &message)) outbox_.push_back(std::move(message));
      }
      if (!entries.empty()) continue;
      if (log_->closed()) {
        FinishLocked(
            grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; reconnect"));
        return;
      }
      refs_.fetch_add(1);
      wait_id_ = log_->WaitBeyond(cursor_, [this] { Wake(); });
      if (wait_id_ != 0) return;  // woken by the next commit
      refs_.fetch_sub(1);         // already past cursor_ or closed: go round again
    }
  }

  void FinishLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    this->Finish(status);
  }

  static constexpr size_t kBatch = 256;

  EventLog* const log_;
  absl::Mutex mu_;
  uint64_t cursor_ ABSL_GUARDED_BY(mu_);
  Convert convert_;
  std::deque<Response> outbox_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t wait_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<int> refs_{1};
};

}  // namespace baton::events

#endif  // BATON_COMMON_EVENTS_LOG_TAIL_REACTOR_H_
