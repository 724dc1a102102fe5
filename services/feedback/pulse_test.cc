// The upward pulse: once per member and month, only aggregates of at least
// pulse_minimum_answers shown, and to the department's head and admins only;
// nothing on the event log that could tell who said what.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/feedback_store_test_fixture.h"

namespace baton::feedback {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kChinese[] = "交接很顺利，但周五人手不够。";

v1::AnswerPulseRequest Answers(int clarity, int resources, int support, int recognition,
                               std::string comment = "", std::string request_id = "") {
  v1::AnswerPulseRequest request;
  request.set_request_id(std::move(request_id));
  const std::pair<v1::PulseQuestion, int> answers[] = {
      {v1::PULSE_QUESTION_CLARITY, clarity},
      {v1::PULSE_QUESTION_RESOURCES, resources},
      {v1::PULSE_QUESTION_SUPPORT, support},
      {v1::PULSE_QUESTION_RECOGNITION, recognition}};
  for (const auto& [question, score] : answers) {
    v1::PulseAnswer* answer = request.add_answers();
    answer->set_question(question);
    answer->set_score(score);
  }
  request.set_comment(std::move(comment));
  return request;
}

class PulseTest : public FeedbackStoreFixture {
 protected:
  // Front desk's members, each its own subject.
  static Caller Desk(int i) {
    return MakeOrDie({.subject = absl::StrCat("desk-", i),
                      .team = "front-desk",
                      .department = "ops",
                      .roles = {auth::Role::kMember}});
  }

  absl::StatusOr<std::string> Answer(const Caller& caller, const v1::AnswerPulseRequest& request) {
    v1::AnswerPulseResponse response;
    RETURN_IF_ERROR(Run(&FeedbackStore::AnswerPulse, caller, request, &response));
    return response.period();
  }

  absl::StatusOr<v1::PulseSummary> Summary(const Caller& caller,
                                           std::string team = "teams/front-desk",
                                           std::string period = "") {
    v1::GetPulseSummaryRequest request;
    request.set_team(std::move(team));
    request.set_period(std::move(period));
    v1::GetPulseSummaryResponse response;
    RETURN_IF_ERROR(Run(&FeedbackStore::GetPulseSummary, caller, request, &response));
    return response.summary();
  }

  // How many answers the summary counts; -1 when it cannot be read.
  int64_t Count(const Caller& caller, std::string team = "teams/front-desk",
                std::string period = "") {
    absl::StatusOr<v1::PulseSummary> summary = Summary(caller, std::move(team), std::move(period));
    EXPECT_OK(summary);
    return summary.ok() ? summary->answers() : -1;
  }
};

TEST_F(PulseTest, PeriodIsTheCalendarMonthInUtc) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(
      FeedbackStore::PulsePeriod(absl::FromCivil(absl::CivilSecond(2026, 11, 30, 23, 59, 59), utc)),
      "2026-11");
  EXPECT_EQ(FeedbackStore::PulsePeriod(absl::FromCivil(absl::CivilSecond(2026, 12, 1), utc)),
            "2026-12");
  // Already December in Shanghai, still November in UTC.
  EXPECT_EQ(FeedbackStore::PulsePeriod(absl::FromCivil(absl::CivilSecond(2026, 11, 30, 20), utc)),
            "2026-11");
}

TEST_F(PulseTest, OncePerMemberAndPeriod) {
  const std::string period = FeedbackStore::PulsePeriod(clock_.Now());
  EXPECT_EQ(Answer(Desk(0), Answers(4, 3, 2, 5)).value_or("failed"), period);
  const uint64_t before = FeedbackLastSequence();
  absl::Status again = Answer(Desk(0), Answers(1, 1, 1, 1)).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  EXPECT_EQ(ErrorReason(again), "PULSE_ALREADY_ANSWERED");
  EXPECT_THAT(again.message(), HasSubstr(period));
  EXPECT_EQ(FeedbackLastSequence(), before);
  // Another member of the same team is not affected.
  EXPECT_OK(Answer(Desk(1), Answers(4, 3, 2, 5)));

  clock_.Advance(absl::Hours(24 * 31));
  const std::string next = FeedbackStore::PulsePeriod(clock_.Now());
  ASSERT_NE(next, period);
  EXPECT_EQ(Answer(Desk(0), Answers(1, 1, 1, 1)).value_or("failed"), next);
  EXPECT_EQ(Count(Admin(), "teams/front-desk", period), 2);
  EXPECT_EQ(Count(Admin()), 1);
}

TEST_F(PulseTest, RetryWithTheSameRequestIdAnswersFromTheLedger) {
  ASSERT_OK(Answer(Desk(0), Answers(4, 3, 2, 5, "", "r-1")));
  const uint64_t before = FeedbackLastSequence();
  EXPECT_EQ(Answer(Desk(0), Answers(4, 3, 2, 5, "", "r-1")).value_or("failed"),
            FeedbackStore::PulsePeriod(clock_.Now()));
  EXPECT_EQ(FeedbackLastSequence(), before);
  EXPECT_EQ(Count(Admin()), 1);
}

TEST_F(PulseTest, CountsOnlyBelowTheMinimumThenMeansDistributionAndComments) {
  const char* comments[] = {"zeta", "", kChinese, "alpha", "mid"};
  for (int i = 0; i < 4; ++i) {
    ASSERT_OK(Answer(Desk(i), Answers(i + 1, 5, 5 - i, 3, comments[i])));
  }
  absl::StatusOr<v1::PulseSummary> four = Summary(OpsHead());
  ASSERT_OK(four);
  EXPECT_EQ(four->team(), "teams/front-desk");
  EXPECT_EQ(four->period(), FeedbackStore::PulsePeriod(clock_.Now()));
  EXPECT_EQ(four->answers(), 4);
  EXPECT_EQ(four->minimum_answers(), 5);
  EXPECT_THAT(four->questions(), IsEmpty());
  EXPECT_THAT(four->comments(), IsEmpty());

  ASSERT_OK(Answer(Desk(4), Answers(5, 5, 1, 3, comments[4])));
  absl::StatusOr<v1::PulseSummary> five = Summary(OpsHead());
  ASSERT_OK(five);
  EXPECT_EQ(five->answers(), 5);
  ASSERT_EQ(five->questions_size(), 4);
  const v1::PulseQuestionSummary& clarity = five->questions(0);
  EXPECT_EQ(clarity.question(), v1::PULSE_QUESTION_CLARITY);
  EXPECT_DOUBLE_EQ(clarity.mean(), 3.0);  // 1 2 3 4 5
  EXPECT_THAT(clarity.distribution(), ElementsAre(1, 1, 1, 1, 1));
  EXPECT_EQ(five->questions(1).question(), v1::PULSE_QUESTION_RESOURCES);
  EXPECT_DOUBLE_EQ(five->questions(1).mean(), 5.0);
  EXPECT_THAT(five->questions(1).distribution(), ElementsAre(0, 0, 0, 0, 5));
  EXPECT_EQ(five->questions(2).question(), v1::PULSE_QUESTION_SUPPORT);
  EXPECT_DOUBLE_EQ(five->questions(2).mean(), 3.0);  // 5 4 3 2 1
  EXPECT_THAT(five->questions(2).distribution(), ElementsAre(1, 1, 1, 1, 1));
  EXPECT_EQ(five->questions(3).question(), v1::PULSE_QUESTION_RECOGNITION);
  EXPECT_THAT(five->questions(3).distribution(), ElementsAre(0, 0, 5, 0, 0));
  // Sorted, not in the order they came; the empty comment is no comment;
  // the Chinese one comes back byte for byte.
  EXPECT_THAT(five->comments(), ElementsAre("alpha", "mid", "zeta", kChinese));
  EXPECT_EQ(Count(Admin()), 5);
}

TEST_F(PulseTest, TheEventSaysTeamAndPeriodOnly) {
  const uint64_t before = FeedbackLastSequence();
  ASSERT_OK(Answer(Desk(7), Answers(2, 3, 4, 5, "秘密的意见 secret-remark")));
  std::vector<events::EventLog::Entry> entries;
  ASSERT_OK(feedback().event_log()->Read(before, 100, &entries));
  ASSERT_EQ(entries.size(), 1u);
  // The serialized event: no subject, no comment, no actor at all.
  EXPECT_THAT(entries[0].value, Not(HasSubstr("desk-7")));
  EXPECT_THAT(entries[0].value, Not(HasSubstr("secret-remark")));
  EXPECT_THAT(entries[0].value, Not(HasSubstr("秘密")));
  v1::Event event;
  ASSERT_TRUE(FeedbackStore::DecodeEvent(entries[0], &event));
  EXPECT_FALSE(event.has_actor());
  ASSERT_TRUE(event.has_pulse_answered());
  EXPECT_EQ(event.pulse_answered().team(), "teams/front-desk");
  EXPECT_EQ(event.pulse_answered().period(), FeedbackStore::PulsePeriod(clock_.Now()));
  // Nothing else is set: no room for a score to hide in.
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  v1::Event unsequenced = event;
  unsequenced.clear_sequence();
  unsequenced.GetReflection()->ListFields(unsequenced, &fields);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0]->name(), "time");
  EXPECT_EQ(fields[1]->name(), "pulse_answered");
  v1::PulseAnswered expected;
  expected.set_team("teams/front-desk");
  expected.set_period(FeedbackStore::PulsePeriod(clock_.Now()));
  EXPECT_EQ(event.pulse_answered().SerializeAsString(), expected.SerializeAsString());
}

TEST_F(PulseTest, OnlyMembersSpeakingForTheirOwnTeamAnswer) {
  const uint64_t before = FeedbackLastSequence();
  const Caller unknown_team = MakeOrDie(
      {.subject = "ghost", .team = "ghosts", .department = "ops", .roles = {auth::Role::kMember}});
  const struct {
    const char* what;
    Caller caller;
    const char* reason;
  } cases[] = {
      {"service acting for the team", Service("front-desk"), "MEMBER_REQUIRED"},
      {"service", Service(), "MEMBER_REQUIRED"},
      {"head without a team", OpsHead(), "MEMBER_REQUIRED"},
      {"admin without a team", Admin(), "MEMBER_REQUIRED"},
      {"team that does not exist", unknown_team, "UNKNOWN_TEAM"},
  };
  for (const auto& c : cases) {
    absl::Status status = Answer(c.caller, Answers(3, 3, 3, 3)).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << c.what << ": " << status;
    EXPECT_EQ(ErrorReason(status), c.reason) << c.what;
  }
  EXPECT_EQ(FeedbackLastSequence(), before);
}

TEST_F(PulseTest, OnlyTheDepartmentsHeadAndAdminsReadTheSummary) {
  ASSERT_OK(Answer(Desk(0), Answers(3, 3, 3, 3)));
  EXPECT_OK(Summary(OpsHead()));
  EXPECT_OK(Summary(Admin()));
  const struct {
    const char* what;
    Caller caller;
  } cases[] = {
      {"a member of the team", Desk(0)},
      {"another team", Consultation()},
      {"a service acting for the team", Service("front-desk")},
      {"a service", Service()},
      {"the other department's head", ClinicHead()},
  };
  for (const auto& c : cases) {
    absl::Status status = Summary(c.caller).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << c.what << ": " << status;
    EXPECT_EQ(ErrorReason(status), "HEAD_REQUIRED") << c.what;
  }
  EXPECT_EQ(Count(ClinicHead(), "teams/consultation"), 0);
  EXPECT_EQ(Summary(Admin(), "teams/nobody").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(PulseTest, BadAnswersNameTheirFieldAndWriteNothing) {
  const uint64_t before = FeedbackLastSequence();
  struct Case {
    const char* what;
    v1::AnswerPulseRequest request;
    const char* field;
  };
  std::vector<Case> cases;
  cases.push_back({"no answers", {}, "answers"});
  v1::AnswerPulseRequest three = Answers(3, 3, 3, 3);
  three.mutable_answers()->RemoveLast();
  cases.push_back({"three answers", three, "answers"});
  v1::AnswerPulseRequest five = Answers(3, 3, 3, 3);
  *five.add_answers() = five.answers(0);
  cases.push_back({"five answers", five, "answers"});
  v1::AnswerPulseRequest unspecified = Answers(3, 3, 3, 3);
  unspecified.mutable_answers(1)->set_question(v1::PULSE_QUESTION_UNSPECIFIED);
  cases.push_back({"unspecified question", unspecified, "answers[1].question"});
  v1::AnswerPulseRequest unknown = Answers(3, 3, 3, 3);
  unknown.mutable_answers(2)->set_question(static_cast<v1::PulseQuestion>(99));
  cases.push_back({"unknown question", unknown, "answers[2].question"});
  v1::AnswerPulseRequest twice = Answers(3, 3, 3, 3);
  twice.mutable_answers(3)->set_question(v1::PULSE_QUESTION_CLARITY);
  cases.push_back({"question twice", twice, "answers[3].question"});
  cases.push_back({"score 0", Answers(3, 0, 3, 3), "answers[1].score"});
  cases.push_back({"score 6", Answers(3, 3, 6, 3), "answers[2].score"});
  cases.push_back({"negative score", Answers(-1, 3, 3, 3), "answers[0].score"});
  std::string long_comment;
  for (int i = 0; i < 2001; ++i) long_comment += "字";
  cases.push_back({"comment of 2001 characters", Answers(3, 3, 3, 3, long_comment), "comment"});
  cases.push_back(
      {"bad request id", Answers(3, 3, 3, 3, "", std::string(1000, 'r')), "request_id"});
  for (const Case& c : cases) {
    absl::Status status = Answer(Desk(0), c.request).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.what << ": " << status;
    EXPECT_THAT(BadRequestFields(status), ElementsAre(c.field)) << c.what;
  }
  EXPECT_EQ(FeedbackLastSequence(), before);
  // 2000 characters (6000 bytes of UTF-8) are within the bound.
  long_comment.resize(long_comment.size() - std::string("字").size());
  EXPECT_OK(Answer(Desk(0), Answers(3, 3, 3, 3, long_comment)));
}

TEST_F(PulseTest, BadSummaryRequestsNameTheirField) {
  const struct {
    const char* team;
    const char* period;
    const char* field;
  } cases[] = {
      {"", "", "team"},
      {"departments/ops", "", "team"},
      {"teams/front-desk", "2026-13", "period"},
      {"teams/front-desk", "2026-1", "period"},
      {"teams/front-desk", "2026/11", "period"},
      {"teams/front-desk", "２０２６-11", "period"},
      {"teams/front-desk", "2026-00", "period"},
  };
  for (const auto& c : cases) {
    absl::Status status = Summary(Admin(), c.team, c.period).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.team << " " << c.period;
    EXPECT_THAT(BadRequestFields(status), ElementsAre(c.field)) << c.team << " " << c.period;
  }
  EXPECT_OK(Summary(Admin(), "teams/front-desk", "2020-01"));
}

TEST_F(PulseTest, UnavailableFactsWriteNothing) {
  const uint64_t before = FeedbackLastSequence();
  facts_->set_unreachable(true);
  absl::Status answer = Answer(Desk(0), Answers(3, 3, 3, 3)).status();
  EXPECT_EQ(answer.code(), absl::StatusCode::kUnavailable) << answer;
  EXPECT_EQ(Summary(OpsHead()).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FeedbackLastSequence(), before);
  facts_->set_unreachable(false);
  // No marker was left behind: the member can still answer.
  EXPECT_OK(Answer(Desk(0), Answers(3, 3, 3, 3)));
}

class FullPulseTest : public PulseTest {
 protected:
  FullPulseTest() { options_.pulse_max_answers = 2; }
};

TEST_F(FullPulseTest, ATeamsTallyIsBounded) {
  ASSERT_OK(Answer(Desk(0), Answers(3, 3, 3, 3)));
  ASSERT_OK(Answer(Desk(1), Answers(3, 3, 3, 3)));
  const uint64_t before = FeedbackLastSequence();
  absl::Status full = Answer(Desk(2), Answers(3, 3, 3, 3)).status();
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted) << full;
  EXPECT_EQ(ErrorReason(full), "PULSE_FULL");
  EXPECT_EQ(FeedbackLastSequence(), before);
  // Other teams have their own bound.
  EXPECT_OK(Answer(Consultation(), Answers(3, 3, 3, 3)));
}

}  // namespace
}  // namespace baton::feedback

namespace baton::feedback {
namespace {

// Comments are kept one record each; a summary shows a bounded number of
// them and says how many it left out.
TEST_F(PulseTest, ASummaryShowsAtMostTwoHundredCommentsAndCountsTheRest) {
  constexpr int kAnswers = 203;
  for (int i = 0; i < kAnswers; ++i) {
    ASSERT_OK(Answer(Desk(i), Answers(4, 4, 4, 4, absl::StrCat("意见 ", i))));
  }
  auto summary = Summary(OpsHead());
  ASSERT_OK(summary);
  EXPECT_EQ(summary->answers(), kAnswers);
  EXPECT_EQ(summary->comments_size(), 200);
  EXPECT_EQ(summary->comments_left_out(), kAnswers - 200);
  EXPECT_TRUE(std::is_sorted(summary->comments().begin(), summary->comments().end()));
}

}  // namespace
}  // namespace baton::feedback
