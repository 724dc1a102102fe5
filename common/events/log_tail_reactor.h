#ifndef BATON_COMMON_EVENTS_LOG_TAIL_REACTOR_H_
#define BATON_COMMON_EVENTS_LOG_TAIL_REACTOR_H_

// A server stream that serves an EventLog after a sequence number and then
// tails it live (StreamEvents, WatchInbox, and the feedback and rating
// services' streams). Messages go out as serialized ByteBuffers, so the
// methods are registered as raw callback methods and parse their own
// requests (server::ParseRequest: a malformed request gets
// INVALID_ARGUMENT naming the field, not gRPC's bare UNIMPLEMENTED).
//
// How it reads: while behind, it reads the log itself in batches; once
// caught up it waits on the log's notifier, which hands it the new entries
// it read once for every stream (and, for a stream with a topic, only when
// an entry has that topic). One write is in flight at a time.
//
// Bounds (StreamLimits): the messages a stream holds (its outbox) are
// bounded in count and bytes; when full, the stream stops taking entries
// and the rest stay in the log, read again when the client catches up. A
// client that takes no message for `stall_timeout`, or a live stream that
// falls more than `max_lag` entries behind, is ended with
// RESOURCE_EXHAUSTED (reason STREAM_CONSUMER_TOO_SLOW, metadata
// `after_sequence`: the last entry it was sent). The status reaches the
// client after what it was already sent; if it takes nothing for another
// `stall_timeout`, the call is cancelled so that it holds nothing.
//
// How a stream ends:
//   CANCELLED            the client cancelled.
//   UNAVAILABLE          the log closed (server shutdown): reconnect.
//   RESOURCE_EXHAUSTED   too slow (above).
//   DATA_LOSS            an entry cannot be decoded (Convert said kCorrupt)
//                        or is missing: after every message before it, with
//                        its sequence number in the message and ErrorInfo
//                        (reason EVENT_UNREADABLE, metadata `sequence`).
//   what Read returned   the log could not be read.

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/events/event_log.h"
#include "grpcpp/grpcpp.h"

namespace baton::events {

// What a Convert made of an entry.
enum class Converted {
  // `*message` holds the serialized message to send.
  kSend,
  // The entry is not for this stream (a filter): nothing is sent.
  kSkip,
  // The entry cannot be decoded: the stream ends with DATA_LOSS naming its
  // sequence number rather than skip it (`*message` may say why).
  kCorrupt,
};
// Runs under the stream's lock, on a gRPC or the notifier thread.
using Convert = std::function<Converted(const LogEntry& entry, std::string* message)>;

struct StreamLimits {
  // Most messages a stream holds, the one being written included.
  // Default: 256.
  size_t max_outbox_messages = 256;
  // Most bytes those messages hold (a single larger message is still sent,
  // alone). A server holds at most streams × this (plus each one's message
  // in flight) for its streams' clients, whatever they leave unread.
  // Default: 256 KiB.
  size_t max_outbox_bytes = size_t{256} << 10;
  // A client that takes no message for this long is too slow. Default: 30 s.
  absl::Duration stall_timeout = absl::Seconds(30);
  // A stream that had caught up and then falls more than this many entries
  // behind the log's end is too slow; 0 for no limit. Streams still
  // replaying what they asked for (the log as it was when they began) are
  // never held to it. Default: 0.
  uint64_t max_lag = 0;
};

// How a stream ended, for observers (logs, metrics, tests).
struct TailEnd {
  absl::Status status;
  // The last entry whose message was written to the client (the stream's
  // `after` when none).
  uint64_t sent_through = 0;
  // The most messages and bytes the stream held at once.
  size_t peak_outbox_messages = 0;
  size_t peak_outbox_bytes = 0;
};

struct TailOptions {
  // The log to serve; must outlive the stream. Required.
  EventLog* log = nullptr;
  // Serve entries with a sequence number above this.
  uint64_t after = 0;
  // When set, only entries with this topic (EventLogOptions::topics) reach
  // `convert`, and the stream is woken only by them. Default: every entry.
  std::string topic;
  // Required.
  Convert convert;
  // Written before any entry (e.g. a "synced" marker), serialized.
  std::optional<std::string> first;
  // What a too-slow client is told to do, given sent_through. Default:
  // "reconnect with after_sequence=N".
  std::function<std::string(uint64_t sent_through)> resume_hint;
  StreamLimits limits;
  // Called once, under the stream's lock, when the stream decides how it
  // ends (before the client sees it). Must not block. Optional.
  std::function<void(const TailEnd&)> on_end;
  // Called once when gRPC is done with the call. Optional.
  std::function<void()> on_done;
};

class LogTailReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  // Starts the stream for a raw callback handler. `context` is the call's.
  static grpc::ServerWriteReactor<grpc::ByteBuffer>* Start(grpc::CallbackServerContext* context,
                                                           TailOptions options);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // Lifetime: gRPC holds one reference until OnDone; a registered wait and
  // a pending timer hold one each; the last one deletes the reactor.
  LogTailReactor(grpc::CallbackServerContext* context, TailOptions options);

  struct Outgoing {
    grpc::ByteBuffer buffer;
    size_t bytes = 0;
    uint64_t sequence = 0;  // of the entry it came from
  };

  void Unref();
  // The notifier handed over new entries (null: read them yourself).
  void OnBatch(std::shared_ptr<const LogBatch> batch);
  void OnTimer();

  // Writes the next message, takes more entries (from the log or by
  // waiting on the notifier), or ends the stream.
  void PumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Reads a batch from the log; false when the stream ended.
  bool ReadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Converts one entry into the outbox; false when it could not (full, or
  // the entry ends the stream), in which case cursor_ stays before it.
  bool TakeLocked(const LogEntry& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool FullLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void PushLocked(std::string message, uint64_t sequence) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StartWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ArmTimerLocked(absl::Time when) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status TooSlowLocked(const std::string& why) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Ends the stream now: drops what is queued (but the message being
  // written) and sends `status`.
  void FinishLocked(absl::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  grpc::CallbackServerContext* const context_;
  const TailOptions options_;
  LogNotifier* const notifier_;
  // The log's end when the stream began.
  const uint64_t replay_end_;

  absl::Mutex mu_;
  // The last entry taken (sent or skipped).
  uint64_t cursor_ ABSL_GUARDED_BY(mu_);
  uint64_t sent_through_ ABSL_GUARDED_BY(mu_);
  // Front: the message being written when writing_.
  std::deque<Outgoing> outbox_ ABSL_GUARDED_BY(mu_);
  size_t outbox_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  size_t peak_messages_ ABSL_GUARDED_BY(mu_) = 0;
  size_t peak_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  // The next message did not fit: full until a write completes.
  bool no_room_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time write_started_ ABSL_GUARDED_BY(mu_);
  // When a finished stream whose client takes nothing is cancelled.
  absl::Time cancel_at_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  // Set when the stream is to end once its outbox is written.
  std::optional<absl::Status> ending_ ABSL_GUARDED_BY(mu_);
  bool live_ ABSL_GUARDED_BY(mu_) = false;  // it has passed replay_end_
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t wait_id_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t timer_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<int> refs_{1};
};

// A stream that ends at once with `status` (a refused request).
grpc::ServerWriteReactor<grpc::ByteBuffer>* FinishedStream(const absl::Status& status);

// How every Baton stream tells a client it was too slow: RESOURCE_EXHAUSTED,
// reason STREAM_CONSUMER_TOO_SLOW, "stream consumer too slow: <why>; <hint>"
// and `metadata` in the ErrorInfo.
absl::Status StreamTooSlow(absl::string_view why, absl::string_view hint,
                           const std::map<std::string, std::string>& metadata = {});

}  // namespace baton::events

#endif  // BATON_COMMON_EVENTS_LOG_TAIL_REACTOR_H_
