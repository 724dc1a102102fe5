#ifndef BATON_SERVICES_FEEDBACK_LOCAL_HANDOFF_FACTS_H_
#define BATON_SERVICES_FEEDBACK_LOCAL_HANDOFF_FACTS_H_

// HandoffFacts read from a HandoffStore in the same process (batond): no
// network, so never UNAVAILABLE; `done` runs before each lookup returns.

#include "services/feedback/handoff_facts.h"
#include <functional>
#include <memory>

#include "services/handoff/handoff_module.h"
#include "services/handoff/handoff_store.h"

namespace baton::feedback {

class LocalHandoffFacts final : public HandoffFacts {
 public:
  // `store` must outlive this object.
  explicit LocalHandoffFacts(const handoff::HandoffStore* store);

  void Handoff(absl::string_view id, absl::Time deadline, FactCallback<HandoffFact> done) override;
  void Team(absl::string_view id, absl::Time deadline, FactCallback<TeamFact> done) override;
  void WorkItem(absl::string_view id, absl::Time deadline,
                FactCallback<WorkItemFact> done) override;

 private:
  absl::StatusOr<TeamFact> ReadTeam(absl::string_view id) const;
  absl::StatusOr<HandoffFact> ReadHandoff(absl::string_view id) const;
  absl::StatusOr<WorkItemFact> ReadWorkItem(absl::string_view id) const;

  const handoff::HandoffStore* const store_;
  // Who the feedback service is to the handoff store: a service.
  auth::Caller self_;
};

// The FeedbackModuleOptions::facts of a process that hosts `handoff` too
// (listed before feedback, so it is open when feedback opens).
std::function<absl::StatusOr<std::unique_ptr<HandoffFacts>>()> LocalFacts(
    const handoff::HandoffModule* handoff);

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_LOCAL_HANDOFF_FACTS_H_
