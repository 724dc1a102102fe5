#ifndef BATON_SERVICES_FEEDBACK_REMOTE_HANDOFF_FACTS_H_
#define BATON_SERVICES_FEEDBACK_REMOTE_HANDOFF_FACTS_H_

// HandoffFacts from a handoff server over gRPC (baton-feedback, where the
// services run apart). Each lookup is one or two unary calls on gRPC's
// callback API with the lookup's deadline and `authorization: Bearer
// <token>` from the token source (a token with the service role: it reads
// every handoff, team and work item). A Handoff lookup is GetHandoff, then
// GetTeam of its two teams; a WorkItem lookup is GetWorkItem, then GetChain.
// Teams never change department, so team → department is cached (bounded:
// kMaxCachedTeams, then forgotten all at once).
//
// What the handoff server answers becomes (HandoffFacts' contract):
//   NOT_FOUND                        → NOT_FOUND naming the resource asked for
//   UNAVAILABLE, DEADLINE_EXCEEDED,
//   RESOURCE_EXHAUSTED, CANCELLED,
//   ABORTED                          → UNAVAILABLE, reason HANDOFF_UNAVAILABLE
//                                      (retry later)
//   PERMISSION_DENIED, UNAUTHENTICATED → INTERNAL: feedback's own
//                                      credentials were refused, a
//                                      deployment error no caller can fix
//   anything else                    → INTERNAL
// `done` runs on a gRPC thread (or inline when the call cannot start).
// Calls in flight keep what they use alive, so this object may be destroyed
// before they end. Thread-safe.

#include <functional>
#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "services/feedback/handoff_facts.h"

namespace baton::feedback {

// The bearer token to send with each call; "" sends none.
using TokenSource = std::function<std::string()>;

class RemoteHandoffFacts final : public HandoffFacts {
 public:
  static constexpr size_t kMaxCachedTeams = 10'000;

  RemoteHandoffFacts(std::shared_ptr<grpc::Channel> channel, TokenSource token);
  ~RemoteHandoffFacts() override;

  void Handoff(absl::string_view id, absl::Time deadline, FactCallback<HandoffFact> done) override;
  void Team(absl::string_view id, absl::Time deadline, FactCallback<TeamFact> done) override;
  void WorkItem(absl::string_view id, absl::Time deadline,
                FactCallback<WorkItemFact> done) override;

  struct Connection;

 private:
  std::shared_ptr<Connection> connection_;
};

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_REMOTE_HANDOFF_FACTS_H_
