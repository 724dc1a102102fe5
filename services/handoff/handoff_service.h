#ifndef BATON_SERVICES_HANDOFF_HANDOFF_SERVICE_H_
#define BATON_SERVICES_HANDOFF_HANDOFF_SERVICE_H_

// The gRPC adapter of baton.handoff.v1.HandoffService: a one-liner per
// unary method over HandoffStore (common/server/unary_adapter.h
// authenticates, parses, calls and maps the status). Every method is a raw
// callback method, so requests are parsed by server::ParseRequest (invalid
// UTF-8 → INVALID_ARGUMENT naming the field): unary ones through
// server::ServeRawUnary, the two streams before events::LogTailReactor.

#include "baton/handoff/v1/handoff_service.grpc.pb.h"
#include "common/events/log_tail_reactor.h"
#include "common/server/identity.h"
#include "services/handoff/handoff_store.h"

namespace baton::handoff {

namespace internal {
using S = v1::HandoffService;
// Every method raw.
using RawHandoffService =
    S::WithRawCallbackMethod_CreateDepartment<S::WithRawCallbackMethod_GetDepartment<
        S::WithRawCallbackMethod_ListDepartments<S::WithRawCallbackMethod_CreateTeam<
            S::WithRawCallbackMethod_GetTeam<S::WithRawCallbackMethod_ListTeams<
                S::WithRawCallbackMethod_CreateChain<S::WithRawCallbackMethod_GetChain<
                    S::WithRawCallbackMethod_ListChains<S::WithRawCallbackMethod_CreateWorkItem<
                        S::WithRawCallbackMethod_GetWorkItem<S::WithRawCallbackMethod_ListWorkItems<
                            S::WithRawCallbackMethod_CompleteWorkItem<
                                S::WithRawCallbackMethod_DropWorkItem<
                                    S::WithRawCallbackMethod_OfferHandoff<
                                        S::WithRawCallbackMethod_AcceptHandoff<
                                            S::WithRawCallbackMethod_ReturnHandoff<
                                                S::WithRawCallbackMethod_GetHandoff<
                                                    S::WithRawCallbackMethod_ListHandoffs<
                                                        S::WithRawCallbackMethod_WatchInbox<
                                                            S::WithRawCallbackMethod_StreamEvents<
                                                                S::Service>>>>>>>>>>>>>>>>>>>>>;
}  // namespace internal

class HandoffServiceImpl final : public internal::RawHandoffService {
 public:
  // The full service name, for health checks.
  static constexpr char kServiceName[] = "baton.handoff.v1.HandoffService";

  // `store` and `identity` must outlive the service.
  HandoffServiceImpl(HandoffStore* store, server::CallIdentity* identity)
      : store_(store), identity_(identity) {}

  using Reactor = grpc::ServerUnaryReactor;
  using Ctx = grpc::CallbackServerContext;
  using Buf = grpc::ByteBuffer;

  Reactor* CreateDepartment(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* GetDepartment(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* ListDepartments(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* CreateTeam(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* GetTeam(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* ListTeams(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* CreateChain(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* GetChain(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* ListChains(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* CreateWorkItem(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* GetWorkItem(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* ListWorkItems(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* CompleteWorkItem(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* DropWorkItem(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* OfferHandoff(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* AcceptHandoff(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* ReturnHandoff(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* GetHandoff(Ctx* ctx, const Buf* in, Buf* out) override;
  Reactor* ListHandoffs(Ctx* ctx, const Buf* in, Buf* out) override;

  grpc::ServerWriteReactor<Buf>* WatchInbox(Ctx* ctx, const Buf* in) override;
  grpc::ServerWriteReactor<Buf>* StreamEvents(Ctx* ctx, const Buf* in) override;

  // Bounds of the two streams (see events::StreamLimits and the proto).
  // Defaults: StreamLimits' own; WatchInbox also ends a live stream
  // kWatchInboxMaxLag events behind. Set before serving.
  static constexpr uint64_t kWatchInboxMaxLag = 10'000;
  void set_stream_limits(const events::StreamLimits& limits) { stream_limits_ = limits; }

 private:
  HandoffStore* const store_;
  server::CallIdentity* const identity_;
  events::StreamLimits stream_limits_;
};

}  // namespace baton::handoff

#endif  // BATON_SERVICES_HANDOFF_HANDOFF_SERVICE_H_
