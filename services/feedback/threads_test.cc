// Feedback threads: the state machine, who may do what, what each
// refusal says, input bounds, idempotency and what the event log carries.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/threads_test_fixture.h"

namespace baton::feedback {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ThreadsTest : public ThreadsFixture {};

// The payload kinds of `events`, and that none carries text.
std::vector<int> Kinds(const std::vector<v1::Event>& events) {
  std::vector<int> kinds;
  for (const v1::Event& event : events) {
    kinds.push_back(event.payload_case());
    const auto* descriptor = v1::Event::descriptor();
    const auto* field = descriptor->FindFieldByNumber(event.payload_case());
    const auto& thread =
        static_cast<const v1::Feedback&>(event.GetReflection()->GetMessage(event, field));
    EXPECT_TRUE(thread.title().empty() && thread.body().empty() && thread.replies().empty() &&
                thread.dismiss_reason().empty() && thread.recognition().note().empty())
        << event.DebugString();
  }
  return kinds;
}

TEST_F(ThreadsTest, WholeFlowFromSubmitToReopenAndCloseAgain) {
  const absl::Time submitted = clock_.Now();
  auto thread = Complaint();
  ASSERT_OK(thread);
  EXPECT_EQ(thread->state(), v1::FEEDBACK_STATE_OPEN);
  EXPECT_EQ(thread->author_team(), "teams/front-desk");
  EXPECT_EQ(thread->addressee_team(), "teams/outreach");
  EXPECT_EQ(thread->department(), "departments/ops");
  EXPECT_EQ(thread->author_department(), "departments/ops");
  EXPECT_EQ(FromProto(thread->respond_by()), submitted + absl::Hours(24));
  const std::string name = thread->name();

  ASSERT_OK(Acknowledge(Outreach(), name));
  ASSERT_OK(Reply(FrontDesk(), name, "什么时候能补上？"));
  auto replied = Reply(Outreach(), name, "今天下午补齐。");
  ASSERT_OK(replied);
  EXPECT_EQ(replied->state(), v1::FEEDBACK_STATE_ACKNOWLEDGED);
  auto resolved = Resolve(Outreach(), name, "已补齐出生日期");
  ASSERT_OK(resolved);
  EXPECT_EQ(resolved->state(), v1::FEEDBACK_STATE_RESOLVED);
  ASSERT_EQ(resolved->replies_size(), 3);
  EXPECT_EQ(resolved->replies(2).text(), "已补齐出生日期");
  EXPECT_EQ(resolved->replies(2).author().team(), "teams/outreach");

  clock_.Advance(absl::Hours(1));
  auto reopened = Reopen(FrontDesk(), name, "电话号码也错了");
  ASSERT_OK(reopened);
  EXPECT_EQ(reopened->state(), v1::FEEDBACK_STATE_OPEN);
  EXPECT_TRUE(reopened->reopened());
  EXPECT_EQ(reopened->replies(3).text(), "电话号码也错了");
  EXPECT_EQ(FromProto(reopened->respond_by()), clock_.Now() + absl::Hours(24));

  auto dismissed = Dismiss(Outreach(), name, "电话号码由病人提供");
  ASSERT_OK(dismissed);
  EXPECT_EQ(dismissed->state(), v1::FEEDBACK_STATE_DISMISSED);
  EXPECT_EQ(dismissed->dismiss_reason(), "电话号码由病人提供");
  auto again = Reopen(FrontDesk(), name);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(again.status()), "ALREADY_REOPENED");

  auto stored = Get(FrontDesk(), name);
  ASSERT_OK(stored);
  EXPECT_EQ(stored->SerializeAsString(), dismissed->SerializeAsString());
  EXPECT_THAT(Kinds(FeedbackEvents()),
              ElementsAre(v1::Event::kFeedbackSubmitted, v1::Event::kFeedbackAcknowledged,
                          v1::Event::kFeedbackReplied, v1::Event::kFeedbackReplied,
                          v1::Event::kFeedbackResolved, v1::Event::kFeedbackReopened,
                          v1::Event::kFeedbackDismissed));
}

TEST_F(ThreadsTest, WrongCallersAreRefusedWithTheirReasonAndWriteNothing) {
  auto thread = Complaint();
  ASSERT_OK(thread);
  const std::string name = thread->name();
  const uint64_t before = FeedbackLastSequence();
  const auto expect_denied = [](const absl::StatusOr<v1::Feedback>& result,
                                absl::string_view reason) {
    EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied) << result.status();
    EXPECT_EQ(ErrorReason(result.status()), reason) << result.status();
  };
  expect_denied(Acknowledge(FrontDesk(), name), "NOT_ADDRESSEE");  // the author
  expect_denied(Acknowledge(OpsHead(), name), "NOT_ADDRESSEE");    // not a grievance
  expect_denied(Acknowledge(Service("front-desk"), name), "NOT_ADDRESSEE");
  expect_denied(Resolve(Consultation(), name), "NOT_ADDRESSEE");
  expect_denied(Dismiss(Admin(), name), "NOT_ADDRESSEE");
  expect_denied(Reply(Consultation(), name, "我也有意见"), "NOT_PARTICIPANT");
  expect_denied(Reopen(Outreach(), name), "NOT_AUTHOR");
  expect_denied(Recognize(ClinicHead(), name), "NOT_DEPARTMENT_HEAD");
  expect_denied(Recognize(Outreach(), name), "NOT_DEPARTMENT_HEAD");
  auto not_grievance = Recognize(OpsHead(), name);
  EXPECT_EQ(not_grievance.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(not_grievance.status()), "NOT_A_GRIEVANCE");
  EXPECT_EQ(FeedbackLastSequence(), before);
  // A service acting for the addressee is the addressee.
  EXPECT_OK(Acknowledge(Service("outreach"), name));
}

TEST_F(ThreadsTest, WrongStatesAreRefusedNamingTheState) {
  auto thread = Complaint();
  ASSERT_OK(thread);
  const std::string name = thread->name();
  const auto expect_wrong_state = [&](const absl::StatusOr<v1::Feedback>& result,
                                      absl::string_view state) {
    EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition) << result.status();
    EXPECT_EQ(ErrorReason(result.status()), "WRONG_STATE");
    EXPECT_THAT(result.status().message(), HasSubstr(absl::StrCat(name, " is ", state)));
    auto violations = PreconditionViolations(result.status());
    ASSERT_EQ(violations.size(), 1u);
    EXPECT_EQ(violations[0].subject(), name);
  };
  expect_wrong_state(Reopen(FrontDesk(), name), "open");
  ASSERT_OK(Acknowledge(Outreach(), name));
  expect_wrong_state(Acknowledge(Outreach(), name), "acknowledged");
  expect_wrong_state(Reopen(FrontDesk(), name), "acknowledged");
  ASSERT_OK(Resolve(Outreach(), name));
  const uint64_t before = FeedbackLastSequence();
  expect_wrong_state(Resolve(Outreach(), name), "resolved");
  expect_wrong_state(Dismiss(Outreach(), name), "resolved");
  expect_wrong_state(Acknowledge(Outreach(), name), "resolved");
  expect_wrong_state(Reply(FrontDesk(), name, "还在吗"), "resolved");
  EXPECT_EQ(FeedbackLastSequence(), before);
}

TEST_F(ThreadsTest, AHandoffIsComplainedAboutByItsCustomerOnlyAndGoesToItsSupplier) {
  auto handoff = AcceptedHandoff("p-1");
  ASSERT_OK(handoff);
  auto request = SubmitRequest(v1::FEEDBACK_KIND_COMPLAINT, handoff->name(), "");
  const uint64_t before = FeedbackLastSequence();
  for (const Caller& outsider : {Outreach(), Consultation(), Service("treatment")}) {
    auto refused = Submit(outsider, request);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(ErrorReason(refused.status()), "NOT_CUSTOMER");
  }
  EXPECT_EQ(FeedbackLastSequence(), before);
  auto thread = Submit(FrontDesk(), request);
  ASSERT_OK(thread);
  EXPECT_EQ(thread->handoff(), handoff->name());
  EXPECT_EQ(thread->addressee_team(), "teams/outreach");
  EXPECT_EQ(thread->department(), "departments/ops");
  auto missing = Submit(FrontDesk(), SubmitRequest(v1::FEEDBACK_KIND_PRAISE, "handoffs/nope", ""));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("handoffs/nope"));
}

TEST_F(ThreadsTest, SubmitNeedsATeamAndAnotherExistingTeam) {
  const auto about = [](std::string team) {
    return SubmitRequest(v1::FEEDBACK_KIND_SUGGESTION, "", std::move(team));
  };
  const uint64_t before = FeedbackLastSequence();
  auto own = Submit(FrontDesk(), about("teams/front-desk"));
  EXPECT_EQ(own.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(BadRequestFields(own.status()), ElementsAre("about_team"));
  auto missing = Submit(FrontDesk(), about("teams/nope"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("teams/nope"));
  auto service = Submit(Service(), about("teams/outreach"));
  EXPECT_EQ(ErrorReason(service.status()), "ACT_AS_REQUIRED");
  auto admin = Submit(Admin(), about("teams/outreach"));
  EXPECT_EQ(admin.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(admin.status()), "NO_TEAM");
  auto grievance = SubmitRequest(v1::FEEDBACK_KIND_GRIEVANCE, "", "");
  grievance.set_against_team("teams/nope");
  EXPECT_EQ(Submit(FrontDesk(), grievance).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FeedbackLastSequence(), before);
  // Across departments: addressed to the team's, heard by the author's head too.
  auto thread = Submit(Service("consultation"), about("teams/outreach"));
  ASSERT_OK(thread);
  EXPECT_EQ(thread->author_team(), "teams/consultation");
  EXPECT_EQ(thread->author_department(), "departments/clinic");
  EXPECT_EQ(thread->department(), "departments/ops");
  EXPECT_EQ(FromProto(thread->respond_by()), clock_.Now() + absl::Hours(7 * 24));
}

TEST_F(ThreadsTest, AGrievanceIsForItsAuthorAndItsDepartmentsHeadOnly) {
  auto grievance = Grievance();
  ASSERT_OK(grievance);
  EXPECT_EQ(grievance->addressee_team(), "");
  EXPECT_EQ(grievance->department(), "departments/ops");
  EXPECT_EQ(grievance->against_team(), "teams/outreach");
  const std::string name = grievance->name();
  EXPECT_OK(Get(FrontDesk(), name));
  EXPECT_OK(Get(OpsHead(), name));
  EXPECT_OK(Get(Service("front-desk"), name));  // acting as the author team
  for (const Caller& other :
       {Service(), Service("outreach"), Admin(), ClinicHead(), Outreach(), Consultation()}) {
    auto refused = Get(other, name);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied)
        << other.principal.subject;
    EXPECT_EQ(ErrorReason(refused.status()), "NOT_FEEDBACK_READER");
  }
  // Addressed to management: the head acknowledges it and answers.
  EXPECT_EQ(ErrorReason(Acknowledge(FrontDesk(), name).status()), "NOT_ADDRESSEE");
  EXPECT_EQ(ErrorReason(Acknowledge(ClinicHead(), name).status()), "NOT_ADDRESSEE");
  ASSERT_OK(Acknowledge(OpsHead(), name));
  ASSERT_OK(Reply(OpsHead(), name, "我会和外联团队谈"));
  // Recognition: its department's head, once.
  EXPECT_EQ(ErrorReason(Recognize(ClinicHead(), name).status()), "NOT_DEPARTMENT_HEAD");
  auto recognized = Recognize(OpsHead(), name, "你们处理得很专业");
  ASSERT_OK(recognized);
  EXPECT_EQ(recognized->recognition().note(), "你们处理得很专业");
  EXPECT_EQ(recognized->recognition().by().subject(), "ops-head");
  auto twice = Recognize(OpsHead(), name);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(twice.status()), "ALREADY_RECOGNIZED");
  const std::vector<v1::Event> events = FeedbackEvents();
  ASSERT_TRUE(events.back().has_grievance_recognized());
  EXPECT_EQ(events.back().grievance_recognized().recognition().by().subject(), "ops-head");
  Kinds(events);  // none carries text
}

TEST_F(ThreadsTest, OtherThreadsAreReadByBothTeamsTheirHeadsServicesAndAdmins) {
  auto thread =
      Submit(Consultation(), SubmitRequest(v1::FEEDBACK_KIND_PRAISE, "", "teams/outreach"));
  ASSERT_OK(thread);
  for (const Caller& reader :
       {Consultation(), Outreach(), OpsHead(), ClinicHead(), Service(), Admin()}) {
    EXPECT_OK(Get(reader, thread->name())) << reader.principal.subject;
  }
  for (const Caller& outsider : {FrontDesk(), Treatment(), Head("sales-head", "sales")}) {
    EXPECT_EQ(Get(outsider, thread->name()).status().code(), absl::StatusCode::kPermissionDenied)
        << outsider.principal.subject;
  }
  EXPECT_EQ(Get(Admin(), "feedback/nope").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace baton::feedback
