#ifndef BATON_COMMON_TIME_BACKOFF_H_
#define BATON_COMMON_TIME_BACKOFF_H_

#include <algorithm>

#include "absl/time/time.h"

namespace baton {

// Exponential backoff for a loop that retries a failing step (a timer that
// cannot write, a consumer that cannot reach its source): each failure
// doubles the delay from `initial` up to `max`; a success resets it. Not
// thread-safe: one per loop.
class Backoff {
 public:
  Backoff(absl::Duration initial, absl::Duration max) : initial_(initial), max_(max) {}

  // The delay to wait after a failure; each call doubles the next one.
  absl::Duration Failed() {
    const absl::Duration delay = next_ == absl::ZeroDuration() ? initial_ : next_;
    next_ = std::min(delay * 2, max_);
    return std::min(delay, max_);
  }
  // After a success the next failure waits `initial` again.
  void Succeeded() { next_ = absl::ZeroDuration(); }

 private:
  const absl::Duration initial_;
  const absl::Duration max_;
  absl::Duration next_ = absl::ZeroDuration();
};

}  // namespace baton

#endif  // BATON_COMMON_TIME_BACKOFF_H_
