#ifndef BATON_CMD_BATOND_DEMO_SEED_H_
#define BATON_CMD_BATOND_DEMO_SEED_H_

#include "absl/status/status.h"
#include "services/handoff/handoff_store.h"

namespace baton::cmd {

// Creates the demo organisation — department "clinic" (诊所), five teams and
// the chain "new-patient" (outreach → front desk → consultation → treatment
// → follow-up) — unless it is there already. Safe to run at every start:
// each create carries a fixed request_id, so a rerun changes nothing.
absl::Status SeedDemo(handoff::HandoffStore& store);

}  // namespace baton::cmd

#endif  // BATON_CMD_BATOND_DEMO_SEED_H_
