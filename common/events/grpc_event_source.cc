#include "common/events/grpc_event_source.h"

#include <deque>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "baton/common/v1/events.pb.h"
#include "common/status/grpc_status.h"
#include "grpcpp/generic/generic_stub.h"

namespace baton::events {
namespace {

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

// One call. gRPC's reactions and the reader meet under mu_. A hold keeps
// OnDone back until reading has ended, so the reader can pause and resume
// reads without racing the end of the call; whoever ends reading (a failed
// read, a broken message, Cancel while paused) removes the hold, once.
class GrpcEventStream final : public EventStream,
                              public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  GrpcEventStream(grpc::GenericStub& stub, const GrpcEventSourceOptions& options, uint64_t after,
                  const std::string& epoch)
      : max_buffered_(options.max_buffered == 0 ? 1 : options.max_buffered), last_(after) {
    if (options.token) {
      if (std::string token = options.token(); !token.empty()) {
        context_.AddMetadata("authorization", "Bearer " + token);
      }
    }
    common::v1::StreamEventsRequest request;
    request.set_after_sequence(after);
    request.set_epoch(epoch);
    const std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    request_ = grpc::ByteBuffer(&slice, 1);

    stub.PrepareBidiStreamingCall(&context_, options.method, grpc::StubOptions(), this);
    AddHold();
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&incoming_);
    StartCall();
  }

  ~GrpcEventStream() override {
    Cancel();
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
  }

  absl::Status Read(size_t max, absl::Time deadline, std::vector<ConsumedEvent>* out) override {
    bool resume = false;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return !buffer_.empty() || done_ || cancelled_;
      };
      mu_.AwaitWithDeadline(absl::Condition(&ready), deadline);
      if (cancelled_) return absl::CancelledError("the event stream was cancelled");
      if (!buffer_.empty()) {
        while (!buffer_.empty() && max > 0) {
          out->push_back(std::move(buffer_.front()));
          buffer_.pop_front();
          --max;
        }
        if (hold_ && !reading_ && error_.ok()) resume = reading_ = true;
      } else if (done_) {
        if (!error_.ok()) return error_;
        if (final_.ok()) return absl::UnavailableError("the server ended the event stream");
        return FromGrpcStatus(final_);
      }
    }
    if (resume) StartRead(&incoming_);
    return absl::OkStatus();
  }

  void Cancel() override {
    bool release = false;
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      release = StopReadingLocked();
    }
    context_.TryCancel();
    if (release) RemoveHold();
  }

  SourceEnd End() const override {
    absl::MutexLock lock(&mu_);
    return end_;
  }

  void OnReadDone(bool ok) override {
    bool next = false;
    bool release = false;
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      if (ok) {
        if (absl::Status taken = TakeLocked(Flatten(incoming_)); !taken.ok()) {
          error_ = std::move(taken);
        }
      }
      // A Cancel() during this read left the hold to us.
      if (!ok || !error_.ok() || cancelled_) {
        release = StopReadingLocked();
      } else if (buffer_.size() < max_buffered_) {
        next = reading_ = true;
      }
    }
    if (release) {
      // A failed read means the call is ending with the server's status;
      // cancelling now would race that status and turn it into CANCELLED
      // (an UNAUTHENTICATED or UNAVAILABLE lost). Cancel only a live call
      // we stop reading ourselves (a message we could not read).
      if (ok) context_.TryCancel();
      RemoveHold();
    }
    if (next) StartRead(&incoming_);
  }

  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    final_ = status;
    done_ = true;
  }

 private:
  // Whether the caller is to remove the hold (reading is over).
  bool StopReadingLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!hold_ || reading_) return false;  // a read in flight ends it
    hold_ = false;
    return true;
  }

  absl::Status TakeLocked(const std::string& message) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const uint64_t sequence = last_ + 1;
    common::v1::EventEnvelope envelope;
    if (!envelope.ParseFromString(message)) {
      return UnreadableEvent(sequence, "the stream's message does not parse");
    }
    ConsumedEvent event{.sequence = sequence, .epoch = envelope.epoch()};
    if (absl::Status s = ReadEventHeader(envelope.event(), sequence, &event.time); !s.ok()) {
      return s;
    }
    event.bytes = std::move(*envelope.mutable_event());
    last_ = sequence;
    end_ = {.sequence = sequence, .time = event.time, .exact = false};
    buffer_.push_back(std::move(event));
    return absl::OkStatus();
  }

  const size_t max_buffered_;
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer incoming_;  // the read in flight's

  mutable absl::Mutex mu_;
  std::deque<ConsumedEvent> buffer_ ABSL_GUARDED_BY(mu_);
  uint64_t last_ ABSL_GUARDED_BY(mu_);  // the last sequence received
  SourceEnd end_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);  // a message we could not read
  grpc::Status final_ ABSL_GUARDED_BY(mu_);
  bool reading_ ABSL_GUARDED_BY(mu_) = true;
  bool hold_ ABSL_GUARDED_BY(mu_) = true;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

GrpcEventSource::GrpcEventSource(GrpcEventSourceOptions options)
    : options_(std::move(options)), stub_(options_.channel) {}

absl::StatusOr<std::unique_ptr<EventStream>> GrpcEventSource::Open(uint64_t after,
                                                                   const std::string& epoch) {
  return std::unique_ptr<EventStream>(new GrpcEventStream(stub_, options_, after, epoch));
}

}  // namespace baton::events
