#ifndef BATON_COMMON_EVENTS_SERVE_EVENT_LOG_H_
#define BATON_COMMON_EVENTS_SERVE_EVENT_LOG_H_

// Every service's StreamEvents, whole: authenticate, parse the request,
// allow services and admins only, check the consumer's position against
// the log (OUT_OF_RANGE past its end, FAILED_PRECONDITION EPOCH_MISMATCH),
// then tail the log with each entry decoded into the service's Event and
// sent with the log's epoch. Header-only: the service links
// baton_common_events and baton_common_server.

#include <string>

#include "common/auth/caller.h"
#include "common/events/log_tail_reactor.h"
#include "common/server/unary_adapter.h"

namespace baton::events {

// `Request` has after_sequence and epoch; `Response` has a message field
// `event` and a string `epoch`; `decode(entry, Event*)` is false when the
// entry does not parse (the stream then ends DATA_LOSS).
template <typename Request, typename Response, typename Decode>
grpc::ServerWriteReactor<grpc::ByteBuffer>* ServeEventLog(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* in,
                                                          const server::CallIdentity& identity,
                                                          EventLog* log, const StreamLimits& limits,
                                                          Decode decode) {
  Request request;
  absl::StatusOr<auth::Caller> caller = server::StreamCaller(context, in, identity, &request);
  if (!caller.ok()) return FinishedStream(caller.status());
  if (absl::Status s = auth::RequireServiceOrAdmin(*caller, "StreamEvents"); !s.ok()) {
    return FinishedStream(s);
  }
  if (absl::Status s = log->CheckResume(request.after_sequence(), request.epoch()); !s.ok()) {
    return FinishedStream(s);
  }
  return LogTailReactor::Start(
      context, {.log = log,
                .after = request.after_sequence(),
                .convert =
                    [epoch = log->epoch(), decode](const EventLog::Entry& entry, std::string* out) {
                      Response message;
                      if (!decode(entry, message.mutable_event())) return Converted::kCorrupt;
                      message.set_epoch(epoch);
                      *out = message.SerializeAsString();
                      return Converted::kSend;
                    },
                .limits = limits});
}

}  // namespace baton::events

#endif  // BATON_COMMON_EVENTS_SERVE_EVENT_LOG_H_
