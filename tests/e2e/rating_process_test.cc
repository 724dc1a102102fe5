// baton-rating as a third process beside baton-handoff and baton-feedback:
// it consumes both event logs over gRPC (GrpcEventSource, with a token it
// signs itself), catches up, and after a kill -9 resumes from its durable
// checkpoints to the logs' new ends with no gap (a gap would stop the
// consumer FAILED with DATA_LOSS). Figures (exactly-once counts) are
// checked once the read side is served.

#include <signal.h>

#include <string>
#include <thread>
#include <vector>

#include "baton/rating/v1/rating_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/e2e/rating_process_fixture.h"

namespace baton::testing {
namespace {

TEST_F(RatingProcessTest, CatchesUpOverGrpcAndResumesAfterAKillWithoutGaps) {
  ASSERT_NO_FATAL_FAILURE(RatedHandoff("E2E-1"));
  ASSERT_NO_FATAL_FAILURE(RatedHandoff("E2E-2"));
  uint64_t handoff_end = HandoffEnd();
  uint64_t feedback_end = FeedbackEnd();
  ASSERT_GT(handoff_end, 0u);
  ASSERT_GT(feedback_end, 0u);
  ASSERT_NO_FATAL_FAILURE(
      ExpectAppliedToTheEnds(AwaitApplied(handoff_end, feedback_end), handoff_end, feedback_end));

  // A crash: no drain, no flush beyond what each committed batch synced.
  ASSERT_NE(rating_->Signal(SIGKILL), -1);
  rating_.reset();
  ASSERT_NO_FATAL_FAILURE(RatedHandoff("E2E-3"));
  ASSERT_NO_FATAL_FAILURE(RatedHandoff("E2E-4"));
  const uint64_t new_handoff_end = HandoffEnd();
  const uint64_t new_feedback_end = FeedbackEnd();
  ASSERT_GT(new_handoff_end, handoff_end);
  ASSERT_GT(new_feedback_end, feedback_end);

  ASSERT_NO_FATAL_FAILURE(StartRating());
  ASSERT_NO_FATAL_FAILURE(ExpectAppliedToTheEnds(AwaitApplied(new_handoff_end, new_feedback_end),
                                                 new_handoff_end, new_feedback_end));
  // And it stays live: an event made now arrives too.
  ASSERT_NO_FATAL_FAILURE(RatedHandoff("E2E-5"));
  handoff_end = HandoffEnd();
  feedback_end = FeedbackEnd();
  ASSERT_NO_FATAL_FAILURE(
      ExpectAppliedToTheEnds(AwaitApplied(handoff_end, feedback_end), handoff_end, feedback_end));
  EXPECT_EQ(rating_->Signal(SIGTERM), 0);  // drains and exits 0
}

}  // namespace
}  // namespace baton::testing
