// The rating service hosted as batond hosts it: its consumers read the
// handoff and feedback logs in-process, GetConsumerStatus reports them over
// gRPC, and its health turns SERVING once both have caught up.

#include <string>

#include "baton/feedback/v1/feedback_service.grpc.pb.h"
#include "baton/rating/v1/rating_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/health_watch.h"
#include "tests/integration/org_fixture.h"

namespace baton::testing {
namespace {

namespace fv1 = ::baton::feedback::v1;
namespace rv1 = ::baton::rating::v1;
using Health = grpc::health::v1::HealthCheckResponse;

constexpr char kRatingService[] = "baton.rating.v1.RatingService";

class RatingTest : public OrgTest {
 protected:
  uint64_t HandoffEnd() { return server_.store().event_log()->last_sequence(); }
  uint64_t FeedbackEnd() { return server_.feedback_store().event_log()->last_sequence(); }

  // An item offered by front desk, accepted by consultation and rated by it.
  void RatedHandoff(const std::string& reference) {
    const hv1::Handoff offer = Offer(front_desk_, CreateItem(reference).name());
    hv1::AcceptHandoffRequest accept;
    accept.set_name(offer.name());
    hv1::AcceptHandoffResponse accepted;
    grpc::Status status = server_.stub().AcceptHandoff(Context(consult_).get(), accept, &accepted);
    ASSERT_TRUE(status.ok()) << status.error_message();
    fv1::RateHandoffRequest rate;
    rate.set_request_id("rate-" + reference);
    rate.set_handoff(offer.name());
    fv1::Scores* scores = rate.mutable_scores();
    for (auto set :
         {&fv1::Scores::set_completeness, &fv1::Scores::set_accuracy, &fv1::Scores::set_timeliness,
          &fv1::Scores::set_communication, &fv1::Scores::set_overall}) {
      (scores->*set)(4);
    }
    fv1::RateHandoffResponse rated;
    status = server_.feedback_stub().RateHandoff(Context(consult_).get(), rate, &rated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Waits (event-driven, bounded) until both consumers applied up to the
  // logs' current ends; then what gRPC reports.
  rv1::GetConsumerStatusResponse AwaitEnds() {
    const uint64_t handoff_end = HandoffEnd();
    const uint64_t feedback_end = FeedbackEnd();
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    auto reached = [](uint64_t end) {
      return [end](const events::ConsumerStatus& s) {
        return s.applied_sequence >= end || s.state == events::ConsumerState::kFailed;
      };
    };
    EXPECT_TRUE(server_.rating().handoff_consumer().AwaitStatus(reached(handoff_end), deadline));
    EXPECT_TRUE(server_.rating().feedback_consumer().AwaitStatus(reached(feedback_end), deadline));
    rv1::GetConsumerStatusResponse response;
    grpc::Status status = server_.rating_stub().GetConsumerStatus(
        Context(front_desk_).get(), rv1::GetConsumerStatusRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
};

TEST_F(RatingTest, ConsumesBothLogsAndReportsItOverGrpc) {
  ASSERT_NO_FATAL_FAILURE(RatedHandoff("R-1"));
  ASSERT_NO_FATAL_FAILURE(RatedHandoff("R-2"));
  ASSERT_GT(HandoffEnd(), 0u);
  ASSERT_GT(FeedbackEnd(), 0u);
  const rv1::GetConsumerStatusResponse response = AwaitEnds();
  ASSERT_EQ(response.consumers_size(), 2);
  const rv1::ConsumerStatus& handoff = response.consumers(0);
  const rv1::ConsumerStatus& feedback = response.consumers(1);
  EXPECT_EQ(handoff.source(), "baton.handoff.v1.HandoffService");
  EXPECT_EQ(feedback.source(), "baton.feedback.v1.FeedbackService");
  for (const rv1::ConsumerStatus* consumer : {&handoff, &feedback}) {
    EXPECT_EQ(consumer->error(), "") << consumer->source();
    EXPECT_TRUE(consumer->caught_up()) << consumer->source();
    EXPECT_EQ(consumer->lag_events(), 0u) << consumer->source();
    EXPECT_FALSE(consumer->epoch().empty()) << consumer->source();
    EXPECT_TRUE(consumer->has_applied_time()) << consumer->source();
  }
  EXPECT_EQ(handoff.applied_sequence(), HandoffEnd());
  EXPECT_EQ(feedback.applied_sequence(), FeedbackEnd());
  EXPECT_TRUE(WaitForHealth(server_.channel(), kRatingService, Health::SERVING));
}

TEST_F(RatingTest, ResumesFromItsCheckpointsAfterARestart) {
  ASSERT_NO_FATAL_FAILURE(RatedHandoff("R-1"));
  AwaitEnds();
  server_.Restart();
  ASSERT_NO_FATAL_FAILURE(RatedHandoff("R-2"));
  const rv1::GetConsumerStatusResponse response = AwaitEnds();
  ASSERT_EQ(response.consumers_size(), 2);
  EXPECT_EQ(response.consumers(0).applied_sequence(), HandoffEnd());
  EXPECT_EQ(response.consumers(1).applied_sequence(), FeedbackEnd());
  EXPECT_TRUE(response.consumers(0).caught_up());
  EXPECT_TRUE(response.consumers(1).caught_up());
  EXPECT_TRUE(WaitForHealth(server_.channel(), kRatingService, Health::SERVING));
}

TEST_F(RatingTest, TheReadSideIsNotBuiltYetAndEveryCallIsAuthenticated) {
  rv1::GetTeamScorecardRequest request;
  request.set_team("teams/front-desk");
  rv1::GetTeamScorecardResponse response;
  grpc::Status status =
      server_.rating_stub().GetTeamScorecard(Context(front_desk_).get(), request, &response);
  EXPECT_CODE(status, grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("being built"));
  status = server_.rating_stub().GetTeamScorecard(Context("").get(), request, &response);
  EXPECT_CODE(status, grpc::StatusCode::UNAUTHENTICATED);
  rv1::GetConsumerStatusResponse consumers;
  status = server_.rating_stub().GetConsumerStatus(Context("").get(),
                                                   rv1::GetConsumerStatusRequest(), &consumers);
  EXPECT_CODE(status, grpc::StatusCode::UNAUTHENTICATED);

  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + front_desk_);
  rv1::WatchScoreboardRequest watch;
  watch.set_department("departments/clinic");
  auto reader = server_.rating_stub().WatchScoreboard(&context, watch);
  rv1::WatchScoreboardResponse update;
  EXPECT_FALSE(reader->Read(&update));
  EXPECT_CODE(reader->Finish(), grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace baton::testing
