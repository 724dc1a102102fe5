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
  // logs' current ends and are caught up; then what gRPC reports. (After a
  // restart the checkpoint alone reaches the end before the consumer has
  // read its source: waiting for the sequence only raced with caught_up.)
  rv1::GetConsumerStatusResponse AwaitEnds() {
    const uint64_t handoff_end = HandoffEnd();
    const uint64_t feedback_end = FeedbackEnd();
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    auto reached = [](uint64_t end) {
      return [end](const events::ConsumerStatus& s) {
        return (s.applied_sequence >= end && s.caught_up) ||
               s.state == events::ConsumerState::kFailed;
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
  EXPECT_EQ(response.rebuild().state(), "NONE");
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

TEST_F(RatingTest, ScoresScorecardScoreboardAndFunnelAreServedOverGrpc) {
  ASSERT_NO_FATAL_FAILURE(RatedHandoff("R-1"));
  ASSERT_NO_FATAL_FAILURE(RatedHandoff("R-2"));
  AwaitEnds();

  // Rated 4 (R = 75), accepted at the first attempt (F = 100), well before
  // its 30-minute SLA (T = 100): q = 0.5·75 + 0.3·100 + 0.2·100 = 87.5.
  hv1::ListHandoffsRequest list;
  list.set_team("teams/front-desk");
  list.set_box(hv1::BOX_OUTBOX);
  hv1::ListHandoffsResponse handoffs;
  grpc::Status status = server_.stub().ListHandoffs(Context(front_desk_).get(), list, &handoffs);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(handoffs.handoffs_size(), 2);
  rv1::GetHandoffScoreRequest score_request;
  score_request.set_handoff(handoffs.handoffs(0).name());
  rv1::GetHandoffScoreResponse score;
  status = server_.rating_stub().GetHandoffScore(Context(treatment_).get(), score_request, &score);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(score.score().supplier_team(), "teams/front-desk");
  EXPECT_EQ(score.score().customer_team(), "teams/consultation");
  EXPECT_DOUBLE_EQ(score.score().rating_part(), 75);
  EXPECT_DOUBLE_EQ(score.score().first_pass_part(), 100);
  EXPECT_DOUBLE_EQ(score.score().timeliness_part(), 100);
  EXPECT_DOUBLE_EQ(score.score().quality(), 87.5);

  // Any authenticated caller reads the figures: here the treatment team,
  // which has nothing to do with these handoffs.
  rv1::GetTeamScorecardRequest card_request;
  card_request.set_team("teams/front-desk");
  rv1::GetTeamScorecardResponse card;
  status = server_.rating_stub().GetTeamScorecard(Context(treatment_).get(), card_request, &card);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const rv1::SideFigures& supplier = card.scorecard().as_supplier();
  EXPECT_EQ(card.scorecard().department(), "departments/clinic");
  EXPECT_EQ(supplier.decided(), 2);
  EXPECT_EQ(supplier.accepts(), 2);
  EXPECT_EQ(supplier.scored(), 2);
  EXPECT_DOUBLE_EQ(supplier.mean_quality(), 87.5);
  EXPECT_DOUBLE_EQ(supplier.csat(), 1.0);
  EXPECT_DOUBLE_EQ(supplier.first_pass_yield(), 1.0);
  EXPECT_EQ(card.scorecard().as_customer().decided(), 0);

  rv1::GetDepartmentScoreboardRequest board_request;
  board_request.set_department("departments/clinic");
  rv1::GetDepartmentScoreboardResponse board;
  status =
      server_.rating_stub().GetDepartmentScoreboard(Context(service_).get(), board_request, &board);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(board.scoreboard().rows_size(), 3);
  EXPECT_EQ(board.scoreboard().rows(0).team(), "teams/front-desk");
  EXPECT_EQ(board.scoreboard().rows(0).rank(), 1);
  EXPECT_EQ(board.scoreboard().rows(0).display_name(), "前台接待");
  EXPECT_DOUBLE_EQ(board.scoreboard().department_mean(), 87.5);
  EXPECT_EQ(board.scoreboard().rows(0).as_supplier().decided(), 2);
  // Asked again after another rated handoff: the answer is not the one
  // computed before (the scoreboard cache drops a department's scoreboards
  // when its events are applied, before GetConsumerStatus shows them).
  ASSERT_NO_FATAL_FAILURE(RatedHandoff("R-3"));
  AwaitEnds();
  status =
      server_.rating_stub().GetDepartmentScoreboard(Context(service_).get(), board_request, &board);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(board.scoreboard().rows(0).as_supplier().decided(), 3);

  rv1::GetChainFunnelRequest funnel_request;
  funnel_request.set_chain("chains/visit");
  rv1::GetChainFunnelResponse funnel;
  status = server_.rating_stub().GetChainFunnel(Context(head_).get(), funnel_request, &funnel);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(funnel.funnel().stages_size(), 3);
  EXPECT_EQ(funnel.funnel().stages(0).entered(), 3);
  EXPECT_EQ(funnel.funnel().stages(0).passed(), 3);
  EXPECT_DOUBLE_EQ(funnel.funnel().stages(0).conversion(), 1.0);
  EXPECT_EQ(funnel.funnel().stages(1).entered(), 3);
  EXPECT_EQ(funnel.funnel().stages(1).passed(), 0);
}

TEST_F(RatingTest, BadReadsNameEveryWrongFieldAndUnknownOnesAreNotFound) {
  rv1::GetDepartmentScoreboardRequest board;
  board.set_department("teams/clinic");
  board.mutable_window()->set_start_day("2026-02-30");
  board.set_order(static_cast<rv1::ScoreboardOrder>(99));
  rv1::GetDepartmentScoreboardResponse board_response;
  grpc::Status status = server_.rating_stub().GetDepartmentScoreboard(Context(front_desk_).get(),
                                                                      board, &board_response);
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFieldsOf(status), ::testing::UnorderedElementsAre("department", "window.start_day",
                                                                   "window.end_day", "order"));

  rv1::GetTeamScorecardRequest card;
  card.set_team("teams/front-desk");
  card.mutable_window()->set_start_day("2026-03-01");
  card.mutable_window()->set_end_day("2025-03-01");
  rv1::GetTeamScorecardResponse card_response;
  status = server_.rating_stub().GetTeamScorecard(Context(front_desk_).get(), card, &card_response);
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFieldsOf(status), ::testing::ElementsAre("window.end_day"));
  card.mutable_window()->set_start_day("2025-01-01");
  card.mutable_window()->set_end_day("2026-01-02");
  status = server_.rating_stub().GetTeamScorecard(Context(front_desk_).get(), card, &card_response);
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("at most 366 days"));

  card.clear_window();
  card.set_team("teams/nobody");
  status = server_.rating_stub().GetTeamScorecard(Context(front_desk_).get(), card, &card_response);
  EXPECT_CODE(status, grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("teams/nobody"));

  rv1::GetChainFunnelRequest funnel;
  funnel.set_chain("chains/nowhere");
  rv1::GetChainFunnelResponse funnel_response;
  status =
      server_.rating_stub().GetChainFunnel(Context(front_desk_).get(), funnel, &funnel_response);
  EXPECT_CODE(status, grpc::StatusCode::NOT_FOUND);
  rv1::GetHandoffScoreRequest score;
  score.set_handoff("handoffs/");
  rv1::GetHandoffScoreResponse score_response;
  status =
      server_.rating_stub().GetHandoffScore(Context(front_desk_).get(), score, &score_response);
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFieldsOf(status), ::testing::ElementsAre("handoff"));
  score.set_handoff("handoffs/h-unknown");
  status =
      server_.rating_stub().GetHandoffScore(Context(front_desk_).get(), score, &score_response);
  EXPECT_CODE(status, grpc::StatusCode::NOT_FOUND);
}

TEST_F(RatingTest, EveryCallIsAuthenticatedBeforeAnythingElse) {
  rv1::GetTeamScorecardRequest request;
  request.set_team("not a name");
  rv1::GetTeamScorecardResponse response;
  grpc::Status status =
      server_.rating_stub().GetTeamScorecard(Context("").get(), request, &response);
  EXPECT_CODE(status, grpc::StatusCode::UNAUTHENTICATED);
  rv1::GetConsumerStatusResponse consumers;
  status = server_.rating_stub().GetConsumerStatus(Context("").get(),
                                                   rv1::GetConsumerStatusRequest(), &consumers);
  EXPECT_CODE(status, grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext context;
  rv1::WatchScoreboardRequest watch;
  watch.set_department("departments/clinic");
  auto reader = server_.rating_stub().WatchScoreboard(&context, watch);
  rv1::WatchScoreboardResponse update;
  EXPECT_FALSE(reader->Read(&update));
  EXPECT_CODE(reader->Finish(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace baton::testing
