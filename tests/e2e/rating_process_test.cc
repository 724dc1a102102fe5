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
#include "tests/e2e/two_process_fixture.h"

namespace baton::testing {
namespace {

namespace rv1 = ::baton::rating::v1;

class RatingProcessTest : public TwoProcessTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TwoProcessTest::SetUp());
    std::filesystem::create_directories(dir_.Sub("rating"));
    ASSERT_NO_FATAL_FAILURE(StartRating());
  }

  void StartRating() {
    rating_ = Start(BATON_RATING_PATH, "rating",
                    {absl::StrCat("--handoff_address=127.0.0.1:", handoff_->port()),
                     absl::StrCat("--feedback_address=127.0.0.1:", feedback_->port()),
                     "--time_zone=Asia/Shanghai"});
    ASSERT_NE(rating_, nullptr);
    rating_stub_ = rv1::RatingService::NewStub(ChannelTo(rating_->port()));
  }

  // The sequence of the last event in a log: its StreamEvents from 0, read
  // for a second (the stream tails live and marks no end).
  template <typename Stub, typename Request, typename Response>
  uint64_t LastSequence(Stub& stub) {
    Request request;
    auto context = Context(service_, absl::Seconds(1));
    auto reader = stub.StreamEvents(context.get(), request);
    uint64_t last = 0;
    Response message;
    while (reader->Read(&message)) last = message.event().sequence();
    reader->Finish();
    return last;
  }
  uint64_t HandoffEnd() {
    return LastSequence<hv1::HandoffService::Stub, hv1::StreamEventsRequest,
                        hv1::StreamEventsResponse>(*handoff_stub_);
  }
  uint64_t FeedbackEnd() {
    return LastSequence<fv1::FeedbackService::Stub, fv1::StreamEventsRequest,
                        fv1::StreamEventsResponse>(*feedback_stub_);
  }

  // Polls GetConsumerStatus (bounded: 30 s) until both consumers applied
  // exactly up to `handoff_end` and `feedback_end` and have caught up, or
  // one FAILED; returns the last answer.
  rv1::GetConsumerStatusResponse AwaitApplied(uint64_t handoff_end, uint64_t feedback_end) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    rv1::GetConsumerStatusResponse response;
    while (absl::Now() < deadline) {
      response.Clear();
      grpc::Status status = rating_stub_->GetConsumerStatus(
          Context(outreach_).get(), rv1::GetConsumerStatusRequest(), &response);
      if (status.ok() && response.consumers_size() == 2) {
        const rv1::ConsumerStatus& h = response.consumers(0);
        const rv1::ConsumerStatus& f = response.consumers(1);
        if (h.state() == "FAILED" || f.state() == "FAILED") return response;
        if (h.applied_sequence() == handoff_end && f.applied_sequence() == feedback_end &&
            h.caught_up() && f.caught_up()) {
          return response;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll interval
    }
    return response;
  }

  void ExpectAppliedToTheEnds(const rv1::GetConsumerStatusResponse& response, uint64_t handoff_end,
                              uint64_t feedback_end) {
    ASSERT_EQ(response.consumers_size(), 2);
    EXPECT_EQ(response.consumers(0).source(), "baton.handoff.v1.HandoffService");
    EXPECT_EQ(response.consumers(1).source(), "baton.feedback.v1.FeedbackService");
    EXPECT_EQ(response.consumers(0).applied_sequence(), handoff_end)
        << response.consumers(0).ShortDebugString();
    EXPECT_EQ(response.consumers(1).applied_sequence(), feedback_end)
        << response.consumers(1).ShortDebugString();
    for (const rv1::ConsumerStatus& consumer : response.consumers()) {
      EXPECT_TRUE(consumer.caught_up()) << consumer.ShortDebugString();
      EXPECT_EQ(consumer.state(), "LIVE") << consumer.ShortDebugString();
      EXPECT_EQ(consumer.error(), "") << consumer.ShortDebugString();
    }
  }

  // One accepted handoff, rated by front desk: events in both logs.
  void RatedHandoff(const std::string& reference) {
    hv1::WorkItem item;
    hv1::Handoff handoff;
    ASSERT_NO_FATAL_FAILURE(AcceptedItem(reference, /*complete=*/true, &item, &handoff));
    fv1::RateHandoffRequest rate = RateRequest(handoff.name());
    rate.set_request_id("rate-" + reference);
    fv1::RateHandoffResponse rated;
    ASSERT_GRPC_OK(feedback_stub_->RateHandoff(Context(front_desk_).get(), rate, &rated));
  }

  std::unique_ptr<ServerProcess> rating_;
  std::unique_ptr<rv1::RatingService::Stub> rating_stub_;
};

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
