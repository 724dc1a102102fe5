#ifndef BATON_COMMON_EVENTS_LATEST_VALUE_STREAM_H_
#define BATON_COMMON_EVENTS_LATEST_VALUE_STREAM_H_

// A server stream of a value that changes (a department's scoreboard): the
// client gets the value as it stands, then each newer one. Unlike a log
// (LogTailReactor), a stream of states may skip states: only the newest
// matters. So a stream holds at most TWO messages whatever the client
// does — the one being written and the newest one waiting; a newer value
// replaces the waiting one (coalesced). A slow client costs two messages
// of memory, and never the writer's time.
//
// Who drives it: a producer (e.g. rating's ScoreboardWatchHub) calls
// Offer, End and CheckStall through the LatestValueSink interface, from
// any thread; gRPC calls the reactions. The producer forgets the stream
// in `on_done`, after which the stream is deleted: the producer must not
// call it once on_done has returned, and on_done must not run while the
// producer is inside one of its calls (a producer calls under its own lock
// and takes that lock in on_done; a stream never calls the producer with
// its own lock held, so that order has no cycle).
//
// How a stream ends (the status reaches the client after the message in
// flight):
//   CANCELLED            the client cancelled (or went away).
//   RESOURCE_EXHAUSTED   a write took longer than `stall_timeout`: the
//                        client took no message (reason
//                        STREAM_CONSUMER_TOO_SLOW, StreamTooSlow).
//   End(status)          the producer's: UNAVAILABLE at shutdown, an error
//                        of the value's source.
// A stream that ended while its client takes nothing is cancelled one more
// stall_timeout later (CheckStall), so that it holds nothing for long.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "grpcpp/grpcpp.h"

namespace baton::events {

// What a producer of values sees of a stream. Thread-safe; never blocks.
class LatestValueSink {
 public:
  virtual ~LatestValueSink() = default;
  // Sends `message` (serialized) now when no write is in flight, else keeps
  // it as the next, replacing any message waiting. No-op once ended.
  virtual void Offer(std::shared_ptr<const std::string> message) = 0;
  // Ends the stream with `status`; what waits is dropped. Idempotent.
  virtual void End(const absl::Status& status) = 0;
  // Applies the stall rules at `now` (see above). Call at least every few
  // seconds: the rules are as precise as the calls are frequent.
  virtual void CheckStall(absl::Time now) = 0;
};

struct LatestValueOptions {
  // A client that takes no message for this long is too slow. Default:
  // 30 s (as StreamLimits::stall_timeout).
  absl::Duration stall_timeout = absl::Seconds(30);
  // What a too-slow client is told to do. Default: "reconnect".
  std::string resume_hint = "reconnect";
  // Called once with the stream, when gRPC is done with the call, before
  // the stream is deleted. Required.
  std::function<void(LatestValueSink* self)> on_done;
  // When writes start, for the stall rules (CheckStall's `now` must come
  // from the same clock). Default: Clock::Real().
  const Clock* clock = nullptr;
};

class LatestValueStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                                public LatestValueSink {
 public:
  // For a raw callback handler, which returns it.
  LatestValueStream(grpc::CallbackServerContext* context, LatestValueOptions options);

  void Offer(std::shared_ptr<const std::string> message) override;
  void End(const absl::Status& status) override;
  void CheckStall(absl::Time now) override;

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  void WriteLocked(std::shared_ptr<const std::string> message) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FinishLocked(const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  grpc::CallbackServerContext* const context_;
  const LatestValueOptions options_;
  const Clock* const clock_;

  absl::Mutex mu_;
  grpc::ByteBuffer writing_buffer_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  std::shared_ptr<const std::string> waiting_ ABSL_GUARDED_BY(mu_);
  // When the write in flight started.
  absl::Time write_started_ ABSL_GUARDED_BY(mu_);
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  // When a finished stream whose client takes nothing is cancelled.
  absl::Time cancel_at_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
};

}  // namespace baton::events

#endif  // BATON_COMMON_EVENTS_LATEST_VALUE_STREAM_H_
