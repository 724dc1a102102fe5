#include "services/feedback/validation.h"

#include "common/api/checks.h"
#include "common/api/names.h"

namespace baton::feedback {

// --- Ratings and disputes.

// --- Feedback threads.

// --- Pulse and verdicts.

}  // namespace baton::feedback
