#include "tests/integration/scripted_chain.h"

#include "absl/strings/str_cat.h"
#include "baton/feedback/v1/feedback_service.grpc.pb.h"
#include "baton/handoff/v1/handoff_service.grpc.pb.h"

namespace baton::testing {
namespace {

namespace fv1 = ::baton::feedback::v1;
namespace hv1 = ::baton::handoff::v1;
using auth::Role;
using HandoffStub = hv1::HandoffService::Stub;
using FeedbackStub = fv1::FeedbackService::Stub;

// A team's habits as a supplier: how often its customers return its
// handoffs, and the range of their overall ratings of it.
struct TeamPlan {
  const char* id;
  const char* department;
  double return_chance;
  int rating_low;
  int rating_high;
};
constexpr TeamPlan kTeams[] = {
    {"reception", "intake", 0.10, 4, 5}, {"triage", "intake", 0.35, 1, 4},
    {"consult", "care", 0.05, 3, 5},     {"lab", "care", 0.25, 2, 5},
    {"therapy", "care", 0, 1, 5},        {"billing", "care", 0, 1, 5},
};

// The chain's stages: owner, SLA (time to accept an offer into it) and the
// chance that an item waiting there is dropped in a round.
struct StagePlan {
  const char* team;
  absl::Duration sla;
  double drop_chance;
};
const StagePlan kStages[] = {
    {"reception", absl::ZeroDuration(), 0.08}, {"triage", absl::Hours(4), 0.06},
    {"consult", absl::Hours(6), 0.10},         {"lab", absl::Hours(5), 0.05},
    {"therapy", absl::Minutes(270), 0},
};
constexpr int kLastStage = std::size(kStages) - 1;

constexpr int kCreateRounds = 4;
constexpr int kItemsPerRound = 50;
constexpr int kMaxRounds = 40;
constexpr absl::Duration kRound = absl::Hours(16);
// Decision times after a round's start. Every offer is made at the start
// and due at most 6 h later; +6.5 h is late on every stage but before
// twice its SLA (T in (0, 100)); +13 h is past twice every SLA (T = 0).
constexpr absl::Duration kOnTimeAt = absl::Minutes(30);
constexpr absl::Duration kLateAt = absl::Minutes(390);
constexpr absl::Duration kVeryLateAt = absl::Hours(13);
constexpr absl::Duration kAfterDecisions = absl::Hours(14);

const TeamPlan& PlanOf(const std::string& team) {
  for (const TeamPlan& plan : kTeams) {
    if (team == plan.id) return plan;
  }
  ADD_FAILURE() << "no plan for team " << team;
  return kTeams[0];
}

// Calls `method` as `token`, failing the test when it fails.
template <typename Stub, typename Request, typename Response>
Response Call(Stub& stub,
              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
              const std::string& token, const Request& request) {
  Response response;
  const grpc::Status status = (stub.*method)(Context(token).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message() << " for " << request.ShortDebugString();
  return response;
}

TestServerOptions WithClock(const FakeClock* clock) {
  TestServerOptions options;
  options.clock = clock;
  options.timers = true;  // overdue offers are marked by the production timer
  // No thread escalates within the script: escalations are not scripted.
  for (absl::Duration* sla : {&options.feedback.complaint_sla, &options.feedback.grievance_sla,
                              &options.feedback.suggestion_sla, &options.feedback.praise_sla}) {
    *sla = absl::Hours(24 * 300);
  }
  return options;
}

}  // namespace

ScriptedChainTest::ScriptedChainTest() : server_(WithClock(&clock_)) {}

void ScriptedChainTest::SetUp() {
  admin_ = Token("root", "", "", {Role::kAdmin});
  service_ = Token("crm", "", "", {Role::kService});
  reader_ = service_;
  for (const TeamPlan& team : kTeams) {
    members_[team.id] =
        Token(absl::StrCat("member-", team.id), team.id, team.department, {Role::kMember});
    heads_[team.department] =
        Token(absl::StrCat("head-", team.department), "", team.department, {Role::kHead});
  }
  ASSERT_NO_FATAL_FAILURE(CreateOrg());
}

void ScriptedChainTest::CreateOrg() {
  for (const auto& [department, head] : heads_) {
    hv1::CreateDepartmentRequest request;
    request.set_department_id(department);
    request.mutable_department()->set_display_name(absl::StrCat("部门 ", department));
    Call(server_.stub(), &HandoffStub::CreateDepartment, admin_, request);
  }
  for (const TeamPlan& team : kTeams) {
    hv1::CreateTeamRequest request;
    request.set_team_id(team.id);
    request.mutable_team()->set_department(absl::StrCat("departments/", team.department));
    request.mutable_team()->set_display_name(absl::StrCat("团队 ", team.id));
    Call(server_.stub(), &HandoffStub::CreateTeam, admin_, request);
    model_.AddTeam(team.id, team.department);
  }
  hv1::CreateChainRequest request;
  request.set_chain_id(kChain);
  request.mutable_chain()->set_display_name("就诊旅程");
  std::vector<std::string> owners;
  for (const StagePlan& stage : kStages) {
    hv1::Stage* s = request.mutable_chain()->add_stages();
    s->set_display_name(absl::StrCat("阶段 ", stage.team));
    s->set_owner_team(absl::StrCat("teams/", stage.team));
    if (stage.sla > absl::ZeroDuration()) {
      s->mutable_sla()->set_seconds(absl::ToInt64Seconds(stage.sla));
    }
    owners.push_back(stage.team);
  }
  Call(server_.stub(), &HandoffStub::CreateChain, admin_, request);
  model_.SetStages(std::move(owners));
  ASSERT_FALSE(HasFailure());
}

void ScriptedChainTest::RunScript() {
  std::cout << "scripted chain: seed " << kSeed << "\n";
  start_ = clock_.Now();
  for (int round = 0; round < kMaxRounds; ++round) {
    Round(round);
    ASSERT_FALSE(HasFailure()) << "in round " << round;
    const bool done =
        std::all_of(items_.begin(), items_.end(), [](const Item& item) { return item.finished; });
    if (done && round >= kCreateRounds) break;
  }
  end_ = clock_.Now();
  ASSERT_FALSE(revised_.empty());
  ASSERT_EQ(disputed_.size(), 2u);
  for (const Item& item : items_) ASSERT_TRUE(item.finished) << item.name;
}

void ScriptedChainTest::Round(int round) {
  const absl::Time begin = start_ + round * kRound;
  AdvanceTo(begin);
  if (round < kCreateRounds) {
    for (int i = 0; i < kItemsPerRound; ++i) CreateItem();
  }
  std::vector<size_t> finished;
  std::vector<Plan> plans;
  for (size_t i = 0; i < items_.size(); ++i) {
    Item& item = items_[i];
    if (item.finished) continue;
    const std::string& holder = kStages[item.stage].team;
    if (item.stage == kLastStage) {
      hv1::CompleteWorkItemRequest request;
      request.set_name(item.name);
      Call(server_.stub(), &HandoffStub::CompleteWorkItem, Member(holder), request);
      model_.Completed(item.name, clock_.Now());
    } else if (Chance(kStages[item.stage].drop_chance)) {
      hv1::DropWorkItemRequest request;
      request.set_name(item.name);
      request.set_reason(hv1::DROP_REASON_CUSTOMER_WITHDREW);
      Call(server_.stub(), &HandoffStub::DropWorkItem, Member(holder), request);
      model_.Dropped(item.name, item.stage, holder, clock_.Now());
    } else {
      Offer(i, round, plans);
      continue;
    }
    item.finished = true;
    finished.push_back(i);
  }

  // Every open offer is due by begin + 6 h: the first move past that makes
  // all still open overdue, and waits until the timer has marked them.
  size_t open = plans.size();
  bool marked = false;
  for (Timing timing : {Timing::kOnTime, Timing::kLate, Timing::kVeryLate}) {
    std::vector<const Plan*> now;
    for (const Plan& plan : plans) {
      if (plan.timing == timing) now.push_back(&plan);
    }
    if (now.empty()) continue;
    if (timing == Timing::kOnTime) {
      AdvanceTo(begin + kOnTimeAt);
    } else {
      AdvanceTo(begin + (timing == Timing::kLate ? kLateAt : kVeryLateAt), marked ? 0 : open);
      marked = true;
    }
    for (const Plan* plan : now) Decide(*plan);
    open -= now.size();
  }
  AdvanceTo(begin + kAfterDecisions);
  for (size_t i : finished) FinishedItemVerdict(i);
  SpecialEvents(round);
}

void ScriptedChainTest::CreateItem() {
  hv1::CreateWorkItemRequest request;
  request.set_chain(absl::StrCat("chains/", kChain));
  request.set_external_reference(absl::StrCat("J-", items_.size()));
  const hv1::CreateWorkItemResponse response =
      Call(server_.stub(), &HandoffStub::CreateWorkItem, Member(kStages[0].team), request);
  items_.push_back({.name = response.work_item().name()});
  model_.Created(items_.back().name, clock_.Now());
}

void ScriptedChainTest::Offer(size_t i, int round, std::vector<Plan>& plans) {
  Item& item = items_[i];
  const StagePlan& supplier = kStages[item.stage];
  const StagePlan& customer = kStages[item.stage + 1];
  hv1::OfferHandoffRequest request;
  request.set_work_item(item.name);
  const hv1::OfferHandoffResponse response =
      Call(server_.stub(), &HandoffStub::OfferHandoff, Member(supplier.team), request);
  // The script's own record: the times are the clock's, the attempt its count.
  model_.Offered({.id = response.handoff().name(),
                  .item = item.name,
                  .supplier = supplier.team,
                  .customer = customer.team,
                  .to_stage = item.stage + 1,
                  .attempt = item.attempt,
                  .offer = clock_.Now(),
                  .sla = customer.sla});
  Plan plan{.handoff = response.handoff().name(), .item = i};
  plan.accept = item.attempt >= 3 || !Chance(PlanOf(supplier.team).return_chance);
  // Late decisions in a few rounds only: each costs a wait for the timer.
  if (round % 2 == 1 && round < 6) {
    const int roll = Uniform(1, 100);
    if (roll > 88) {
      plan.timing = Timing::kVeryLate;
    } else if (roll > 70) {
      plan.timing = Timing::kLate;
    }
  }
  plans.push_back(std::move(plan));
}

void ScriptedChainTest::Decide(const Plan& plan) {
  Item& item = items_[plan.item];
  const ModelHandoff& handoff = model_.Handoff(plan.handoff);
  if (plan.accept) {
    hv1::AcceptHandoffRequest request;
    request.set_name(plan.handoff);
    Call(server_.stub(), &HandoffStub::AcceptHandoff, Member(handoff.customer), request);
    model_.Decided(plan.handoff, true, clock_.Now());
    ++item.stage;
    item.attempt = 1;
    RateAndTalk(plan.handoff);
  } else {
    hv1::ReturnHandoffRequest request;
    request.set_name(plan.handoff);
    request.add_reasons(hv1::RETURN_REASON_MISSING_INFORMATION);
    request.set_note("缺少检查结果");
    Call(server_.stub(), &HandoffStub::ReturnHandoff, Member(handoff.customer), request);
    model_.Decided(plan.handoff, false, clock_.Now());
    ++item.attempt;
    item.returned = true;
  }
}

void ScriptedChainTest::RateAndTalk(const std::string& name) {
  const ModelHandoff& handoff = model_.Handoff(name);
  if (!Chance(0.85)) return;
  const TeamPlan& supplier = PlanOf(handoff.supplier);
  fv1::RateHandoffRequest rate;
  rate.set_handoff(name);
  const int overall = Uniform(supplier.rating_low, supplier.rating_high);
  rate.mutable_scores()->set_overall(overall);
  rate.mutable_scores()->set_completeness(Uniform(1, 5));
  rate.mutable_scores()->set_accuracy(Uniform(1, 5));
  rate.mutable_scores()->set_timeliness(Uniform(1, 5));
  rate.mutable_scores()->set_communication(Uniform(1, 5));
  Call(server_.feedback_stub(), &FeedbackStub::RateHandoff, Member(handoff.customer), rate);
  model_.Rated(name, overall);
  rated_.push_back({name, overall});

  const bool praise = overall == 5 && Chance(0.2);
  const bool complaint = overall <= 2 && Chance(0.5);
  if (!praise && !complaint) return;
  fv1::SubmitFeedbackRequest feedback;
  feedback.set_kind(praise ? fv1::FEEDBACK_KIND_PRAISE : fv1::FEEDBACK_KIND_COMPLAINT);
  feedback.set_handoff(name);
  feedback.set_title(praise ? "交接很清楚" : "交接缺资料");
  feedback.set_body("详情见评分 details in the rating");
  Call(server_.feedback_stub(), &FeedbackStub::SubmitFeedback, Member(handoff.customer), feedback);
  if (praise) {
    model_.Praised(handoff.supplier, clock_.Now());
  } else {
    model_.Complained(handoff.supplier, clock_.Now());
  }
}

void ScriptedChainTest::FinishedItemVerdict(size_t i) {
  if (!Chance(0.6)) return;
  const Item& item = items_[i];
  // The outside customer notices rework: lower verdicts for reworked items.
  const int score = item.returned ? Uniform(1, 4) : Uniform(3, 5);
  fv1::RecordVerdictRequest request;
  request.set_work_item(item.name);
  request.set_score(score);
  request.set_comment("回访 follow-up call");
  Call(server_.feedback_stub(), &FeedbackStub::RecordVerdict, service_, request);
  model_.Verdict(item.name, score, clock_.Now());
}

void ScriptedChainTest::SpecialEvents(int round) {
  const auto rating_of = [](const std::string& handoff) {
    return absl::StrCat("ratings/", handoff.substr(std::string("handoffs/").size()));
  };
  if (round == 2) {
    // A revision, within the 7-day rating window: the latest low rating.
    for (auto it = rated_.rbegin(); it != rated_.rend() && revised_.empty(); ++it) {
      if (it->second > 3) continue;
      revised_ = it->first;
      const ModelHandoff& handoff = model_.Handoff(revised_);
      fv1::RateHandoffRequest rate;
      rate.set_handoff(revised_);
      rate.set_comment("补充资料后重新评分");
      fv1::Scores* scores = rate.mutable_scores();
      scores->set_overall(it->second + 2);
      for (auto set : {&fv1::Scores::set_completeness, &fv1::Scores::set_accuracy,
                       &fv1::Scores::set_timeliness, &fv1::Scores::set_communication}) {
        (scores->*set)(4);
      }
      Call(server_.feedback_stub(), &FeedbackStub::RateHandoff, Member(handoff.customer), rate);
      model_.Rated(revised_, it->second + 2);
    }
  } else if (round == 3) {
    // Two disputes of the lowest ratings, by their suppliers.
    for (const auto& [handoff, overall] : rated_) {
      if (overall > 2 || handoff == revised_ || disputed_.size() == 2) continue;
      fv1::DisputeRatingRequest request;
      request.set_rating(rating_of(handoff));
      request.set_reason("患者信息由上游提供，非我方责任");
      Call(server_.feedback_stub(), &FeedbackStub::DisputeRating,
           Member(model_.Handoff(handoff).supplier), request);
      model_.Disputed(handoff, clock_.Now());
      disputed_.push_back(handoff);
    }
  } else if (round == 4) {
    // The supplier department's head: the first upheld, the second overturned.
    for (size_t i = 0; i < disputed_.size(); ++i) {
      const std::string& supplier = model_.Handoff(disputed_[i]).supplier;
      fv1::RuleOnDisputeRequest request;
      request.set_rating(rating_of(disputed_[i]));
      request.set_ruling(i == 0 ? fv1::RULING_UPHOLD : fv1::RULING_OVERTURN);
      request.set_note("核实过记录");
      Call(server_.feedback_stub(), &FeedbackStub::RuleOnDispute,
           heads_.at(model_.DepartmentOf(supplier)), request);
      model_.Ruled(disputed_[i], /*overturned=*/i == 1, clock_.Now());
    }
  }
}

void ScriptedChainTest::AdvanceTo(absl::Time t, int overdue) {
  const uint64_t end = server_.store().event_log()->last_sequence();
  clock_.Set(t);
  if (overdue == 0) return;
  // The timer looks at the clock at least once a second; the rating
  // consumer reads every event of the handoff log, so it reaching
  // end + overdue means the timer recorded that many.
  const bool marked = server_.rating().handoff_consumer().AwaitStatus(
      [&](const events::ConsumerStatus& s) {
        return s.applied_sequence >= end + overdue || s.state == events::ConsumerState::kFailed;
      },
      absl::Now() + absl::Seconds(30));
  EXPECT_TRUE(marked) << "the overdue timer did not mark " << overdue << " offers";
}

void ScriptedChainTest::AwaitRatingCaughtUp() {
  const uint64_t handoff_end = server_.store().event_log()->last_sequence();
  const uint64_t feedback_end = server_.feedback_store().event_log()->last_sequence();
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  auto reached = [](uint64_t end) {
    return [end](const events::ConsumerStatus& s) {
      return s.applied_sequence >= end || s.state == events::ConsumerState::kFailed;
    };
  };
  ASSERT_TRUE(server_.rating().handoff_consumer().AwaitStatus(reached(handoff_end), deadline));
  ASSERT_TRUE(server_.rating().feedback_consumer().AwaitStatus(reached(feedback_end), deadline));
  EXPECT_EQ(server_.rating().handoff_consumer().Status().applied_sequence, handoff_end);
  EXPECT_EQ(server_.rating().feedback_consumer().Status().applied_sequence, feedback_end);
}

ModelWindow ScriptedChainTest::ScriptWindow() const {
  return {absl::ToCivilDay(start_, absl::UTCTimeZone()),
          absl::ToCivilDay(end_, absl::UTCTimeZone())};
}

}  // namespace baton::testing
