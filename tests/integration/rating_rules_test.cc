// Scoring rules and rollup rebuilds over gRPC, on the server as batond
// hosts it: any authenticated caller reads the rules, only admins change
// them or rebuild, input errors name their field in a BadRequest, a
// retried request_id makes no second version, a rebuild replays both logs
// and hands the consumers over, and rules survive a restart.

#include <string>

#include "baton/feedback/v1/feedback_service.grpc.pb.h"
#include "baton/rating/v1/rating_service.grpc.pb.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/health_watch.h"
#include "tests/integration/org_fixture.h"

namespace baton::testing {
namespace {

namespace rv1 = ::baton::rating::v1;
using ::testing::Contains;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using Health = grpc::health::v1::HealthCheckResponse;

rv1::ScoringRules VisitRules() {
  rv1::ScoringRules rules;
  rules.set_chain("chains/visit");
  rules.set_rating_weight(0.4);
  rules.set_first_pass_weight(0.4);
  rules.set_timeliness_weight(0.2);
  rules.set_return_penalty(30);
  rules.set_prior_weight(10);
  rules.set_satisfied_from(4);
  return rules;
}

class RatingRulesTest : public OrgTest {
 protected:
  using Stub = rv1::RatingService::Stub;

  grpc::Status Get(const std::string& token, const std::string& chain, rv1::ScoringRules* out) {
    rv1::GetScoringRulesRequest request;
    request.set_chain(chain);
    return Call(&Stub::GetScoringRules, token, request, out);
  }
  grpc::Status Set(const std::string& token, const rv1::ScoringRules& rules, rv1::ScoringRules* out,
                   const std::string& request_id = "") {
    rv1::SetScoringRulesRequest request;
    request.set_request_id(request_id);
    *request.mutable_rules() = rules;
    return Call(&Stub::SetScoringRules, token, request, out);
  }
  // Calls `method` as `token`; `*out` = the response's rules.
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const std::string& token, const Request& request, rv1::ScoringRules* out) {
    Response response;
    grpc::Status status = (server_.rating_stub().*method)(Context(token).get(), request, &response);
    *out = response.rules();
    return status;
  }
  // The rules version of `handoff`'s score, once the rating service has
  // it (its consumers catch up within the wait); -1 when it never does.
  int ScoreVersion(const std::string& handoff) {
    const uint64_t handoff_end = server_.store().event_log()->last_sequence();
    EXPECT_TRUE(server_.rating().handoff_consumer().AwaitStatus(
        [&](const events::ConsumerStatus& s) { return s.applied_sequence >= handoff_end; },
        absl::Now() + absl::Seconds(30)));
    rv1::GetHandoffScoreRequest request;
    request.set_handoff(handoff);
    rv1::GetHandoffScoreResponse response;
    const grpc::Status status =
        server_.rating_stub().GetHandoffScore(Context(front_desk_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return status.ok() ? response.score().rules_version() : -1;
  }
  // front-desk's score on the clinic's scoreboard (the default window).
  double FrontDeskScore() {
    rv1::GetDepartmentScoreboardRequest request;
    request.set_department("departments/clinic");
    rv1::GetDepartmentScoreboardResponse response;
    const grpc::Status status = server_.rating_stub().GetDepartmentScoreboard(
        Context(front_desk_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const rv1::ScoreboardRow& row : response.scoreboard().rows()) {
      if (row.team() == "teams/front-desk") return row.as_supplier().score();
    }
    return -1;
  }
  grpc::Status Rebuild(const std::string& token, rv1::RebuildRollupsResponse* response) {
    return server_.rating_stub().RebuildRollups(Context(token).get(), rv1::RebuildRollupsRequest(),
                                                response);
  }
};

TEST_F(RatingRulesTest, AnyCallerReadsRulesOnlyAdminsChangeThem) {
  rv1::ScoringRules rules;
  ASSERT_TRUE(Get(front_desk_, "chains/visit", &rules).ok());
  EXPECT_EQ(rules.version(), 1);
  EXPECT_EQ(rules.chain(), "") << "the default applies";
  EXPECT_EQ(rules.rating_weight(), 0.5);
  EXPECT_CODE(Get("", "", &rules), grpc::StatusCode::UNAUTHENTICATED);

  for (const std::string* token : {&front_desk_, &head_, &service_}) {
    grpc::Status status = Set(*token, VisitRules(), &rules);
    EXPECT_CODE(status, grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(InfoOf(status).reason(), "ADMIN_REQUIRED");
  }
  EXPECT_CODE(Set("", VisitRules(), &rules), grpc::StatusCode::UNAUTHENTICATED);

  ASSERT_TRUE(Set(admin_, VisitRules(), &rules, "rules-1").ok());
  EXPECT_EQ(rules.version(), 2);
  EXPECT_EQ(rules.chain(), "chains/visit");
  EXPECT_TRUE(rules.has_create_time());
  ASSERT_TRUE(Set(admin_, VisitRules(), &rules, "rules-1").ok());
  EXPECT_EQ(rules.version(), 2) << "a retry makes no second version";

  ASSERT_TRUE(Get(front_desk_, "chains/visit", &rules).ok());
  EXPECT_EQ(rules.version(), 2);
  EXPECT_EQ(rules.return_penalty(), 30);
  ASSERT_TRUE(Get(front_desk_, "chains/other", &rules).ok());
  EXPECT_EQ(rules.version(), 1);

  server_.Restart();
  ASSERT_TRUE(Get(front_desk_, "chains/visit", &rules).ok());
  EXPECT_EQ(rules.version(), 2) << "rules are durable";
}

TEST_F(RatingRulesTest, InputErrorsNameTheirField) {
  rv1::ScoringRules rules = VisitRules();
  rules.set_rating_weight(2);
  rules.set_satisfied_from(9);
  rv1::ScoringRules out;
  grpc::Status status = Set(admin_, rules, &out);
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFieldsOf(status), Contains("rules.rating_weight"));
  EXPECT_THAT(BadFieldsOf(status), Contains("rules.satisfied_from"));
  rules = VisitRules();
  rules.set_chain("teams/front-desk");
  status = Set(admin_, rules, &out);
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("rules.chain"));
  status = Get(front_desk_, "visit", &out);
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("chain"));
}

TEST_F(RatingRulesTest, ARebuildReplaysBothLogsAndHandsTheConsumersOver) {
  // A returned handoff, scored under version 1: F 50, T 100, unrated:
  // q = (0.3·50 + 0.2·100) / 0.5 = 70; under VisitRules F = 70 and
  // q = (0.4·70 + 0.2·100) / 0.6 = 80. The clinic's only score, so
  // front-desk's Bayesian score is q.
  const hv1::Handoff offer = Offer(front_desk_, CreateItem("R-1").name());
  hv1::ReturnHandoffRequest back;
  back.set_name(offer.name());
  back.add_reasons(hv1::RETURN_REASON_MISSING_INFORMATION);
  hv1::ReturnHandoffResponse returned;
  ASSERT_TRUE(server_.stub().ReturnHandoff(Context(consult_).get(), back, &returned).ok());
  ASSERT_EQ(ScoreVersion(offer.name()), 1);
  EXPECT_NEAR(FrontDeskScore(), 70, 1e-9);
  rv1::ScoringRules rules;
  ASSERT_TRUE(Set(admin_, VisitRules(), &rules).ok());
  EXPECT_EQ(ScoreVersion(offer.name()), 1) << "history keeps its version until a rebuild";
  EXPECT_NEAR(FrontDeskScore(), 70, 1e-9) << "(and the scoreboard is cached now)";

  rv1::RebuildRollupsResponse response;
  grpc::Status status = Rebuild(front_desk_, &response);
  EXPECT_CODE(status, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(InfoOf(status).reason(), "ADMIN_REQUIRED");
  EXPECT_CODE(Rebuild("", &response), grpc::StatusCode::UNAUTHENTICATED);

  status = Rebuild(admin_, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.consumers_size(), 2);
  EXPECT_EQ(response.consumers(0).source(), "baton.handoff.v1.HandoffService (rebuild)");
  EXPECT_EQ(response.consumers(1).source(), "baton.feedback.v1.FeedbackService (rebuild)");
  ASSERT_TRUE(server_.rating().consumers().AwaitNoRebuild(absl::Now() + absl::Seconds(30)));

  // The rebuilt consumers are the live ones: caught up with both logs.
  const uint64_t handoff_end = server_.store().event_log()->last_sequence();
  ASSERT_TRUE(server_.rating().handoff_consumer().AwaitStatus(
      [&](const events::ConsumerStatus& s) { return s.applied_sequence >= handoff_end; },
      absl::Now() + absl::Seconds(30)));
  rv1::GetConsumerStatusResponse consumers;
  status = server_.rating_stub().GetConsumerStatus(Context(front_desk_).get(),
                                                   rv1::GetConsumerStatusRequest(), &consumers);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(consumers.consumers_size(), 2);
  for (const rv1::ConsumerStatus& consumer : consumers.consumers()) {
    EXPECT_THAT(consumer.source(), ::testing::Not(EndsWith("(rebuild)")));
    EXPECT_EQ(consumer.state(), "LIVE") << consumer.source() << ": " << consumer.error();
  }
  EXPECT_EQ(consumers.consumers(0).applied_sequence(), handoff_end);
  EXPECT_EQ(consumers.rebuild().state(), "DONE");
  EXPECT_LE(FromProto(consumers.rebuild().start_time()), FromProto(consumers.rebuild().end_time()));
  EXPECT_EQ(ScoreVersion(offer.name()), 2) << "history re-scored under the chain's rules";
  EXPECT_NEAR(FrontDeskScore(), 80, 1e-9) << "the switch dropped the cached scoreboard";

  // It stays switched over a restart, and the service is SERVING again.
  server_.Restart();
  EXPECT_TRUE(WaitForHealth(server_.channel(), "baton.rating.v1.RatingService", Health::SERVING));
  EXPECT_FALSE(server_.rating().consumers().rebuilding());
  status = Rebuild(admin_, &response);
  EXPECT_TRUE(status.ok()) << "another rebuild may start once one ended: "
                           << status.error_message();
}

}  // namespace
}  // namespace baton::testing
