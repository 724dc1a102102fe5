// The outside customer's verdict: only on finished items, once, by services
// and admins; read by the teams of the item's chain, services and admins.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/feedback_store_test_fixture.h"

namespace baton::feedback {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kChinese[] = "医生很耐心，候诊时间太长。";

v1::RecordVerdictRequest VerdictOn(std::string item, int score = 4, std::string comment = "",
                                   std::string request_id = "") {
  v1::RecordVerdictRequest request;
  request.set_request_id(std::move(request_id));
  request.set_work_item(std::move(item));
  request.set_score(score);
  request.set_comment(std::move(comment));
  return request;
}

class VerdictsTest : public FeedbackStoreFixture {
 protected:
  absl::StatusOr<v1::Verdict> Record(const Caller& caller,
                                     const v1::RecordVerdictRequest& request) {
    v1::RecordVerdictResponse response;
    RETURN_IF_ERROR(Run(&FeedbackStore::RecordVerdict, caller, request, &response));
    return response.verdict();
  }

  absl::StatusOr<v1::Verdict> Get(const Caller& caller, std::string name) {
    v1::GetVerdictRequest request;
    request.set_name(std::move(name));
    v1::GetVerdictResponse response;
    RETURN_IF_ERROR(Run(&FeedbackStore::GetVerdict, caller, request, &response));
    return response.verdict();
  }

  // A follow-up item (treatment → front-desk) completed at its last stage.
  absl::StatusOr<hv1::WorkItem> CompletedItem(std::string reference) {
    ASSIGN_OR_RETURN(hv1::WorkItem item,
                     CreateItem(Treatment(), std::move(reference), {}, handoff::kFollowUp));
    ASSIGN_OR_RETURN(hv1::Handoff offer, Offer(Treatment(), item.name()));
    RETURN_IF_ERROR(Accept(FrontDesk(), offer.name()).status());
    return Complete(FrontDesk(), item.name());
  }

  // A new-patient item dropped by outreach at its first stage.
  absl::StatusOr<hv1::WorkItem> DroppedItem(std::string reference) {
    ASSIGN_OR_RETURN(hv1::WorkItem item, CreateItem(Outreach(), std::move(reference)));
    return Drop(Outreach(), item.name(), hv1::DROP_REASON_CUSTOMER_WITHDREW);
  }

  static std::string VerdictName(const hv1::WorkItem& item) {
    return "verdicts/" + item.name().substr(item.name().find('/') + 1);
  }
};

TEST_F(VerdictsTest, ACompletedItemTakesOneVerdict) {
  absl::StatusOr<hv1::WorkItem> item = CompletedItem("V-1");
  ASSERT_OK(item);
  const uint64_t before = FeedbackLastSequence();
  absl::StatusOr<v1::Verdict> verdict = Record(Service(), VerdictOn(item->name(), 5, kChinese));
  ASSERT_OK(verdict);
  EXPECT_EQ(verdict->name(), VerdictName(*item));
  EXPECT_EQ(verdict->work_item(), item->name());
  EXPECT_EQ(verdict->chain(), handoff::kFollowUp);
  EXPECT_EQ(verdict->outcome(), v1::ITEM_OUTCOME_COMPLETED);
  EXPECT_EQ(verdict->final_stage(), 1);
  EXPECT_EQ(verdict->score(), 5);
  EXPECT_EQ(verdict->comment(), kChinese);
  EXPECT_EQ(verdict->recorded_by().subject(), "crm-sync");
  EXPECT_EQ(verdict->create_time().seconds(), absl::ToUnixSeconds(clock_.Now()));

  std::vector<v1::Event> events = FeedbackEvents(before);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].has_verdict_recorded());
  EXPECT_EQ(events[0].verdict_recorded().SerializeAsString(), verdict->SerializeAsString());
  EXPECT_EQ(events[0].actor().subject(), "crm-sync");

  absl::StatusOr<v1::Verdict> read = Get(Admin(), verdict->name());
  ASSERT_OK(read);
  EXPECT_EQ(read->SerializeAsString(), verdict->SerializeAsString());
}

TEST_F(VerdictsTest, ADroppedItemTakesOneAtTheStageItLeft) {
  absl::StatusOr<hv1::WorkItem> item = DroppedItem("V-2");
  ASSERT_OK(item);
  absl::StatusOr<v1::Verdict> verdict = Record(Admin(), VerdictOn(item->name(), 1));
  ASSERT_OK(verdict);
  EXPECT_EQ(verdict->outcome(), v1::ITEM_OUTCOME_DROPPED);
  EXPECT_EQ(verdict->final_stage(), 0);
  EXPECT_EQ(verdict->chain(), handoff::kNewPatient);
  EXPECT_EQ(verdict->recorded_by().subject(), "root");
}

TEST_F(VerdictsTest, AnItemStillOnItsChainIsRefused) {
  absl::StatusOr<hv1::WorkItem> item = ItemAtFrontDesk("V-3");
  ASSERT_OK(item);
  const uint64_t before = FeedbackLastSequence();
  absl::Status status = Record(Service(), VerdictOn(item->name())).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(ErrorReason(status), "ITEM_NOT_FINISHED");
  EXPECT_THAT(status.message(), HasSubstr(item->name()));
  EXPECT_EQ(FeedbackLastSequence(), before);
  EXPECT_EQ(Get(Admin(), VerdictName(*item)).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(VerdictsTest, ASecondVerdictIsRefusedARetryAnswersTheFirst) {
  absl::StatusOr<hv1::WorkItem> item = DroppedItem("V-4");
  ASSERT_OK(item);
  const uint64_t before = FeedbackLastSequence();
  absl::StatusOr<v1::Verdict> first = Record(Service(), VerdictOn(item->name(), 2, "慢", "r-1"));
  ASSERT_OK(first);
  absl::StatusOr<v1::Verdict> retry = Record(Service(), VerdictOn(item->name(), 2, "慢", "r-1"));
  ASSERT_OK(retry);
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());

  absl::Status second = Record(Admin(), VerdictOn(item->name(), 5, "很好")).status();
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists) << second;
  EXPECT_EQ(ErrorReason(second), "VERDICT_EXISTS");
  EXPECT_EQ(FeedbackEvents(before).size(), 1u);
  absl::StatusOr<v1::Verdict> stored = Get(Service(), first->name());
  ASSERT_OK(stored);
  EXPECT_EQ(stored->score(), 2);
  EXPECT_EQ(stored->comment(), "慢");
}

TEST_F(VerdictsTest, OnlyServicesAndAdminsRecord) {
  absl::StatusOr<hv1::WorkItem> item = DroppedItem("V-5");
  ASSERT_OK(item);
  const uint64_t before = FeedbackLastSequence();
  for (const Caller& caller : {Outreach(), FrontDesk(), OpsHead()}) {
    absl::Status status = Record(caller, VerdictOn(item->name())).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
    EXPECT_EQ(ErrorReason(status), "SERVICE_REQUIRED");
  }
  EXPECT_EQ(FeedbackLastSequence(), before);
}

TEST_F(VerdictsTest, TheChainsTeamsServicesAndAdminsReadOthersAreRefused) {
  absl::StatusOr<hv1::WorkItem> item = CompletedItem("V-6");  // treatment → front-desk
  ASSERT_OK(item);
  ASSERT_OK(Record(Service(), VerdictOn(item->name())));
  const std::string name = VerdictName(*item);
  for (const Caller& reader : {Treatment(), FrontDesk(), Service(), Service("outreach"), Admin()}) {
    EXPECT_OK(Get(reader, name)) << reader.principal.subject << " for " << reader.team;
  }
  for (const Caller& outsider : {Outreach(), Consultation(), OpsHead(), ClinicHead()}) {
    absl::Status status = Get(outsider, name).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied)
        << outsider.principal.subject << ": " << status;
    EXPECT_EQ(ErrorReason(status), "NOT_ON_CHAIN");
  }
  EXPECT_EQ(Get(Treatment(), "verdicts/no-such-item").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(VerdictsTest, BadInputNamesTheFieldAndWritesNothing) {
  absl::StatusOr<hv1::WorkItem> item = DroppedItem("V-7");
  ASSERT_OK(item);
  const uint64_t before = FeedbackLastSequence();
  std::string long_comment;
  for (int i = 0; i < 2001; ++i) long_comment += "评";
  const struct {
    const char* what;
    v1::RecordVerdictRequest request;
    const char* field;
  } cases[] = {
      {"no work item", VerdictOn(""), "work_item"},
      {"not a work item", VerdictOn("handoffs/x"), "work_item"},
      {"score 0", VerdictOn(item->name(), 0), "score"},
      {"score 6", VerdictOn(item->name(), 6), "score"},
      {"comment of 2001 characters", VerdictOn(item->name(), 3, long_comment), "comment"},
      {"bad request id", VerdictOn(item->name(), 3, "", std::string(1000, 'r')), "request_id"},
  };
  for (const auto& c : cases) {
    absl::Status status = Record(Service(), c.request).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.what << ": " << status;
    EXPECT_THAT(BadRequestFields(status), ElementsAre(c.field)) << c.what;
  }
  EXPECT_EQ(FeedbackLastSequence(), before);
  for (const char* name : {"", "workItems/x", "verdicts/"}) {
    absl::Status status = Get(Admin(), name).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(BadRequestFields(status), ElementsAre("name")) << name;
  }
  EXPECT_EQ(Record(Service(), VerdictOn("workItems/no-such-item")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(VerdictsTest, UnavailableFactsWriteNothing) {
  absl::StatusOr<hv1::WorkItem> item = DroppedItem("V-8");
  ASSERT_OK(item);
  const uint64_t before = FeedbackLastSequence();
  facts_->set_unreachable(true);
  absl::Status status = Record(Service(), VerdictOn(item->name())).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(Get(Outreach(), VerdictName(*item)).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FeedbackLastSequence(), before);
  facts_->set_unreachable(false);
  EXPECT_OK(Record(Service(), VerdictOn(item->name())));
}

}  // namespace
}  // namespace baton::feedback
