#ifndef BATON_SERVICES_FEEDBACK_HANDOFF_FACT_PARSING_H_
#define BATON_SERVICES_FEEDBACK_HANDOFF_FACT_PARSING_H_

// Facts from the handoff service's resources, shared by the local and the
// remote HandoffFacts. A resource that names something malformed is
// DATA_LOSS (it came from the handoff service's storage).

#include "absl/status/statusor.h"
#include "baton/handoff/v1/resources.pb.h"
#include "services/feedback/handoff_facts.h"

namespace baton::feedback {

absl::StatusOr<TeamFact> TeamFactOf(const handoff::v1::Team& team);
// The teams carry only their ids; their departments are left empty.
absl::StatusOr<HandoffFact> HandoffFactOf(const handoff::v1::Handoff& handoff);
absl::StatusOr<WorkItemFact> WorkItemFactOf(const handoff::v1::WorkItem& item,
                                            const handoff::v1::Chain& chain);

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_HANDOFF_FACT_PARSING_H_
