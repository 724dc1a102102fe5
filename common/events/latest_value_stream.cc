#include "common/events/latest_value_stream.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/events/log_tail_reactor.h"
#include "common/status/grpc_status.h"

namespace baton::events {

LatestValueStream::LatestValueStream(grpc::CallbackServerContext* context,
                                     LatestValueOptions options)
    : context_(context),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : Clock::Real()) {}

void LatestValueStream::Offer(std::shared_ptr<const std::string> message) {
  absl::MutexLock lock(&mu_);
  if (finished_) return;
  if (writing_) {
    waiting_ = std::move(message);  // coalesced: only the newest waits
    return;
  }
  WriteLocked(std::move(message));
}

void LatestValueStream::WriteLocked(std::shared_ptr<const std::string> message) {
  grpc::Slice slice(*message);
  writing_buffer_ = grpc::ByteBuffer(&slice, 1);
  writing_ = true;
  write_started_ = clock_->Now();
  StartWrite(&writing_buffer_);
}

void LatestValueStream::End(const absl::Status& status) {
  absl::MutexLock lock(&mu_);
  FinishLocked(status);
}

void LatestValueStream::CheckStall(absl::Time now) {
  bool cancel = false;
  {
    absl::MutexLock lock(&mu_);
    if (!writing_) return;
    if (finished_) {
      // The status waits behind a message the client never took: free the
      // call rather than hold it for as long as the client likes.
      cancel = now >= cancel_at_;
    } else if (now - write_started_ >= options_.stall_timeout) {
      FinishLocked(StreamTooSlow(
          absl::StrCat("it took no message for ", absl::FormatDuration(now - write_started_)),
          options_.resume_hint));
      cancel_at_ = now + options_.stall_timeout;
    }
  }
  // Outside the lock: a cancellation's reactions take it.
  if (cancel) context_->TryCancel();
}

void LatestValueStream::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  writing_ = false;
  if (!ok) {
    // The call broke (the client went away): no one will see this status.
    FinishLocked(absl::UnavailableError("stream write failed"));
    return;
  }
  if (!finished_ && waiting_ != nullptr) WriteLocked(std::exchange(waiting_, nullptr));
}

void LatestValueStream::OnCancel() {
  absl::MutexLock lock(&mu_);
  FinishLocked(absl::CancelledError("the client cancelled the stream"));
}

void LatestValueStream::OnDone() {
  options_.on_done(this);
  delete this;
}

void LatestValueStream::FinishLocked(const absl::Status& status) {
  if (finished_) return;
  finished_ = true;
  waiting_ = nullptr;
  Finish(ToGrpcStatus(status));
}

}  // namespace baton::events
