// HandoffStore over a real RocksDB: offers, accepts, returns, completion,
// drops, overdue offers and the inbox/outbox lists.

#include <optional>
#include <string>
#include <vector>

#include "common/status/errors.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/handoff/handoff_store_test_fixture.h"

namespace baton::handoff {
namespace {

using ::baton::testing::StatusIs;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// Fields that let an item into front desk (stage 1).
const Fields kFrontDeskFix = {{"name", "张三"}, {"birth_date", "1990-01-01"}};

class HandoffLifecycleTest : public HandoffStoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(HandoffStoreFixture::SetUp());
    ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  }

  // The handoff as stored now.
  v1::Handoff Stored(const std::string& name) {
    auto handoff = GetHandoff(name);
    EXPECT_OK(handoff);
    return handoff.ok() ? *handoff : v1::Handoff();
  }
  v1::WorkItem StoredItem(const std::string& name) {
    auto item = GetItem(name);
    EXPECT_OK(item);
    return item.ok() ? *item : v1::WorkItem();
  }
};

std::vector<v1::Event::PayloadCase> Kinds(const std::vector<v1::Event>& events) {
  std::vector<v1::Event::PayloadCase> kinds;
  for (const auto& e : events) kinds.push_back(e.payload_case());
  return kinds;
}

// --- The whole way along a chain ---------------------------------------------------

TEST_F(HandoffLifecycleTest, OfferAcceptReturnReofferComplete) {
  auto created = CreateItem(Outreach(), "CRM-7", {{"phone", "13800000000"}});
  ASSERT_OK(created);
  const std::string item = created->name();
  const uint64_t start = LastSequence();

  // Stage 0 → 1: offered and accepted.
  clock_.Advance(absl::Minutes(1));
  const absl::Time offer1_time = clock_.Now();
  auto offer1 = Offer(Outreach(), item, kFrontDeskFix, "首次就诊 first visit");
  ASSERT_OK(offer1);
  EXPECT_THAT(offer1->name(), StartsWith("handoffs/"));
  EXPECT_EQ(offer1->work_item(), item);
  EXPECT_EQ(offer1->chain(), kNewPatient);
  EXPECT_EQ(offer1->from_stage(), 0);
  EXPECT_EQ(offer1->to_stage(), 1);
  EXPECT_EQ(offer1->supplier_team(), "teams/outreach");
  EXPECT_EQ(offer1->customer_team(), "teams/front-desk");
  EXPECT_EQ(offer1->attempt(), 1);
  EXPECT_EQ(offer1->state(), v1::HANDOFF_STATE_OFFERED);
  EXPECT_EQ(offer1->fields().size(), 3u);
  EXPECT_EQ(offer1->fields().at("name"), "张三");
  EXPECT_EQ(offer1->note(), "首次就诊 first visit");
  EXPECT_EQ(FromProto(offer1->offer_time()), offer1_time);
  EXPECT_EQ(FromProto(offer1->due_time()), offer1_time + absl::Hours(1));
  EXPECT_FALSE(offer1->has_decide_time());
  EXPECT_FALSE(offer1->overdue());
  EXPECT_EQ(offer1->offered_by().subject(), "outreach-member");
  EXPECT_EQ(offer1->offered_by().team(), "teams/outreach");
  EXPECT_TRUE(MessageDifferencer::Equals(Stored(offer1->name()), *offer1));

  v1::WorkItem now = StoredItem(item);
  EXPECT_EQ(now.open_handoff(), offer1->name());
  EXPECT_EQ(now.stage_index(), 0);
  EXPECT_EQ(now.holder_team(), "teams/outreach");
  EXPECT_EQ(now.fields().at("birth_date"), "1990-01-01");  // the offer's fields were kept

  clock_.Advance(absl::Minutes(10));
  auto accepted1 = Accept(FrontDesk(), offer1->name());
  ASSERT_OK(accepted1);
  EXPECT_EQ(accepted1->state(), v1::HANDOFF_STATE_ACCEPTED);
  EXPECT_EQ(FromProto(accepted1->decide_time()), clock_.Now());
  EXPECT_EQ(FromProto(accepted1->due_time()), offer1_time + absl::Hours(1));
  EXPECT_EQ(accepted1->decided_by().subject(), "front-desk-member");
  EXPECT_EQ(accepted1->decided_by().team(), "teams/front-desk");
  EXPECT_TRUE(MessageDifferencer::Equals(Stored(offer1->name()), *accepted1));
  now = StoredItem(item);
  EXPECT_EQ(now.stage_index(), 1);
  EXPECT_EQ(now.holder_team(), "teams/front-desk");
  EXPECT_THAT(now.open_handoff(), IsEmpty());
  EXPECT_EQ(now.state(), v1::WORK_ITEM_STATE_ACTIVE);

  // Stage 1 → 2: offered, returned for rework.
  clock_.Advance(absl::Minutes(5));
  auto offer2 = Offer(FrontDesk(), item, {{"complaint", "头痛"}});
  ASSERT_OK(offer2);
  EXPECT_EQ(offer2->from_stage(), 1);
  EXPECT_EQ(offer2->to_stage(), 2);
  EXPECT_EQ(offer2->supplier_team(), "teams/front-desk");
  EXPECT_EQ(offer2->customer_team(), "teams/consultation");
  EXPECT_EQ(offer2->attempt(), 1);
  EXPECT_EQ(FromProto(offer2->due_time()), clock_.Now() + absl::Hours(2));

  clock_.Advance(absl::Minutes(20));
  auto returned =
      Return(Consultation(), offer2->name(),
             {v1::RETURN_REASON_MISSING_INFORMATION, v1::RETURN_REASON_WRONG_INFORMATION},
             {"allergies", "complaint"}, "请补充过敏史");
  ASSERT_OK(returned);
  EXPECT_EQ(returned->state(), v1::HANDOFF_STATE_RETURNED);
  EXPECT_THAT(returned->return_reasons(), ElementsAre(v1::RETURN_REASON_MISSING_INFORMATION,
                                                      v1::RETURN_REASON_WRONG_INFORMATION));
  EXPECT_THAT(returned->return_fields(), ElementsAre("allergies", "complaint"));
  EXPECT_EQ(returned->return_note(), "请补充过敏史");
  EXPECT_EQ(FromProto(returned->decide_time()), clock_.Now());
  EXPECT_EQ(returned->decided_by().team(), "teams/consultation");
  now = StoredItem(item);
  EXPECT_EQ(now.stage_index(), 1);
  EXPECT_EQ(now.holder_team(), "teams/front-desk");
  EXPECT_THAT(now.open_handoff(), IsEmpty());

  // Re-offered as attempt 2; the read-back the stage asks for is required.
  clock_.Advance(absl::Minutes(5));
  auto offer3 = Offer(FrontDesk(), item, {{"allergies", "青霉素"}}, "已补充");
  ASSERT_OK(offer3);
  EXPECT_NE(offer3->name(), offer2->name());
  EXPECT_EQ(offer3->attempt(), 2);
  EXPECT_EQ(offer3->to_stage(), 2);
  EXPECT_EQ(offer3->fields().at("allergies"), "青霉素");
  EXPECT_EQ(offer3->fields().at("complaint"), "头痛");
  EXPECT_EQ(FromProto(offer3->due_time()), clock_.Now() + absl::Hours(2));
  EXPECT_EQ(Stored(offer2->name()).state(), v1::HANDOFF_STATE_RETURNED);

  const uint64_t before_read_back = LastSequence();
  absl::Status no_read_back = Accept(Consultation(), offer3->name()).status();
  EXPECT_THAT(no_read_back,
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("read_back: ")));
  EXPECT_THAT(BadRequestFields(no_read_back), ElementsAre("read_back"));
  EXPECT_EQ(Stored(offer3->name()).state(), v1::HANDOFF_STATE_OFFERED);
  EXPECT_EQ(LastSequence(), before_read_back);

  clock_.Advance(absl::Minutes(1));
  auto accepted3 = Accept(Consultation(), offer3->name(), "收到：张三，头痛，青霉素过敏");
  ASSERT_OK(accepted3);
  EXPECT_EQ(accepted3->read_back(), "收到：张三，头痛，青霉素过敏");
  EXPECT_EQ(accepted3->attempt(), 2);
  now = StoredItem(item);
  EXPECT_EQ(now.stage_index(), 2);
  EXPECT_EQ(now.holder_team(), "teams/consultation");

  // Stage 2 → 3 (the last), then completed there.
  auto offer4 = Offer(Consultation(), item);
  ASSERT_OK(offer4);
  EXPECT_EQ(offer4->attempt(), 1);
  EXPECT_EQ(FromProto(offer4->due_time()), clock_.Now() + absl::Minutes(30));
  ASSERT_OK(Accept(Treatment(), offer4->name()));
  now = StoredItem(item);
  EXPECT_EQ(now.stage_index(), 3);
  EXPECT_EQ(now.holder_team(), "teams/treatment");

  const uint64_t before_last = LastSequence();
  EXPECT_THAT(Offer(Treatment(), item),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("last stage")));
  EXPECT_EQ(LastSequence(), before_last);

  clock_.Advance(absl::Minutes(1));
  auto completed = Complete(Treatment(), item);
  ASSERT_OK(completed);
  EXPECT_EQ(completed->state(), v1::WORK_ITEM_STATE_COMPLETED);
  EXPECT_EQ(completed->stage_index(), 3);
  EXPECT_EQ(FromProto(completed->update_time()), clock_.Now());
  EXPECT_TRUE(MessageDifferencer::Equals(StoredItem(item), *completed));

  // A completed item goes nowhere.
  const uint64_t done = LastSequence();
  EXPECT_THAT(Offer(Treatment(), item),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("completed")));
  EXPECT_THAT(Complete(Treatment(), item),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("completed")));
  EXPECT_THAT(Drop(Treatment(), item, v1::DROP_REASON_OTHER),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("completed")));
  EXPECT_EQ(LastSequence(), done);

  EXPECT_THAT(Kinds(Events(start)),
              ElementsAre(v1::Event::kHandoffOffered, v1::Event::kHandoffAccepted,
                          v1::Event::kHandoffOffered, v1::Event::kHandoffReturned,
                          v1::Event::kHandoffOffered, v1::Event::kHandoffAccepted,
                          v1::Event::kHandoffOffered, v1::Event::kHandoffAccepted,
                          v1::Event::kWorkItemCompleted));
}

TEST_F(HandoffLifecycleTest, CompleteOnlyAtTheLastStage) {
  auto item = CreateItem(Outreach(), "CRM-1");
  ASSERT_OK(item);
  EXPECT_THAT(Complete(Outreach(), item->name()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("only the last stage")));
  EXPECT_THAT(Complete(Treatment(), item->name()),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("teams/outreach")));
  EXPECT_THAT(Complete(Outreach(), "workItems/missing"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("workItems/missing")));
  EXPECT_EQ(StoredItem(item->name()).state(), v1::WORK_ITEM_STATE_ACTIVE);
}

// --- Offers refused -------------------------------------------------------------------

TEST_F(HandoffLifecycleTest, OfferRefusedListsMissingFieldsAndWritesNothing) {
  auto item = CreateItem(Outreach(), "CRM-1");  // phone only
  ASSERT_OK(item);
  const uint64_t before = LastSequence();

  absl::Status status = Offer(Outreach(), item->name()).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition,
                               AllOf(HasSubstr("name"), HasSubstr("birth_date"))));
  EXPECT_EQ(ErrorReason(status), "MISSING_REQUIRED_FIELDS");
  auto violations = PreconditionViolations(status);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].type(), "MISSING_FIELD");
  EXPECT_EQ(violations[0].subject(), "name");
  EXPECT_EQ(violations[1].subject(), "birth_date");
  EXPECT_THAT(violations[1].description(), HasSubstr("前台 front desk"));

  // Fields sent with a refused offer are not kept; an empty value is missing.
  status = Offer(Outreach(), item->name(), {{"name", "张三"}, {"birth_date", ""}}).status();
  EXPECT_EQ(ErrorReason(status), "MISSING_REQUIRED_FIELDS");
  violations = PreconditionViolations(status);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].subject(), "birth_date");

  EXPECT_EQ(LastSequence(), before);
  EXPECT_TRUE(MessageDifferencer::Equals(StoredItem(item->name()), *item));
  v1::ListHandoffsRequest outbox;
  outbox.set_team("teams/outreach");
  outbox.set_box(v1::BOX_OUTBOX);
  v1::ListHandoffsResponse listed;
  ASSERT_OK(handoffs().ListHandoffs(Outreach(), outbox, &listed));
  EXPECT_EQ(listed.handoffs_size(), 0);

  // Refusals do not count as attempts.
  auto offer = Offer(Outreach(), item->name(), kFrontDeskFix);
  ASSERT_OK(offer);
  EXPECT_EQ(offer->attempt(), 1);
}

TEST_F(HandoffLifecycleTest, OfferIsForTheHoldingTeam) {
  auto item = CreateItem(Outreach(), "CRM-1");
  ASSERT_OK(item);
  const uint64_t before = LastSequence();
  EXPECT_THAT(Offer(FrontDesk(), item->name(), kFrontDeskFix),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("OfferHandoff"), HasSubstr("teams/outreach"))));
  EXPECT_THAT(Offer(Service("consultation"), item->name(), kFrontDeskFix),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("teams/outreach")));
  EXPECT_THAT(Offer(Admin(), item->name(), kFrontDeskFix),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("OfferHandoff")));
  EXPECT_THAT(Offer(Head("olga", "ops"), item->name(), kFrontDeskFix),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("OfferHandoff")));
  EXPECT_THAT(Offer(Outreach(), "workItems/missing", kFrontDeskFix),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("workItems/missing")));
  EXPECT_EQ(LastSequence(), before);
  EXPECT_TRUE(MessageDifferencer::Equals(StoredItem(item->name()), *item));

  auto offer = Offer(Service("outreach"), item->name(), kFrontDeskFix);
  ASSERT_OK(offer);
  EXPECT_EQ(offer->offered_by().subject(), "crm-sync");
  EXPECT_EQ(offer->offered_by().team(), "teams/outreach");
}

TEST_F(HandoffLifecycleTest, OfferingAnOfferedItemFails) {
  auto item = CreateItem(Outreach(), "CRM-1");
  ASSERT_OK(item);
  auto offer = Offer(Outreach(), item->name(), kFrontDeskFix);
  ASSERT_OK(offer);
  const uint64_t before = LastSequence();
  absl::Status again = Offer(Outreach(), item->name(), kFrontDeskFix).status();
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(offer->name())));
  EXPECT_EQ(ErrorReason(again), "WRONG_STATE");
  EXPECT_EQ(LastSequence(), before);
}

// --- Decisions -----------------------------------------------------------------------

TEST_F(HandoffLifecycleTest, DecisionsAreForTheCustomerTeam) {
  auto item = CreateItem(Outreach(), "CRM-1");
  ASSERT_OK(item);
  auto offer = Offer(Outreach(), item->name(), kFrontDeskFix);
  ASSERT_OK(offer);
  const uint64_t before = LastSequence();

  for (const Caller& other :
       {Outreach(), Consultation(), Service("outreach"), Admin(), Head("olga", "ops")}) {
    SCOPED_TRACE(other.principal.DebugString());
    EXPECT_THAT(Accept(other, offer->name()),
                StatusIs(absl::StatusCode::kPermissionDenied,
                         AllOf(HasSubstr("AcceptHandoff"), HasSubstr("teams/front-desk"))));
    EXPECT_THAT(Return(other, offer->name()),
                StatusIs(absl::StatusCode::kPermissionDenied,
                         AllOf(HasSubstr("ReturnHandoff"), HasSubstr("teams/front-desk"))));
  }
  EXPECT_EQ(LastSequence(), before);
  EXPECT_TRUE(MessageDifferencer::Equals(Stored(offer->name()), *offer));
  EXPECT_THAT(Accept(FrontDesk(), "handoffs/missing"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("handoffs/missing")));

  ASSERT_OK(Accept(FrontDesk(), offer->name()));
  const uint64_t accepted = LastSequence();
  absl::Status twice = Accept(FrontDesk(), offer->name()).status();
  EXPECT_THAT(twice,
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already accepted")));
  EXPECT_EQ(ErrorReason(twice), "WRONG_STATE");
  EXPECT_THAT(Return(FrontDesk(), offer->name()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already accepted")));
  EXPECT_EQ(LastSequence(), accepted);
}

TEST_F(HandoffLifecycleTest, ReturnedHandoffIsDecided) {
  auto item = CreateItem(Outreach(), "CRM-1");
  ASSERT_OK(item);
  auto offer = Offer(Outreach(), item->name(), kFrontDeskFix);
  ASSERT_OK(offer);
  ASSERT_OK(Return(Service("front-desk"), offer->name(), {v1::RETURN_REASON_WRONG_RECIPIENT}));
  EXPECT_THAT(Accept(FrontDesk(), offer->name()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("returned")));
  EXPECT_THAT(Return(FrontDesk(), offer->name()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("returned")));
}

// --- Drops --------------------------------------------------------------------------

TEST_F(HandoffLifecycleTest, DropWithReason) {
  auto item = CreateItem(Outreach(), "CRM-1");
  ASSERT_OK(item);
  EXPECT_THAT(Drop(FrontDesk(), item->name(), v1::DROP_REASON_LOST_CONTACT),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("teams/outreach")));
  EXPECT_THAT(Drop(Outreach(), item->name(), v1::DROP_REASON_UNSPECIFIED),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));

  clock_.Advance(absl::Minutes(3));
  const uint64_t before = LastSequence();
  auto dropped = Drop(Outreach(), item->name(), v1::DROP_REASON_LOST_CONTACT, "电话停机");
  ASSERT_OK(dropped);
  EXPECT_EQ(dropped->state(), v1::WORK_ITEM_STATE_DROPPED);
  EXPECT_EQ(dropped->drop_reason(), v1::DROP_REASON_LOST_CONTACT);
  EXPECT_EQ(dropped->drop_note(), "电话停机");
  EXPECT_EQ(dropped->stage_index(), 0);
  EXPECT_EQ(FromProto(dropped->update_time()), clock_.Now());
  EXPECT_TRUE(MessageDifferencer::Equals(StoredItem(item->name()), *dropped));
  std::vector<v1::Event> events = Events(before);
  ASSERT_EQ(events.size(), 1u);
  // The event is the item without its fields: the log carries no people's data.
  v1::WorkItem without_fields = *dropped;
  without_fields.clear_fields();
  ASSERT_GT(dropped->fields_size(), 0);
  EXPECT_TRUE(MessageDifferencer::Equals(events[0].work_item_dropped(), without_fields));

  // A dropped item goes nowhere.
  EXPECT_THAT(Offer(Outreach(), item->name(), kFrontDeskFix),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("dropped")));
  EXPECT_THAT(Drop(Outreach(), item->name(), v1::DROP_REASON_OTHER),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("dropped")));
  EXPECT_EQ(LastSequence(), before + 1);
}

TEST_F(HandoffLifecycleTest, DropWhileOfferedIsRefused) {
  auto item = CreateItem(Outreach(), "CRM-1");
  ASSERT_OK(item);
  auto offer = Offer(Outreach(), item->name(), kFrontDeskFix);
  ASSERT_OK(offer);
  const v1::WorkItem offered = StoredItem(item->name());
  const uint64_t before = LastSequence();
  EXPECT_THAT(Drop(Outreach(), item->name(), v1::DROP_REASON_CUSTOMER_WITHDREW),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(offer->name())));
  EXPECT_EQ(LastSequence(), before);
  EXPECT_TRUE(MessageDifferencer::Equals(StoredItem(item->name()), offered));

  // Once the offer is decided, the holder may drop it.
  ASSERT_OK(Return(FrontDesk(), offer->name()));
  auto dropped = Drop(Outreach(), item->name(), v1::DROP_REASON_CUSTOMER_WITHDREW);
  ASSERT_OK(dropped);
  EXPECT_EQ(dropped->state(), v1::WORK_ITEM_STATE_DROPPED);
}

// --- Overdue offers ---------------------------------------------------------------------

TEST_F(HandoffLifecycleTest, MarkOverdueMarksUndecidedOffersOnce) {
  const absl::Time t0 = clock_.Now();
  std::vector<std::string> items;
  for (const char* ref : {"a", "b", "c", "d"}) {
    auto item = CreateItem(Outreach(), ref);
    ASSERT_OK(item);
    items.push_back(item->name());
  }
  auto a = Offer(Outreach(), items[0], kFrontDeskFix);  // due t0+1h
  ASSERT_OK(a);
  clock_.Advance(absl::Minutes(10));
  auto b = Offer(Outreach(), items[1], kFrontDeskFix);  // due t0+1h10m
  ASSERT_OK(b);
  auto c = Offer(Outreach(), items[2], kFrontDeskFix);  // accepted in time
  ASSERT_OK(c);
  auto d = Offer(Outreach(), items[3], kFrontDeskFix);  // returned in time
  ASSERT_OK(d);
  clock_.Advance(absl::Minutes(5));
  ASSERT_OK(Accept(FrontDesk(), c->name()));
  ASSERT_OK(Return(FrontDesk(), d->name()));

  auto next = handoffs().NextDue();
  ASSERT_OK(next);
  EXPECT_EQ(*next, std::optional<absl::Time>(t0 + absl::Hours(1)));

  // Not yet due: nothing happens.
  clock_.Set(t0 + absl::Minutes(59));
  uint64_t before = LastSequence();
  EXPECT_EQ(MarkOverdue().value_or(-1), 0);
  EXPECT_EQ(LastSequence(), before);

  // Due at exactly the commit time: marked.
  clock_.Set(t0 + absl::Hours(1));
  EXPECT_EQ(MarkOverdue().value_or(-1), 1);
  std::vector<v1::Event> events = Events(before);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].has_handoff_overdue());
  EXPECT_EQ(events[0].handoff_overdue().name(), a->name());
  EXPECT_TRUE(events[0].handoff_overdue().overdue());
  EXPECT_EQ(events[0].actor().subject(), "baton-overdue-timer");
  EXPECT_EQ(FromProto(events[0].time()), clock_.Now());
  v1::Handoff stored_a = Stored(a->name());
  EXPECT_TRUE(stored_a.overdue());
  EXPECT_EQ(stored_a.state(), v1::HANDOFF_STATE_OFFERED);
  EXPECT_FALSE(Stored(b->name()).overdue());

  v1::WatchInboxResponse update;
  EXPECT_TRUE(HandoffStore::InboxUpdate(events[0], "front-desk", &update));
  EXPECT_EQ(update.overdue().name(), a->name());
  EXPECT_FALSE(HandoffStore::InboxUpdate(events[0], "outreach", &update));

  next = handoffs().NextDue();
  ASSERT_OK(next);
  EXPECT_EQ(*next, std::optional<absl::Time>(t0 + absl::Minutes(70)));

  // Nothing is marked twice.
  before = LastSequence();
  EXPECT_EQ(MarkOverdue().value_or(-1), 0);
  EXPECT_EQ(LastSequence(), before);

  // Later, only b (c was accepted and d returned before their due time).
  clock_.Set(t0 + absl::Hours(3));
  EXPECT_EQ(MarkOverdue().value_or(-1), 1);
  events = Events(before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].handoff_overdue().name(), b->name());
  EXPECT_FALSE(Stored(c->name()).overdue());
  EXPECT_FALSE(Stored(d->name()).overdue());
  next = handoffs().NextDue();
  ASSERT_OK(next);
  EXPECT_FALSE(next->has_value());
  before = LastSequence();
  EXPECT_EQ(MarkOverdue().value_or(-1), 0);
  EXPECT_EQ(LastSequence(), before);

  // An overdue offer can still be accepted, and stays counted as overdue.
  auto late = Accept(FrontDesk(), a->name());
  ASSERT_OK(late);
  EXPECT_TRUE(late->overdue());
  EXPECT_EQ(late->state(), v1::HANDOFF_STATE_ACCEPTED);
}

TEST_F(HandoffLifecycleTest, MarkOverdueHonoursItsLimit) {
  for (const char* ref : {"a", "b", "c"}) {
    auto item = CreateItem(Outreach(), ref);
    ASSERT_OK(item);
    ASSERT_OK(Offer(Outreach(), item->name(), kFrontDeskFix));
  }
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(MarkOverdue(2).value_or(-1), 2);
  EXPECT_EQ(MarkOverdue(2).value_or(-1), 1);
  EXPECT_EQ(MarkOverdue(2).value_or(-1), 0);
  int overdue_events = 0;
  for (const auto& e : Events()) overdue_events += e.has_handoff_overdue();
  EXPECT_EQ(overdue_events, 3);
}

// --- Inbox and outbox ---------------------------------------------------------------------

// The names listed, or one "<error>" entry (with a failure) when the call failed.
std::vector<std::string> Ok(const absl::StatusOr<std::vector<std::string>>& names) {
  EXPECT_OK(names);
  return names.ok() ? *names : std::vector<std::string>{"<error>"};
}

std::vector<std::string> Names(const v1::ListHandoffsResponse& response) {
  std::vector<std::string> out;
  for (const auto& h : response.handoffs()) out.push_back(h.name());
  return out;
}

TEST_F(HandoffLifecycleTest, ListHandoffsByBoxAndState) {
  std::vector<std::string> offers;
  std::vector<std::string> items;
  for (const char* ref : {"a", "b", "c"}) {
    auto item = CreateItem(Outreach(), ref);
    ASSERT_OK(item);
    items.push_back(item->name());
    auto offer = Offer(Outreach(), item->name(), kFrontDeskFix);
    ASSERT_OK(offer);
    offers.push_back(offer->name());
  }
  ASSERT_OK(Accept(FrontDesk(), offers[0]));
  ASSERT_OK(Return(FrontDesk(), offers[1]));
  auto onward = Offer(FrontDesk(), items[0], {{"complaint", "咳嗽"}});
  ASSERT_OK(onward);

  const auto list = [&](const Caller& caller, const std::string& team, v1::Box box,
                        v1::HandoffState state = v1::HANDOFF_STATE_UNSPECIFIED, int page_size = 0,
                        std::string token = "",
                        v1::ListHandoffsResponse* out =
                            nullptr) -> absl::StatusOr<std::vector<std::string>> {
    v1::ListHandoffsRequest request;
    request.set_team(team);
    request.set_box(box);
    request.set_state(state);
    request.set_page_size(page_size);
    request.set_page_token(std::move(token));
    v1::ListHandoffsResponse response;
    RETURN_IF_ERROR(handoffs().ListHandoffs(caller, request, &response));
    if (out != nullptr) *out = response;
    return Names(response);
  };

  const Caller front_desk = FrontDesk();
  EXPECT_THAT(Ok(list(front_desk, "teams/front-desk", v1::BOX_INBOX)),
              ElementsAre(offers[0], offers[1], offers[2]));
  EXPECT_THAT(Ok(list(front_desk, "teams/front-desk", v1::BOX_INBOX, v1::HANDOFF_STATE_OFFERED)),
              ElementsAre(offers[2]));
  EXPECT_THAT(Ok(list(front_desk, "teams/front-desk", v1::BOX_INBOX, v1::HANDOFF_STATE_ACCEPTED)),
              ElementsAre(offers[0]));
  EXPECT_THAT(Ok(list(front_desk, "teams/front-desk", v1::BOX_INBOX, v1::HANDOFF_STATE_RETURNED)),
              ElementsAre(offers[1]));
  EXPECT_THAT(Ok(list(front_desk, "teams/front-desk", v1::BOX_OUTBOX)),
              ElementsAre(onward->name()));
  EXPECT_THAT(Ok(list(Outreach(), "teams/outreach", v1::BOX_OUTBOX)),
              ElementsAre(offers[0], offers[1], offers[2]));
  EXPECT_THAT(Ok(list(Outreach(), "teams/outreach", v1::BOX_INBOX)), IsEmpty());
  EXPECT_THAT(Ok(list(Consultation(), "teams/consultation", v1::BOX_INBOX)),
              ElementsAre(onward->name()));

  // Paging over the inbox.
  v1::ListHandoffsResponse page;
  EXPECT_THAT(Ok(list(front_desk, "teams/front-desk", v1::BOX_INBOX, v1::HANDOFF_STATE_UNSPECIFIED,
                      2, "", &page)),
              ElementsAre(offers[0], offers[1]));
  ASSERT_FALSE(page.next_page_token().empty());
  EXPECT_THAT(Ok(list(front_desk, "teams/front-desk", v1::BOX_INBOX, v1::HANDOFF_STATE_UNSPECIFIED,
                      2, page.next_page_token(), &page)),
              ElementsAre(offers[2]));
  EXPECT_THAT(page.next_page_token(), IsEmpty());

  // Who may look: the team, its department's head, services and admins.
  EXPECT_OK(list(Head("olga", "ops"), "teams/front-desk", v1::BOX_INBOX));
  EXPECT_OK(list(Service(), "teams/front-desk", v1::BOX_INBOX));
  EXPECT_OK(list(Admin(), "teams/front-desk", v1::BOX_OUTBOX));
  EXPECT_THAT(list(Head("hana", "clinic"), "teams/front-desk", v1::BOX_INBOX),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("teams/front-desk")));
  EXPECT_THAT(list(Outreach(), "teams/front-desk", v1::BOX_INBOX),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("teams/front-desk")));
  EXPECT_THAT(list(Consultation(), "teams/front-desk", v1::BOX_OUTBOX),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("departments/ops")));
  EXPECT_OK(handoffs().AuthorizeInboxWatch(Head("olga", "ops"), "teams/front-desk"));
  EXPECT_THAT(handoffs().AuthorizeInboxWatch(Treatment(), "teams/front-desk"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("teams/front-desk")));

  // Bad arguments.
  EXPECT_THAT(list(Admin(), "teams/nobody", v1::BOX_INBOX),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("teams/nobody")));
  EXPECT_THAT(list(Admin(), "teams/front-desk", v1::BOX_UNSPECIFIED),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("box")));
  EXPECT_THAT(list(Admin(), "front-desk", v1::BOX_INBOX),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("team")));
  EXPECT_THAT(
      list(Admin(), "teams/front-desk", v1::BOX_INBOX, v1::HANDOFF_STATE_UNSPECIFIED, 0, "garbage"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

}  // namespace
}  // namespace baton::handoff
