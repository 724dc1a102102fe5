#include "cmd/feedback_flags/feedback_flags.h"

#include <cstdlib>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/time/time.h"

ABSL_FLAG(absl::Duration, rating_window, absl::Hours(7 * 24),
          "how long after its acceptance a handoff may be rated and its rating revised");
ABSL_FLAG(absl::Duration, complaint_sla, absl::Hours(24),
          "time to acknowledge a complaint before it escalates to the department head");
ABSL_FLAG(absl::Duration, grievance_sla, absl::Hours(72),
          "time for management to acknowledge a grievance before it escalates");
ABSL_FLAG(absl::Duration, suggestion_sla, absl::Hours(7 * 24),
          "time to acknowledge a suggestion before it escalates");
ABSL_FLAG(absl::Duration, praise_sla, absl::Hours(7 * 24),
          "time to acknowledge praise before it escalates");
ABSL_FLAG(int, pulse_minimum_answers, 5,
          "fewest pulse answers of a team and month for which more than the count is shown");

namespace baton::cmd {
namespace {

absl::Duration Positive(absl::Duration value, const char* flag) {
  if (value <= absl::ZeroDuration()) {
    std::cerr << "baton: --" << flag << " must be positive\n";
    std::exit(2);
  }
  return value;
}

}  // namespace

feedback::FeedbackOptions FeedbackOptionsFromFlags() {
  feedback::FeedbackOptions options;
  options.rating_window = Positive(absl::GetFlag(FLAGS_rating_window), "rating_window");
  options.complaint_sla = Positive(absl::GetFlag(FLAGS_complaint_sla), "complaint_sla");
  options.grievance_sla = Positive(absl::GetFlag(FLAGS_grievance_sla), "grievance_sla");
  options.suggestion_sla = Positive(absl::GetFlag(FLAGS_suggestion_sla), "suggestion_sla");
  options.praise_sla = Positive(absl::GetFlag(FLAGS_praise_sla), "praise_sla");
  options.pulse_minimum_answers = absl::GetFlag(FLAGS_pulse_minimum_answers);
  if (options.pulse_minimum_answers < 2) {
    // One answer shown alone could be traced to its author.
    std::cerr << "baton: --pulse_minimum_answers must be at least 2\n";
    std::exit(2);
  }
  return options;
}

}  // namespace baton::cmd
