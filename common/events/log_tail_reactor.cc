#include "common/events/log_tail_reactor.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/grpc_status.h"

namespace baton::events {
namespace {

// Entries read from the log at a time while catching up.
constexpr size_t kReadBatch = 256;

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

absl::Status Unreadable(uint64_t sequence, absl::string_view why) {
  return ErrorWithInfo(absl::StatusCode::kDataLoss, "EVENT_UNREADABLE",
                       absl::StrCat("event ", sequence, " of the log ", why,
                                    "; the stream cannot go past it without losing it"),
                       {{"sequence", absl::StrCat(sequence)}});
}

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* LogTailReactor::Start(
    grpc::CallbackServerContext* context, TailOptions options) {
  auto* reactor = new LogTailReactor(context, std::move(options));
  absl::MutexLock lock(&reactor->mu_);
  if (reactor->options_.first.has_value()) {
    reactor->PushLocked(*reactor->options_.first, reactor->options_.after);
  }
  reactor->PumpLocked();
  return reactor;
}

LogTailReactor::LogTailReactor(grpc::CallbackServerContext* context, TailOptions options)
    : context_(context),
      options_(std::move(options)),
      notifier_(options_.log->notifier()),
      replay_end_(options_.log->last_sequence()),
      cursor_(options_.after),
      sent_through_(options_.after) {}

void LogTailReactor::Unref() {
  if (refs_.fetch_sub(1) == 1) delete this;
}

void LogTailReactor::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  writing_ = false;
  no_room_ = false;
  outbox_bytes_ -= outbox_.front().bytes;
  if (ok) sent_through_ = std::max(sent_through_, outbox_.front().sequence);
  outbox_.pop_front();
  if (!ok) {
    // The call broke (the client went away): no one will see this status.
    FinishLocked(absl::UnavailableError("stream write failed"));
    return;
  }
  PumpLocked();
}

void LogTailReactor::OnCancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  FinishLocked(absl::CancelledError("the client cancelled the stream"));
}

void LogTailReactor::OnDone() {
  {
    absl::MutexLock lock(&mu_);
    done_ = true;
    if (wait_id_ != 0 && notifier_->CancelWait(wait_id_)) {
      wait_id_ = 0;
      refs_.fetch_sub(1);
    }
    if (timer_id_ != 0 && notifier_->CancelCall(timer_id_)) {
      timer_id_ = 0;
      refs_.fetch_sub(1);
    }
  }
  if (options_.on_done) options_.on_done();
  Unref();
}

void LogTailReactor::OnBatch(std::shared_ptr<const LogBatch> batch) {
  {
    absl::MutexLock lock(&mu_);
    wait_id_ = 0;
    // A null batch (the log closed, or the notifier could not read it):
    // PumpLocked reads the log itself and meets what happened there.
    if (!finished_ && batch != nullptr) {
      // The wait was registered at cursor_. For a topic, no entry in
      // (cursor_, batch->after] had it (see LogNotifier's Wake).
      if (!options_.topic.empty()) cursor_ = std::max(cursor_, batch->after);
      // Without a topic a batch never starts past cursor_; if it did, the
      // gap is read from the log below.
      if (batch->after <= cursor_) {
        bool took_all = true;
        for (size_t i = 0; i < batch->entries.size() && took_all; ++i) {
          const LogEntry& entry = batch->entries[i];
          if (entry.sequence <= cursor_) continue;
          if (!options_.topic.empty() && !batch->HasTopic(i, options_.topic)) {
            cursor_ = entry.sequence;
            continue;
          }
          took_all = TakeLocked(entry);
        }
        if (took_all) cursor_ = std::max(cursor_, batch->last);
      }
    }
    PumpLocked();
  }
  Unref();
}

void LogTailReactor::OnTimer() {
  {
    absl::MutexLock lock(&mu_);
    timer_id_ = 0;
    if (done_) {
      // Nothing left to watch.
    } else if (finished_) {
      // The status still waits behind a message the client never took:
      // free the call rather than hold it for as long as the client likes.
      // (Close() runs timers early: then the server's drain does it.)
      if (writing_ && notifier_->clock()->Now() >= cancel_at_) context_->TryCancel();
    } else if (writing_) {
      const absl::Duration stalled = notifier_->clock()->Now() - write_started_;
      if (stalled >= options_.limits.stall_timeout) {
        FinishLocked(
            TooSlowLocked(absl::StrCat("it took no message for ", absl::FormatDuration(stalled))));
      } else {
        ArmTimerLocked(write_started_ + options_.limits.stall_timeout);
      }
    }
  }
  Unref();
}

void LogTailReactor::PumpLocked() {
  while (!finished_) {
    if (cancelled_) {
      FinishLocked(absl::CancelledError("the client cancelled the stream"));
      return;
    }
    if (!writing_ && !outbox_.empty()) StartWriteLocked();
    if (ending_.has_value()) {
      if (outbox_.empty()) FinishLocked(*ending_);
      return;
    }
    // Past the log's end as it was when the stream began: what it asked to
    // replay is behind it, so from now on lagging is its own doing.
    if (cursor_ >= replay_end_) live_ = true;
    if (wait_id_ != 0 || FullLocked()) return;
    // Caught up with the notifier: wait for it to hand over the next
    // entries, which is cheaper than reading them here.
    refs_.fetch_add(1);
    wait_id_ = notifier_->WaitBeyond(
        cursor_, options_.topic,
        [this](std::shared_ptr<const LogBatch> batch) { OnBatch(std::move(batch)); });
    if (wait_id_ != 0) return;
    refs_.fetch_sub(1);
    if (notifier_->closed()) {
      FinishLocked(absl::UnavailableError("the server is shutting down; reconnect"));
      return;
    }
    const uint64_t last = options_.log->last_sequence();
    if (live_ && options_.limits.max_lag > 0 && last - cursor_ > options_.limits.max_lag) {
      FinishLocked(
          TooSlowLocked(absl::StrCat("it fell ", last - cursor_, " events behind the log (at most ",
                                     options_.limits.max_lag, ")")));
      return;
    }
    if (!ReadLocked()) return;
  }
}

bool LogTailReactor::ReadLocked() {
  std::vector<LogEntry> entries;
  if (absl::Status read = options_.log->Read(cursor_, kReadBatch, &entries); !read.ok()) {
    FinishLocked(read);
    return false;
  }
  if (entries.empty()) {
    // WaitBeyond refused, so the notifier is past cursor_; it never passes
    // the log's end, so the log should have had the next entry.
    ending_ = Unreadable(cursor_ + 1, "is missing");
    return true;
  }
  std::vector<std::string> topics;
  for (const LogEntry& entry : entries) {
    if (entry.sequence != cursor_ + 1) {
      ending_ = Unreadable(cursor_ + 1, "is missing");
      return true;
    }
    if (!options_.topic.empty()) {
      topics.clear();
      options_.log->TopicsOf(entry, &topics);
      if (!HasTopic(topics, options_.topic)) {
        cursor_ = entry.sequence;
        continue;
      }
    }
    if (!TakeLocked(entry)) break;
  }
  return true;
}

bool LogTailReactor::TakeLocked(const LogEntry& entry) {
  if (ending_.has_value() || FullLocked()) return false;
  std::string message;
  switch (options_.convert(entry, &message)) {
    case Converted::kSkip:
      cursor_ = entry.sequence;
      return true;
    case Converted::kCorrupt:
      ending_ = Unreadable(entry.sequence, message.empty()
                                               ? "cannot be decoded"
                                               : absl::StrCat("cannot be decoded (", message, ")"));
      return false;
    case Converted::kSend:
      break;
  }
  if (!outbox_.empty() && outbox_bytes_ + message.size() > options_.limits.max_outbox_bytes) {
    // Read again once a write made room.
    no_room_ = true;
    return false;
  }
  PushLocked(std::move(message), entry.sequence);
  cursor_ = entry.sequence;
  return true;
}

bool LogTailReactor::FullLocked() const {
  return no_room_ || outbox_.size() >= options_.limits.max_outbox_messages ||
         outbox_bytes_ >= options_.limits.max_outbox_bytes;
}

void LogTailReactor::PushLocked(std::string message, uint64_t sequence) {
  const size_t bytes = message.size();
  outbox_.push_back({ToBuffer(message), bytes, sequence});
  outbox_bytes_ += bytes;
  peak_messages_ = std::max(peak_messages_, outbox_.size());
  peak_bytes_ = std::max(peak_bytes_, outbox_bytes_);
}

void LogTailReactor::StartWriteLocked() {
  writing_ = true;
  write_started_ = notifier_->clock()->Now();
  StartWrite(&outbox_.front().buffer);
  // One timer at a time: it re-arms itself from the write in flight when
  // it fires, so a fast stream does not touch the timers per message.
  if (timer_id_ == 0) ArmTimerLocked(write_started_ + options_.limits.stall_timeout);
}

void LogTailReactor::ArmTimerLocked(absl::Time when) {
  refs_.fetch_add(1);
  timer_id_ = notifier_->CallAt(when, [this] { OnTimer(); });
  if (timer_id_ == 0) refs_.fetch_sub(1);  // closed: the stream is ending anyway
}

absl::Status LogTailReactor::TooSlowLocked(const std::string& why) const {
  const std::string hint = options_.resume_hint
                               ? options_.resume_hint(sent_through_)
                               : absl::StrCat("reconnect with after_sequence=", sent_through_);
  return StreamTooSlow(why, hint, {{"after_sequence", absl::StrCat(sent_through_)}});
}

void LogTailReactor::FinishLocked(absl::Status status) {
  if (finished_) return;
  finished_ = true;
  ending_.reset();
  // Keep only the message being written: gRPC reads it until OnWriteDone.
  while (outbox_.size() > (writing_ ? 1u : 0u)) {
    outbox_bytes_ -= outbox_.back().bytes;
    outbox_.pop_back();
  }
  if (wait_id_ != 0 && notifier_->CancelWait(wait_id_)) {
    wait_id_ = 0;
    refs_.fetch_sub(1);  // never the last: gRPC holds one until OnDone
  }
  Finish(ToGrpcStatus(status));
  if (options_.on_end) {
    options_.on_end({status, sent_through_, peak_messages_, peak_bytes_});
  }
  if (writing_ && !cancelled_) {
    // The status is sent after the message in flight. Give the client one
    // more stall_timeout to take both, then cancel the call (OnTimer).
    if (timer_id_ != 0 && notifier_->CancelCall(timer_id_)) {
      timer_id_ = 0;
      refs_.fetch_sub(1);
    }
    if (timer_id_ == 0) {
      cancel_at_ = notifier_->clock()->Now() + options_.limits.stall_timeout;
      ArmTimerLocked(cancel_at_);
    }
  }
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* FinishedStream(const absl::Status& status) {
  class Finished final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
   public:
    explicit Finished(const absl::Status& status) { Finish(ToGrpcStatus(status)); }
    void OnDone() override { delete this; }
  };
  return new Finished(status);
}

absl::Status StreamTooSlow(absl::string_view why, absl::string_view hint,
                           const std::map<std::string, std::string>& metadata) {
  return ErrorWithInfo(absl::StatusCode::kResourceExhausted, "STREAM_CONSUMER_TOO_SLOW",
                       absl::StrCat("stream consumer too slow: ", why, "; ", hint), metadata);
}

}  // namespace baton::events
