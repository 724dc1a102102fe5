#ifndef BATON_CMD_FEEDBACK_FLAGS_FEEDBACK_FLAGS_H_
#define BATON_CMD_FEEDBACK_FLAGS_FEEDBACK_FLAGS_H_

// The feedback service's flags, shared by every binary that hosts it
// (batond, baton-feedback): its rules (feedback::FeedbackOptions).

#include "services/feedback/options.h"

namespace baton::cmd {

// The options the flags say; a flag out of range exits with a message.
feedback::FeedbackOptions FeedbackOptionsFromFlags();

}  // namespace baton::cmd

#endif  // BATON_CMD_FEEDBACK_FLAGS_FEEDBACK_FLAGS_H_
