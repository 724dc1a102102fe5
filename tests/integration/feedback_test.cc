// The feedback service over a real socket and RocksDB, hosted with handoff
// as batond hosts them: every flow of the service end to end, with the
// status codes and reasons a client sees.

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "baton/feedback/v1/feedback_service.grpc.pb.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/org_fixture.h"

namespace baton::testing {
namespace {

namespace fv1 = ::baton::feedback::v1;
using auth::Role;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TestServerOptions WithFakeClock(FakeClock* clock) {
  TestServerOptions options;
  options.clock = clock;
  options.timers = true;  // escalations fire from the clock, as in production
  return options;
}

// Holds the clock in a base listed before OrgTest, so that it is made
// before the server and destroyed after it (the server's timers read it).
struct ClockHolder {
  FakeClock clock_;
};

class FeedbackTest : protected ClockHolder, public OrgTest {
 protected:
  FeedbackTest() : OrgTest(WithFakeClock(&clock_)) {}

  fv1::FeedbackService::Stub& feedback() { return server_.feedback_stub(); }

  // A handoff front-desk → consultation of a new item, accepted (or returned).
  hv1::Handoff Decided(const std::string& reference, bool accept = true) {
    const hv1::WorkItem item = CreateItem(reference);
    const hv1::Handoff offer = Offer(front_desk_, item.name());
    if (accept) {
      hv1::AcceptHandoffRequest request;
      request.set_name(offer.name());
      hv1::AcceptHandoffResponse response;
      grpc::Status status =
          server_.stub().AcceptHandoff(Context(consult_).get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      return response.handoff();
    }
    hv1::ReturnHandoffRequest request;
    request.set_name(offer.name());
    request.add_reasons(hv1::RETURN_REASON_MISSING_INFORMATION);
    hv1::ReturnHandoffResponse response;
    grpc::Status status = server_.stub().ReturnHandoff(Context(consult_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.handoff();
  }

  grpc::Status Rate(const std::string& token, const std::string& handoff, int overall,
                    const std::string& comment = "", fv1::RateHandoffResponse* out = nullptr,
                    const std::string& request_id = "") {
    fv1::RateHandoffRequest request;
    request.set_request_id(request_id);
    request.set_handoff(handoff);
    fv1::Scores* scores = request.mutable_scores();
    scores->set_completeness(4);
    scores->set_accuracy(5);
    scores->set_timeliness(3);
    scores->set_communication(4);
    scores->set_overall(overall);
    request.set_comment(comment);
    fv1::RateHandoffResponse response;
    grpc::Status status = feedback().RateHandoff(Context(token).get(), request, &response);
    if (out != nullptr) *out = response;
    return status;
  }

  grpc::Status Submit(const std::string& token, fv1::FeedbackKind kind, const std::string& handoff,
                      const std::string& title, fv1::Feedback* out = nullptr) {
    fv1::SubmitFeedbackRequest request;
    request.set_kind(kind);
    request.set_handoff(handoff);
    request.set_title(title);
    request.set_body(absl::StrCat(title, "：详情 details"));
    fv1::SubmitFeedbackResponse response;
    grpc::Status status = feedback().SubmitFeedback(Context(token).get(), request, &response);
    if (out != nullptr) *out = response.feedback();
    return status;
  }

  uint64_t FeedbackEventCount() { return server_.feedback_store().event_log()->last_sequence(); }

  // Another department's head, and a member of no team on the chain.
  const std::string lab_head_ = Token("dr-wu", "", "lab", {Role::kHead});
  const std::string outsider_ = Token("zhao", "lab", "lab", {Role::kMember});
};

TEST_F(FeedbackTest, TheCustomerRatesAnAcceptedHandoffAndRevisesItInTheWindow) {
  const hv1::Handoff handoff = Decided("rate-1");
  // Not the customer: the supplier, and a team elsewhere on the chain.
  for (const std::string& token : {front_desk_, treatment_}) {
    grpc::Status denied = Rate(token, handoff.name(), 5);
    EXPECT_CODE(denied, grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(InfoOf(denied).reason(), "NOT_CUSTOMER");
  }
  fv1::RateHandoffResponse first;
  ASSERT_TRUE(Rate(consult_, handoff.name(), 2, "资料不全，电话号码错误", &first).ok());
  EXPECT_EQ(first.rating().revision(), 1);
  EXPECT_EQ(first.rating().comment(), "资料不全，电话号码错误");
  EXPECT_EQ(first.rating().supplier_team(), "teams/front-desk");

  clock_.Advance(absl::Hours(24));
  fv1::RateHandoffResponse second;
  ASSERT_TRUE(Rate(consult_, handoff.name(), 3, "补充后可以", &second).ok());
  EXPECT_EQ(second.rating().revision(), 2);
  ASSERT_EQ(second.rating().earlier_size(), 1);
  EXPECT_EQ(second.rating().earlier(0).scores().overall(), 2);

  clock_.Advance(absl::Hours(7 * 24));
  const uint64_t before = FeedbackEventCount();
  grpc::Status late = Rate(consult_, handoff.name(), 5);
  EXPECT_CODE(late, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(InfoOf(late).reason(), "RATING_WINDOW_CLOSED");
  EXPECT_EQ(FeedbackEventCount(), before);
}

TEST_F(FeedbackTest, AReturnedHandoffCannotBeRatedAndBadInputNamesTheField) {
  const hv1::Handoff returned = Decided("rate-2", /*accept=*/false);
  grpc::Status status = Rate(consult_, returned.name(), 4);
  EXPECT_CODE(status, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(InfoOf(status).reason(), "HANDOFF_NOT_ACCEPTED");

  const hv1::Handoff accepted = Decided("rate-3");
  status = Rate(consult_, accepted.name(), 6);
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFieldsOf(status), ElementsAre("scores.overall"));
  status = Rate(consult_, "handoffs/", 4);
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFieldsOf(status), ElementsAre("handoff"));
  EXPECT_EQ(FeedbackEventCount(), 0u);
}

TEST_F(FeedbackTest, RetriesWithTheSameRequestIdChangeNothingMore) {
  const hv1::Handoff handoff = Decided("retry-1");
  fv1::RateHandoffResponse first, again;
  ASSERT_TRUE(Rate(consult_, handoff.name(), 4, "好", &first, "rate-once").ok());
  ASSERT_TRUE(Rate(consult_, handoff.name(), 4, "好", &again, "rate-once").ok());
  EXPECT_EQ(again.rating().revision(), 1);
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(FeedbackEventCount(), 1u);
}

TEST_F(FeedbackTest, DisputesAreRuledByTheSuppliersHeadOnly) {
  const hv1::Handoff upheld_handoff = Decided("dispute-1");
  const hv1::Handoff overturned_handoff = Decided("dispute-2");
  for (const auto& handoff : {upheld_handoff, overturned_handoff}) {
    ASSERT_TRUE(Rate(consult_, handoff.name(), 1, "太差").ok());
    fv1::DisputeRatingRequest dispute;
    dispute.set_rating(absl::StrCat("ratings/", handoff.name().substr(9)));
    dispute.set_reason("患者自己给错了电话");
    fv1::DisputeRatingResponse disputed;
    grpc::Status status = feedback().DisputeRating(Context(front_desk_).get(), dispute, &disputed);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(disputed.rating().dispute().state(), fv1::DISPUTE_STATE_PENDING);
  }
  const auto rule = [&](const std::string& token, const hv1::Handoff& handoff, fv1::Ruling ruling,
                        fv1::RuleOnDisputeResponse* out) {
    fv1::RuleOnDisputeRequest request;
    request.set_rating(absl::StrCat("ratings/", handoff.name().substr(9)));
    request.set_ruling(ruling);
    request.set_note("核实过通话记录");
    return feedback().RuleOnDispute(Context(token).get(), request, out);
  };
  fv1::RuleOnDisputeResponse ruled;
  for (const std::string& token : {lab_head_, consult_, admin_}) {
    EXPECT_CODE(rule(token, upheld_handoff, fv1::RULING_UPHOLD, &ruled),
                grpc::StatusCode::PERMISSION_DENIED);
  }
  ASSERT_TRUE(rule(head_, upheld_handoff, fv1::RULING_UPHOLD, &ruled).ok());
  EXPECT_EQ(ruled.rating().dispute().state(), fv1::DISPUTE_STATE_UPHELD);
  EXPECT_FALSE(ruled.rating().overturned());
  ASSERT_TRUE(rule(head_, overturned_handoff, fv1::RULING_OVERTURN, &ruled).ok());
  EXPECT_EQ(ruled.rating().dispute().state(), fv1::DISPUTE_STATE_OVERTURNED);
  EXPECT_TRUE(ruled.rating().overturned());
  grpc::Status again = rule(head_, overturned_handoff, fv1::RULING_UPHOLD, &ruled);
  EXPECT_CODE(again, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(InfoOf(again).reason(), "NO_PENDING_DISPUTE");
}

TEST_F(FeedbackTest, AComplaintReachesTheSuppliersWatchIsAnsweredAndEscalatesWhenIgnored) {
  fv1::WatchFeedbackRequest watch;
  watch.set_team("teams/front-desk");
  auto watch_context = Context(front_desk_);
  auto stream = feedback().WatchFeedback(watch_context.get(), watch);
  fv1::WatchFeedbackResponse update;
  ASSERT_TRUE(stream->Read(&update));
  ASSERT_TRUE(update.synced());

  const hv1::Handoff handoff = Decided("complaint-1");
  fv1::Feedback complaint;
  ASSERT_TRUE(
      Submit(consult_, fv1::FEEDBACK_KIND_COMPLAINT, handoff.name(), "病历缺页", &complaint).ok());
  EXPECT_EQ(complaint.addressee_team(), "teams/front-desk");
  ASSERT_TRUE(stream->Read(&update));
  ASSERT_TRUE(update.has_submitted());
  EXPECT_EQ(update.submitted().name(), complaint.name());
  EXPECT_THAT(update.submitted().title(), IsEmpty());  // the text is read with GetFeedback

  fv1::GetFeedbackRequest get;
  get.set_name(complaint.name());
  fv1::GetFeedbackResponse got;
  EXPECT_CODE(feedback().GetFeedback(Context(outsider_).get(), get, &got),
              grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(feedback().GetFeedback(Context(front_desk_).get(), get, &got).ok());
  EXPECT_EQ(got.feedback().title(), "病历缺页");

  // Nobody acknowledges it within the complaint SLA: the clock escalates it
  // to the department's head.
  fv1::WatchFeedbackRequest head_watch;
  head_watch.set_department("departments/clinic");
  auto head_context = Context(head_);
  auto head_stream = feedback().WatchFeedback(head_context.get(), head_watch);
  ASSERT_TRUE(head_stream->Read(&update));
  ASSERT_TRUE(update.synced());
  clock_.Advance(absl::Hours(25));
  ASSERT_TRUE(head_stream->Read(&update));  // the escalation timer runs on its own
  ASSERT_TRUE(update.has_escalated());
  EXPECT_EQ(update.escalated().name(), complaint.name());
  ASSERT_TRUE(feedback().GetFeedback(Context(front_desk_).get(), get, &got).ok());
  EXPECT_TRUE(got.feedback().escalated());

  fv1::AcknowledgeFeedbackRequest ack;
  ack.set_name(complaint.name());
  fv1::AcknowledgeFeedbackResponse acked;
  EXPECT_CODE(feedback().AcknowledgeFeedback(Context(consult_).get(), ack, &acked),
              grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(feedback().AcknowledgeFeedback(Context(front_desk_).get(), ack, &acked).ok());
  fv1::RespondToFeedbackRequest reply;
  reply.set_name(complaint.name());
  reply.set_text("已补齐病历，并加了交接检查表");
  fv1::RespondToFeedbackResponse replied;
  ASSERT_TRUE(feedback().RespondToFeedback(Context(front_desk_).get(), reply, &replied).ok());
  fv1::ResolveFeedbackRequest resolve;
  resolve.set_name(complaint.name());
  fv1::ResolveFeedbackResponse resolved;
  ASSERT_TRUE(feedback().ResolveFeedback(Context(front_desk_).get(), resolve, &resolved).ok());
  EXPECT_EQ(resolved.feedback().state(), fv1::FEEDBACK_STATE_RESOLVED);
  ASSERT_EQ(resolved.feedback().replies_size(), 1);
  EXPECT_EQ(resolved.feedback().replies(0).text(), "已补齐病历，并加了交接检查表");
  watch_context->TryCancel();
  head_context->TryCancel();
}

TEST_F(FeedbackTest, AGrievanceIsForItsAuthorAndItsManagementAndCanBeRecognised) {
  fv1::SubmitFeedbackRequest request;
  request.set_kind(fv1::FEEDBACK_KIND_GRIEVANCE);
  request.set_title("患者家属辱骂前台");
  request.set_body("周五下午，一位家属因排队辱骂同事。");
  fv1::SubmitFeedbackResponse submitted;
  ASSERT_TRUE(feedback().SubmitFeedback(Context(front_desk_).get(), request, &submitted).ok());
  const fv1::Feedback& grievance = submitted.feedback();
  EXPECT_EQ(grievance.department(), "departments/clinic");

  fv1::GetFeedbackRequest get;
  get.set_name(grievance.name());
  fv1::GetFeedbackResponse got;
  for (const std::string& token : {consult_, service_, admin_, lab_head_}) {
    EXPECT_CODE(feedback().GetFeedback(Context(token).get(), get, &got),
                grpc::StatusCode::PERMISSION_DENIED);
  }
  ASSERT_TRUE(feedback().GetFeedback(Context(head_).get(), get, &got).ok());

  fv1::RecognizeGrievanceRequest recognize;
  recognize.set_name(grievance.name());
  recognize.set_note("冷静处理，保护了其他患者");
  fv1::RecognizeGrievanceResponse recognized;
  EXPECT_CODE(feedback().RecognizeGrievance(Context(lab_head_).get(), recognize, &recognized),
              grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(feedback().RecognizeGrievance(Context(head_).get(), recognize, &recognized).ok());
  EXPECT_EQ(recognized.feedback().recognition().note(), "冷静处理，保护了其他患者");
}

TEST_F(FeedbackTest, APulseBelowTheMinimumShowsOnlyTheCount) {
  for (int i = 0; i < 4; ++i) {
    fv1::AnswerPulseRequest request;
    for (fv1::PulseQuestion question :
         {fv1::PULSE_QUESTION_CLARITY, fv1::PULSE_QUESTION_RESOURCES, fv1::PULSE_QUESTION_SUPPORT,
          fv1::PULSE_QUESTION_RECOGNITION}) {
      fv1::PulseAnswer* answer = request.add_answers();
      answer->set_question(question);
      answer->set_score(1 + i);
    }
    request.set_comment("人手不够");
    const std::string member =
        Token(absl::StrCat("nurse-", i), "treatment", "clinic", {Role::kMember});
    fv1::AnswerPulseResponse response;
    grpc::Status status = feedback().AnswerPulse(Context(member).get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  fv1::GetPulseSummaryRequest request;
  request.set_team("teams/treatment");
  fv1::GetPulseSummaryResponse response;
  EXPECT_CODE(feedback().GetPulseSummary(Context(treatment_).get(), request, &response),
              grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(feedback().GetPulseSummary(Context(head_).get(), request, &response).ok());
  EXPECT_EQ(response.summary().answers(), 4);
  EXPECT_THAT(response.summary().questions(), IsEmpty());
  EXPECT_THAT(response.summary().comments(), IsEmpty());
}

TEST_F(FeedbackTest, AVerdictIsRecordedOnceForAFinishedItem) {
  const hv1::WorkItem item = CreateItem("verdict-1");
  fv1::RecordVerdictRequest request;
  request.set_work_item(item.name());
  request.set_score(5);
  request.set_comment("服务很好");
  fv1::RecordVerdictResponse response;
  grpc::Status status = feedback().RecordVerdict(Context(service_).get(), request, &response);
  EXPECT_CODE(status, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(InfoOf(status).reason(), "ITEM_NOT_FINISHED");

  hv1::DropWorkItemRequest drop;
  drop.set_name(item.name());
  drop.set_reason(hv1::DROP_REASON_CUSTOMER_WITHDREW);
  hv1::DropWorkItemResponse dropped;
  ASSERT_TRUE(server_.stub().DropWorkItem(Context(front_desk_).get(), drop, &dropped).ok());
  ASSERT_TRUE(feedback().RecordVerdict(Context(service_).get(), request, &response).ok());
  EXPECT_EQ(response.verdict().outcome(), fv1::ITEM_OUTCOME_DROPPED);
  const uint64_t before = FeedbackEventCount();
  status = feedback().RecordVerdict(Context(service_).get(), request, &response);
  EXPECT_CODE(status, grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(InfoOf(status).reason(), "VERDICT_EXISTS");
  EXPECT_EQ(FeedbackEventCount(), before);
}

}  // namespace
}  // namespace baton::testing
