#ifndef BATON_COMMON_EVENTS_GRPC_EVENT_SOURCE_H_
#define BATON_COMMON_EVENTS_GRPC_EVENT_SOURCE_H_

// An EventSource over a Baton service's StreamEvents, called through a
// grpc::GenericStub with the wire-generic messages of
// baton/common/v1/events.proto, so one implementation reads every
// service's log without linking its protos.
//
// Reading: a callback-API reactor (no thread of its own) keeps one read in
// flight while fewer than `max_buffered` messages wait to be taken; when
// that many wait it stops reading, gRPC's flow control then holds the rest
// on the server (which ends a consumer too slow for too long with
// RESOURCE_EXHAUSTED: a reconnect). Memory is bounded by `max_buffered`
// events.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/events/event_source.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"

namespace baton::events {

struct GrpcEventSourceOptions {
  // EventSource::name(), e.g. "baton.handoff.v1.HandoffService". Required.
  std::string name;
  // The channel to the service. Required.
  std::shared_ptr<grpc::Channel> channel;
  // The full method name, e.g. "/baton.handoff.v1.HandoffService/StreamEvents".
  // Required.
  std::string method;
  // Called at each Open for the bearer token to send (a service's token:
  // StreamEvents takes services and admins only); "" sends none. Must be
  // thread-safe. Default: none.
  std::function<std::string()> token;
  // Most events a stream holds that the reader has not taken. Default: 256.
  size_t max_buffered = 256;
};

// Thread-safe.
class GrpcEventSource final : public EventSource {
 public:
  explicit GrpcEventSource(GrpcEventSourceOptions options);

  const std::string& name() const override { return options_.name; }
  // Never fails itself: the call's errors (the server's status, converted
  // with FromGrpcStatus, details kept) come from the stream's Read, after
  // every event it sent. A message that does not parse, or whose header
  // does not, ends the stream with DATA_LOSS naming the sequence number it
  // should have had (the previous one + 1: logs have no gaps). A stream the
  // server ends with OK (it should not) reads as UNAVAILABLE. Destroying
  // the stream cancels the call and waits for gRPC to finish with it.
  absl::StatusOr<std::unique_ptr<EventStream>> Open(uint64_t after,
                                                    const std::string& epoch) override;

 private:
  const GrpcEventSourceOptions options_;
  grpc::GenericStub stub_;
};

}  // namespace baton::events

#endif  // BATON_COMMON_EVENTS_GRPC_EVENT_SOURCE_H_
