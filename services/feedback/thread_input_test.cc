// Feedback threads: bad input on every field (refused before anything
// costs: no facts asked, nothing written), bounds, idempotent retries,
// Chinese text, and an unreachable handoff service.

#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/threads_test_fixture.h"

namespace baton::feedback {
namespace {

using ::testing::ElementsAre;

class ThreadInputTest : public ThreadsFixture {};

std::string Repeat(absl::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) absl::StrAppend(&out, piece);
  return out;
}

struct BadCase {
  std::string field;
  std::function<absl::Status()> call;
};

TEST_F(ThreadInputTest, BadInputOnEveryFieldNamesItAndCostsNothing) {
  auto thread = Complaint();
  ASSERT_OK(thread);
  const std::string name = thread->name();
  const auto submit = [this](std::function<void(v1::SubmitFeedbackRequest&)> edit) {
    return [this, edit] {
      auto request = SubmitRequest(v1::FEEDBACK_KIND_COMPLAINT, "", "teams/outreach");
      edit(request);
      return Submit(FrontDesk(), request).status();
    };
  };
  const auto list = [this](std::function<void(v1::ListFeedbackRequest&)> edit) {
    return [this, edit] {
      v1::ListFeedbackRequest request;
      request.set_addressee_team("teams/outreach");
      edit(request);
      return List(Outreach(), request).status();
    };
  };
  const std::vector<BadCase> cases = {
      {"request_id", submit([](auto& r) { r.set_request_id("has spaces"); })},
      {"kind", submit([](auto& r) { r.set_kind(v1::FEEDBACK_KIND_UNSPECIFIED); })},
      {"kind", submit([](auto& r) { r.set_kind(static_cast<v1::FeedbackKind>(99)); })},
      {"handoff", submit([](auto& r) { r.clear_about_team(); })},
      {"handoff", submit([](auto& r) { r.set_handoff("handoffs/h1"); })},
      {"handoff", submit([](auto& r) {
         r.clear_about_team();
         r.set_handoff("teams/outreach");
       })},
      {"about_team", submit([](auto& r) { r.set_about_team("departments/ops"); })},
      {"against_team", submit([](auto& r) { r.set_against_team("teams/outreach"); })},
      {"handoff", submit([](auto& r) {
         r.set_kind(v1::FEEDBACK_KIND_GRIEVANCE);
         r.clear_about_team();
         r.set_handoff("handoffs/h1");
       })},
      {"about_team", submit([](auto& r) { r.set_kind(v1::FEEDBACK_KIND_GRIEVANCE); })},
      {"against_team", submit([](auto& r) {
         r.set_kind(v1::FEEDBACK_KIND_GRIEVANCE);
         r.clear_about_team();
         r.set_against_team("Outreach!");
       })},
      {"title", submit([](auto& r) { r.clear_title(); })},
      {"title", submit([](auto& r) { r.set_title(Repeat("长", 201)); })},
      {"title", submit([](auto& r) { r.set_title("两行\n标题"); })},
      {"body", submit([](auto& r) { r.clear_body(); })},
      {"body", submit([](auto& r) { r.set_body(Repeat("长", 4001)); })},
      {"body", submit([](auto& r) { r.set_body("\xff\xfe"); })},
      {"name", [&] { return Acknowledge(Outreach(), "threads/x").status(); }},
      {"name", [&] { return Acknowledge(Outreach(), "").status(); }},
      {"text", [&] { return Reply(Outreach(), name, "").status(); }},
      {"text", [&] { return Reply(Outreach(), name, Repeat("长", 4001)).status(); }},
      {"note", [&] { return Resolve(Outreach(), name, Repeat("长", 4001)).status(); }},
      {"reason", [&] { return Dismiss(Outreach(), name, "").status(); }},
      {"reason", [&] { return Dismiss(Outreach(), name, Repeat("长", 2001)).status(); }},
      {"reason", [&] { return Reopen(FrontDesk(), name, "").status(); }},
      {"reason", [&] { return Reopen(FrontDesk(), name, Repeat("长", 4001)).status(); }},
      {"note", [&] { return Recognize(OpsHead(), name, "").status(); }},
      {"note", [&] { return Recognize(OpsHead(), name, Repeat("长", 2001)).status(); }},
      {"name", [&] { return Get(Outreach(), "feedback/Bad_Id").status(); }},
      {"addressee_team", list([](auto& r) { r.clear_addressee_team(); })},
      {"addressee_team", list([](auto& r) { r.set_addressee_team("teams/"); })},
      {"author_team", list([](auto& r) { r.set_author_team("teams/front-desk"); })},
      {"department", list([](auto& r) {
         r.clear_addressee_team();
         r.set_department("teams/ops");
       })},
      {"page_size", list([](auto& r) { r.set_page_size(-1); })},
      {"state", list([](auto& r) { r.set_state(static_cast<v1::FeedbackState>(9)); })},
      {"kind", list([](auto& r) { r.set_kind(static_cast<v1::FeedbackKind>(9)); })},
      {"page_token", list([](auto& r) { r.set_page_token("not-a-token"); })},
  };
  const uint64_t before = FeedbackLastSequence();
  const int lookups = facts_->lookups();
  for (size_t i = 0; i < cases.size(); ++i) {
    const absl::Status status = cases[i].call();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << i << ": " << status;
    if (cases[i].field != "name" || !BadRequestFields(status).empty()) {
      EXPECT_THAT(BadRequestFields(status), ::testing::Contains(cases[i].field))
          << i << ": " << status;
    } else {
      EXPECT_THAT(status.message(), ::testing::HasSubstr("name")) << i;
    }
  }
  EXPECT_EQ(FeedbackLastSequence(), before);
  EXPECT_EQ(facts_->lookups(), lookups);  // refused before asking handoff
  v1::WatchFeedbackRequest both;
  both.set_team("teams/outreach");
  both.set_department("departments/ops");
  EXPECT_THAT(BadRequestFields(feedback().AuthorizeFeedbackWatch(Admin(), both).status()),
              ElementsAre("department"));
  EXPECT_THAT(BadRequestFields(feedback().AuthorizeFeedbackWatch(Admin(), {}).status()),
              ElementsAre("team"));
}

TEST_F(ThreadInputTest, ARetryWithTheSameRequestIdAnswersTheSameAndWritesOnce) {
  auto request = SubmitRequest(v1::FEEDBACK_KIND_COMPLAINT, "", "teams/outreach");
  request.set_request_id("submit-1");
  auto first = Submit(FrontDesk(), request);
  ASSERT_OK(first);
  const uint64_t after_first = FeedbackLastSequence();
  auto retry = Submit(FrontDesk(), request);
  ASSERT_OK(retry);
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(FeedbackLastSequence(), after_first);

  auto reply = On<v1::RespondToFeedbackRequest>(first->name());
  reply.set_request_id("reply-1");
  reply.set_text("请尽快处理");
  auto replied = Change(&FeedbackStore::RespondToFeedback, FrontDesk(), reply);
  ASSERT_OK(replied);
  auto replied_again = Change(&FeedbackStore::RespondToFeedback, FrontDesk(), reply);
  ASSERT_OK(replied_again);
  EXPECT_EQ(replied_again->replies_size(), 1);
  EXPECT_EQ(FeedbackEvents(after_first).size(), 1u);
  // The same id for a different change is refused, not taken as a retry.
  reply.set_text("另一条");
  auto reused = Change(&FeedbackStore::RespondToFeedback, FrontDesk(), reply);
  EXPECT_THAT(BadRequestFields(reused.status()), ElementsAre("request_id"));
}

TEST_F(ThreadInputTest, ChineseTextRoundTripsAtItsLimitsInCharacters) {
  auto request = SubmitRequest(v1::FEEDBACK_KIND_SUGGESTION, "", "teams/outreach");
  request.set_title(Repeat("建", 200));  // 200 characters, 600 bytes
  request.set_body(Repeat("议", 4000));
  auto thread = Submit(FrontDesk(), request);
  ASSERT_OK(thread);
  ASSERT_OK(Reply(Outreach(), thread->name(), "收到，谢谢！🙏"));
  auto stored = Get(FrontDesk(), thread->name());
  ASSERT_OK(stored);
  EXPECT_EQ(stored->title(), request.title());
  EXPECT_EQ(stored->body(), request.body());
  EXPECT_EQ(stored->replies(0).text(), "收到，谢谢！🙏");
}

TEST_F(ThreadInputTest, AnUnreachableHandoffServiceFailsTheCallAndWritesNothing) {
  auto handoff = AcceptedHandoff("p-1");
  ASSERT_OK(handoff);
  facts_->set_unreachable(true);
  const uint64_t before = FeedbackLastSequence();
  auto grievance = SubmitRequest(v1::FEEDBACK_KIND_GRIEVANCE, "", "");
  for (const auto& request :
       {SubmitRequest(v1::FEEDBACK_KIND_COMPLAINT, handoff->name(), ""),
        SubmitRequest(v1::FEEDBACK_KIND_PRAISE, "", "teams/outreach"), grievance}) {
    EXPECT_EQ(Submit(FrontDesk(), request).status().code(), absl::StatusCode::kUnavailable);
  }
  v1::ListFeedbackRequest list;
  list.set_addressee_team("teams/outreach");
  EXPECT_EQ(List(OpsHead(), list).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FeedbackLastSequence(), before);
}

class ThreadReplyLimitTest : public ThreadsFixture {
 protected:
  ThreadReplyLimitTest() { options_.max_replies = 2; }
};

TEST_F(ThreadReplyLimitTest, RepliesStopAtTheLimit) {
  auto thread = Complaint();
  ASSERT_OK(thread);
  ASSERT_OK(Reply(FrontDesk(), thread->name(), "一"));
  ASSERT_OK(Reply(Outreach(), thread->name(), "二"));
  const uint64_t before = FeedbackLastSequence();
  auto third = Reply(FrontDesk(), thread->name(), "三");
  EXPECT_EQ(third.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(third.status()), "TOO_MANY_REPLIES");
  EXPECT_EQ(ErrorReason(Resolve(Outreach(), thread->name(), "附注").status()), "TOO_MANY_REPLIES");
  EXPECT_EQ(FeedbackLastSequence(), before);
  EXPECT_OK(Resolve(Outreach(), thread->name()));  // without a note it adds no reply
}

}  // namespace
}  // namespace baton::feedback
