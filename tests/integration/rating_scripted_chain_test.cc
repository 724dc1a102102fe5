// The rating service's figures over gRPC against figures computed
// independently, in the test, from a scripted chain of a few hundred
// handoffs (scripted_chain.h: returns, drops, overdue and late decisions,
// ratings, a revision, an upheld and an overturned dispute, verdicts,
// praise and complaints) and the formulas of DESIGN.md (chain_model.h).
// Every count is compared exactly, so one event applied twice or lost
// shows; qualities within 1e-3 (the rollups keep q to 1/1000). Shown to
// fail with overdue counted on the offer day instead of the due day, with
// every supplier marked first-pass for verdicts, with a revision that
// does not take the old rating out of the histogram, and with verdicts
// put on the wrong funnel stage.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "baton/rating/v1/rating_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/scripted_chain.h"

namespace baton::testing {
namespace {

namespace rv1 = ::baton::rating::v1;

constexpr double kQualityTolerance = 1e-3;

rv1::Window WindowOf(const ModelWindow& window) {
  rv1::Window w;
  w.set_start_day(absl::FormatCivilTime(window.from));
  w.set_end_day(absl::FormatCivilTime(window.to));
  return w;
}

// An optional figure: set exactly when the model has one, and equal to it.
void ExpectFigure(bool has, double got, std::optional<double> want, double tolerance,
                  const char* what) {
  EXPECT_EQ(has, want.has_value()) << what;
  if (has && want.has_value()) {
    EXPECT_NEAR(got, *want, tolerance) << what;
  }
}
#define EXPECT_FIGURE(message, field, want, tolerance) \
  ExpectFigure((message).has_##field(), (message).field(), (want), (tolerance), #field)

void ExpectSide(const rv1::SideFigures& got, const ModelSide& want,
                std::optional<double> department_mean, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(got.decided(), want.decided);
  EXPECT_EQ(got.offers(), want.offers);
  EXPECT_EQ(got.accepts(), want.accepts);
  EXPECT_EQ(got.returns(), want.returns);
  EXPECT_EQ(got.drops(), want.drops);
  EXPECT_EQ(got.overdue(), want.overdue);
  EXPECT_EQ(got.scored(), want.scored);
  EXPECT_EQ(got.overturned_ratings(), want.overturned);
  ASSERT_EQ(got.overall_ratings_size(), 5);
  for (int score = 1; score <= 5; ++score) {
    EXPECT_EQ(got.overall_ratings(score - 1), want.overall[score - 1]) << "overall " << score;
  }
  EXPECT_FIGURE(got, mean_quality, want.MeanQuality(), kQualityTolerance);
  EXPECT_FIGURE(got, score, want.Score(department_mean), kQualityTolerance);
  // Ratios of counts: exact but for the division.
  EXPECT_FIGURE(got, csat, want.Csat(), 1e-12);
  EXPECT_FIGURE(got, first_pass_yield, want.FirstPassYield(), 1e-12);
  EXPECT_FIGURE(got, rework_rate, want.ReworkRate(), 1e-12);
  EXPECT_FIGURE(got, on_time_rate, want.OnTimeRate(), 1e-12);
}

std::optional<double> Mean(int64_t sum, int64_t count) {
  if (count == 0) return std::nullopt;
  return static_cast<double>(sum) / static_cast<double>(count);
}

class RatingScriptedChainTest : public ScriptedChainTest {
 protected:
  rv1::Scorecard Scorecard(const std::string& team, const ModelWindow& window) {
    rv1::GetTeamScorecardRequest request;
    request.set_team(absl::StrCat("teams/", team));
    *request.mutable_window() = WindowOf(window);
    rv1::GetTeamScorecardResponse response;
    const grpc::Status status =
        rating().GetTeamScorecard(Context(reader_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.scorecard();
  }

  rv1::Scoreboard Scoreboard(const std::string& department, const ModelWindow& window,
                             rv1::ScoreboardOrder order) {
    rv1::GetDepartmentScoreboardRequest request;
    request.set_department(absl::StrCat("departments/", department));
    *request.mutable_window() = WindowOf(window);
    request.set_order(order);
    rv1::GetDepartmentScoreboardResponse response;
    const grpc::Status status =
        rating().GetDepartmentScoreboard(Context(reader_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.scoreboard();
  }

  void ExpectScorecards(const ModelWindow& window) {
    for (const char* department : {"intake", "care"}) {
      for (const std::string& team : model_.TeamsOf(department)) {
        SCOPED_TRACE(absl::StrCat(team, " over ", absl::FormatCivilTime(window.from), "..",
                                  absl::FormatCivilTime(window.to)));
        const rv1::Scorecard card = Scorecard(team, window);
        const std::optional<double> mean = model_.DepartmentMean(department, window);
        ExpectSide(card.as_supplier(), model_.AsSupplier(team, window), mean, "as supplier");
        ExpectSide(card.as_customer(), model_.AsCustomer(team, window), mean, "as customer");
        const ModelWindow before = window.Previous();
        const std::optional<double> mean_before = model_.DepartmentMean(department, before);
        ExpectSide(card.previous_as_supplier(), model_.AsSupplier(team, before), mean_before,
                   "previous as supplier");
        ExpectSide(card.previous_as_customer(), model_.AsCustomer(team, before), mean_before,
                   "previous as customer");

        const ModelFeedback feedback = model_.Feedback(team, window);
        EXPECT_EQ(card.feedback().praise(), feedback.praise);
        EXPECT_EQ(card.feedback().complaints(), feedback.complaints);
        EXPECT_EQ(card.feedback().disputes_filed(), feedback.disputes_filed);
        EXPECT_EQ(card.feedback().disputes_upheld(), feedback.disputes_upheld);
        EXPECT_EQ(card.feedback().disputes_overturned(), feedback.disputes_overturned);
        EXPECT_EQ(card.feedback().escalated(), 0);
        EXPECT_EQ(card.feedback().open(), feedback.open);

        const ModelVerdicts verdicts = model_.Verdicts(team, window);
        const rv1::VerdictFigures& got = card.verdicts();
        EXPECT_EQ(got.verdicts(), verdicts.count);
        EXPECT_FIGURE(got, mean, Mean(verdicts.sum, verdicts.count), 1e-12);
        EXPECT_FIGURE(got, mean_first_pass, Mean(verdicts.first_pass_sum, verdicts.first_pass),
                      1e-12);
        EXPECT_FIGURE(got, mean_reworked, Mean(verdicts.reworked_sum, verdicts.reworked), 1e-12);
      }
    }
  }

  // The board's rows in the model's order: teams with data for the order
  // best first (ties by name), then those without, by name.
  void ExpectScoreboard(const std::string& department, const ModelWindow& window,
                        rv1::ScoreboardOrder order) {
    SCOPED_TRACE(absl::StrCat(department, " by ", rv1::ScoreboardOrder_Name(order)));
    const std::optional<double> mean = model_.DepartmentMean(department, window);
    struct Row {
      std::string team;
      std::optional<double> key;
    };
    std::vector<Row> want;
    for (const std::string& team : model_.TeamsOf(department)) {
      const ModelSide side = model_.AsSupplier(team, window);
      std::optional<double> key = side.FirstPassYield();
      if (order == rv1::SCOREBOARD_ORDER_SCORE) {
        key = side.scored > 0 ? side.Score(mean) : std::nullopt;
      }
      want.push_back({team, key});
    }
    std::sort(want.begin(), want.end(), [](const Row& a, const Row& b) {
      if (a.key.has_value() != b.key.has_value()) return a.key.has_value();
      if (a.key && *a.key != *b.key) return *a.key > *b.key;
      return a.team < b.team;
    });

    const rv1::Scoreboard board = Scoreboard(department, window, order);
    ASSERT_EQ(board.rows_size(), static_cast<int>(want.size()));
    EXPECT_FIGURE(board, department_mean, mean, kQualityTolerance);
    for (size_t i = 0; i < want.size(); ++i) {
      const rv1::ScoreboardRow& row = board.rows(static_cast<int>(i));
      EXPECT_EQ(row.team(), absl::StrCat("teams/", want[i].team)) << "rank " << i + 1;
      EXPECT_EQ(row.rank(), static_cast<int>(i) + 1);
      EXPECT_EQ(row.open_feedback(), model_.Feedback(want[i].team, window).open);
      ExpectSide(row.as_supplier(), model_.AsSupplier(want[i].team, window), mean,
                 absl::StrCat("row of ", want[i].team));
    }
  }

  void ExpectFunnel(const ModelWindow& window) {
    SCOPED_TRACE(absl::StrCat("funnel over ", absl::FormatCivilTime(window.from), "..",
                              absl::FormatCivilTime(window.to)));
    rv1::GetChainFunnelRequest request;
    request.set_chain(absl::StrCat("chains/", kChain));
    *request.mutable_window() = WindowOf(window);
    rv1::GetChainFunnelResponse response;
    const grpc::Status status = rating().GetChainFunnel(Context(reader_).get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    const rv1::Funnel& funnel = response.funnel();

    const std::vector<ModelStage> want = model_.Funnel(window);
    ASSERT_EQ(funnel.stages_size(), static_cast<int>(want.size()));
    std::optional<double> conversion_product, yield_product;
    for (size_t i = 0; i < want.size(); ++i) {
      SCOPED_TRACE(absl::StrCat("stage ", i));
      const rv1::FunnelStage& got = funnel.stages(static_cast<int>(i));
      const ModelStage& stage = want[i];
      EXPECT_EQ(got.team(), absl::StrCat("teams/", stage.team));
      EXPECT_EQ(got.entered(), stage.entered);
      EXPECT_EQ(got.passed(), stage.passed);
      EXPECT_EQ(got.dropped(), stage.dropped);
      const std::optional<double> conversion = Mean(stage.passed, stage.entered);
      const std::optional<double> yield = Mean(stage.first_pass, stage.decided);
      EXPECT_FIGURE(got, conversion, conversion, 1e-12);
      EXPECT_FIGURE(got, first_pass_yield, yield, 1e-12);
      EXPECT_FIGURE(got, mean_verdict, Mean(stage.verdict_sum, stage.verdicts), 1e-12);
      if (conversion) conversion_product = conversion_product.value_or(1.0) * *conversion;
      if (yield) yield_product = yield_product.value_or(1.0) * *yield;
    }
    EXPECT_FIGURE(funnel, overall_conversion, conversion_product, 1e-12);
    EXPECT_FIGURE(funnel, rolled_throughput_yield, yield_product, 1e-12);
  }

  void ExpectHandoffScore(const std::string& name) {
    SCOPED_TRACE(name);
    rv1::GetHandoffScoreRequest request;
    request.set_handoff(name);
    rv1::GetHandoffScoreResponse response;
    const grpc::Status status =
        rating().GetHandoffScore(Context(reader_).get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    const ModelHandoff& handoff = model_.Handoff(name);
    const ModelScore want = ScoreOf(handoff);
    const rv1::HandoffScore& got = response.score();
    EXPECT_EQ(got.supplier_team(), absl::StrCat("teams/", handoff.supplier));
    EXPECT_EQ(got.customer_team(), absl::StrCat("teams/", handoff.customer));
    EXPECT_EQ(got.attempt(), handoff.attempt);
    EXPECT_EQ(got.to_stage(), handoff.to_stage);
    EXPECT_FIGURE(got, rating_part, want.rating, 1e-9);
    EXPECT_NEAR(got.first_pass_part(), want.first_pass, 1e-9);
    EXPECT_NEAR(got.timeliness_part(), want.timeliness, 1e-9);
    EXPECT_NEAR(got.quality(), want.quality, 1e-9);
    EXPECT_EQ(got.rating_overturned(), handoff.overturned);
  }
};

TEST_F(RatingScriptedChainTest, FiguresEqualAnIndependentRecountOfTheScript) {
  ASSERT_NO_FATAL_FAILURE(RunScript());
  ASSERT_NO_FATAL_FAILURE(AwaitRatingCaughtUp());

  // The script is what the test claims it is: a few hundred handoffs with
  // every kind of event in it.
  int returned = 0, late = 0, very_late = 0, rated = 0;
  for (const auto& [name, handoff] : model_.handoffs()) {
    ASSERT_TRUE(handoff.decided) << name;
    returned += !handoff.accepted;
    rated += handoff.overall.has_value();
    const ModelScore score = ScoreOf(handoff);
    late += handoff.overdue() && score.timeliness > 0;
    very_late += handoff.overdue() && score.timeliness == 0;
  }
  std::cout << "scripted chain: " << model_.handoffs().size() << " handoffs, " << returned
            << " returned, " << late << " late, " << very_late << " very late, " << rated
            << " rated\n";
  EXPECT_GE(model_.handoffs().size(), 300u);
  EXPECT_GE(returned, 20);
  EXPECT_GE(late, 10);
  EXPECT_GE(very_late, 5);
  const ModelWindow all = ScriptWindow();
  int64_t drops = 0, feedback = 0;
  for (const std::string& team : model_.TeamsOf("intake")) {
    drops += model_.AsSupplier(team, all).drops;
    feedback += model_.Feedback(team, all).praise + model_.Feedback(team, all).complaints;
  }
  EXPECT_GE(drops, 10);
  EXPECT_GE(feedback, 5);
  const ModelVerdicts reception = model_.Verdicts("reception", all);
  EXPECT_GE(reception.first_pass, 10);
  EXPECT_GE(reception.reworked, 3);

  ASSERT_NO_FATAL_FAILURE(ExpectScorecards(all));
  for (const char* department : {"intake", "care"}) {
    for (rv1::ScoreboardOrder order :
         {rv1::SCOREBOARD_ORDER_SCORE, rv1::SCOREBOARD_ORDER_FIRST_PASS_YIELD}) {
      ASSERT_NO_FATAL_FAILURE(ExpectScoreboard(department, all, order));
    }
  }
  ASSERT_NO_FATAL_FAILURE(ExpectFunnel(all));

  // A window of the first days only: each figure must sit on its own day
  // (a score on its decide day, an overdue on its due day, …).
  const ModelWindow first_days{all.from, all.from + 3};
  ASSERT_LT(first_days.to, all.to);
  ASSERT_NO_FATAL_FAILURE(ExpectScorecards(first_days));
  ASSERT_NO_FATAL_FAILURE(ExpectScoreboard("intake", first_days, rv1::SCOREBOARD_ORDER_SCORE));
  ASSERT_NO_FATAL_FAILURE(ExpectFunnel(first_days));

  // Single handoffs: the revised, the disputed two, and a sample of the rest.
  ExpectHandoffScore(revised());
  ExpectHandoffScore(upheld());
  ExpectHandoffScore(overturned());
  EXPECT_TRUE(model_.Handoff(overturned()).overturned);
  int sampled = 0;
  for (const auto& [name, handoff] : model_.handoffs()) {
    if (sampled++ % 17 == 0) ExpectHandoffScore(name);
  }
}

}  // namespace
}  // namespace baton::testing
