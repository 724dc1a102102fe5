#ifndef BATON_SERVICES_FEEDBACK_HANDOFF_FACTS_H_
#define BATON_SERVICES_FEEDBACK_HANDOFF_FACTS_H_

// What the feedback service needs to know from the handoff service, which
// owns the org and the handoffs: whether a handoff, team or work item
// exists, its state, and whom it concerns. One interface, two
// implementations: LocalHandoffFacts (in the same process: batond) reads
// HandoffStore directly; RemoteHandoffFacts asks a handoff server over gRPC
// with a deadline (the services run apart).
//
// Each lookup ends by calling `done` exactly once, perhaps before it
// returns (local) or on another thread (remote), with:
//   the fact; NOT_FOUND naming the resource; UNAVAILABLE (reason
//   HANDOFF_UNAVAILABLE) when the handoff service cannot answer by
//   `deadline` — the feedback call then fails with it and writes nothing;
//   DATA_LOSS / INTERNAL for a stored or returned record that makes no sense.
// The facts used are those that never change once true (a handoff's teams,
// an accepted handoff's acceptance, a team's department, a finished work
// item's end), so a fact read before a mutation still holds when it commits.
// Thread-safe.

#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "baton/handoff/v1/resources.pb.h"

namespace baton::feedback {

template <typename T>
using FactCallback = absl::AnyInvocable<void(absl::StatusOr<T>)>;

// A team and its department (bare ids).
struct TeamFact {
  std::string team_id;
  std::string department_id;
};

// A handoff, its work item and chain (bare ids), and its two teams.
struct HandoffFact {
  std::string handoff_id;
  std::string work_item_id;
  std::string chain_id;
  handoff::v1::HandoffState state = handoff::v1::HANDOFF_STATE_UNSPECIFIED;
  // When it was accepted or returned; InfinitePast() while offered.
  absl::Time decide_time = absl::InfinitePast();
  TeamFact supplier;
  TeamFact customer;
};

// A work item, its chain and the teams of the chain's stages, in order.
struct WorkItemFact {
  std::string work_item_id;
  std::string chain_id;
  handoff::v1::WorkItemState state = handoff::v1::WORK_ITEM_STATE_UNSPECIFIED;
  int stage_index = 0;
  std::vector<std::string> chain_team_ids;
};

class HandoffFacts {
 public:
  virtual ~HandoffFacts() = default;

  // `id` is a bare id (not a resource name).
  virtual void Handoff(absl::string_view id, absl::Time deadline,
                       FactCallback<HandoffFact> done) = 0;
  virtual void Team(absl::string_view id, absl::Time deadline, FactCallback<TeamFact> done) = 0;
  virtual void WorkItem(absl::string_view id, absl::Time deadline,
                        FactCallback<WorkItemFact> done) = 0;
};

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_HANDOFF_FACTS_H_
