// HandoffStore over a real RocksDB: org, work item creation, idempotency,
// deadlines, listing, the event log, and reopening. The handoff lifecycle is
// in handoff_lifecycle_test.cc.

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "common/api/names.h"
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

using HandoffStoreTest = HandoffStoreFixture;

// --- Org -----------------------------------------------------------------------

TEST_F(HandoffStoreTest, CreateDepartmentIsForAdmins) {
  EXPECT_THAT(CreateDepartment(Outreach(), "ops", "运营部"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("CreateDepartment")));
  EXPECT_THAT(CreateDepartment(Head("olga", "ops"), "ops", "运营部"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("admin")));
  EXPECT_THAT(CreateDepartment(Service("outreach"), "ops", "运营部"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("admin")));
  EXPECT_EQ(LastSequence(), 0u);

  v1::CreateDepartmentRequest request;
  request.set_department_id("ops");
  request.mutable_department()->set_display_name("运营部 Operations");
  request.mutable_department()->set_name("departments/ignored");
  v1::CreateDepartmentResponse response;
  ASSERT_OK(Call(&HandoffStore::CreateDepartment, Admin(), request, &response));
  EXPECT_EQ(response.department().name(), "departments/ops");
  EXPECT_EQ(response.department().display_name(), "运营部 Operations");
  EXPECT_EQ(FromProto(response.department().create_time()), clock_.Now());
  EXPECT_EQ(LastSequence(), 1u);

  v1::GetDepartmentRequest get;
  get.set_name("departments/ops");
  v1::GetDepartmentResponse got;
  ASSERT_OK(handoffs().GetDepartment(Admin(), get, &got));
  EXPECT_TRUE(MessageDifferencer::Equals(got.department(), response.department()))
      << got.DebugString();
}

TEST_F(HandoffStoreTest, DuplicateIdsAreAlreadyExists) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  const uint64_t before = LastSequence();
  EXPECT_THAT(CreateDepartment(Admin(), "ops", "again"),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("departments/ops")));
  EXPECT_THAT(CreateTeam(Admin(), "outreach", "departments/clinic", "again"),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("teams/outreach")));
  EXPECT_THAT(CreateChain(Admin(), "follow-up", "again",
                          {MakeStage("a", "teams/outreach", absl::ZeroDuration()),
                           MakeStage("b", "teams/treatment", absl::Hours(1))}),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("chains/follow-up")));
  EXPECT_EQ(LastSequence(), before);

  // The originals are untouched.
  v1::GetTeamRequest get;
  get.set_name("teams/outreach");
  v1::GetTeamResponse team;
  ASSERT_OK(handoffs().GetTeam(Admin(), get, &team));
  EXPECT_EQ(team.team().department(), "departments/ops");
  EXPECT_EQ(team.team().display_name(), "外联组");
}

TEST_F(HandoffStoreTest, GeneratedIdsWhenNoneGiven) {
  v1::CreateDepartmentRequest request;
  request.mutable_department()->set_display_name("无名");
  v1::CreateDepartmentResponse first, second;
  ASSERT_OK(Call(&HandoffStore::CreateDepartment, Admin(), request, &first));
  ASSERT_OK(Call(&HandoffStore::CreateDepartment, Admin(), request, &second));
  EXPECT_THAT(first.department().name(), StartsWith("departments/"));
  EXPECT_OK(ParseName("name", first.department().name(), kDepartments));
  EXPECT_NE(first.department().name(), second.department().name());
}

TEST_F(HandoffStoreTest, CreateTeamNeedsAnExistingDepartment) {
  ASSERT_OK(CreateDepartment(Admin(), "ops", "运营部"));
  EXPECT_THAT(CreateTeam(Outreach(), "outreach", "departments/ops", "外联组"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("CreateTeam")));
  EXPECT_THAT(CreateTeam(Admin(), "outreach", "departments/nowhere", "外联组"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("departments/nowhere")));
  EXPECT_EQ(LastSequence(), 1u);

  ASSERT_OK(CreateTeam(Admin(), "outreach", "departments/ops", "外联组 Outreach"));
  v1::GetTeamRequest get;
  get.set_name("teams/outreach");
  v1::GetTeamResponse got;
  ASSERT_OK(handoffs().GetTeam(Admin(), get, &got));
  EXPECT_EQ(got.team().name(), "teams/outreach");
  EXPECT_EQ(got.team().display_name(), "外联组 Outreach");
  EXPECT_EQ(got.team().department(), "departments/ops");

  get.set_name("teams/nobody");
  EXPECT_THAT(handoffs().GetTeam(Admin(), get, &got),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("teams/nobody")));
}

TEST_F(HandoffStoreTest, ListTeamsByDepartment) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  v1::ListTeamsRequest request;
  request.set_department("departments/clinic");
  v1::ListTeamsResponse response;
  ASSERT_OK(handoffs().ListTeams(Admin(), request, &response));
  std::vector<std::string> names;
  for (const auto& team : response.teams()) names.push_back(team.name());
  EXPECT_THAT(names, ElementsAre("teams/consultation", "teams/treatment"));
  EXPECT_THAT(response.next_page_token(), IsEmpty());
}

TEST_F(HandoffStoreTest, CreateChainNeedsExistingOwnerTeams) {
  ASSERT_OK(CreateDepartment(Admin(), "ops", "运营部"));
  ASSERT_OK(CreateTeam(Admin(), "outreach", "departments/ops", "外联组"));
  const uint64_t before = LastSequence();
  EXPECT_THAT(CreateChain(Admin(), "c", "链",
                          {MakeStage("外联", "teams/outreach", absl::ZeroDuration()),
                           MakeStage("幽灵", "teams/ghost", absl::Hours(1))}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("teams/ghost")));
  EXPECT_THAT(CreateChain(Outreach(), "c", "链",
                          {MakeStage("外联", "teams/outreach", absl::ZeroDuration()),
                           MakeStage("外联", "teams/outreach", absl::Hours(1))}),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("CreateChain")));
  EXPECT_EQ(LastSequence(), before);
  v1::GetChainRequest get;
  get.set_name("chains/c");
  v1::GetChainResponse got;
  EXPECT_THAT(handoffs().GetChain(Admin(), get, &got),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("chains/c")));
}

TEST_F(HandoffStoreTest, ChainRoundTripsWithChineseNames) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  v1::Chain created;
  ASSERT_OK(CreateChain(
      Admin(), "referral", "转诊流程",
      {MakeStage("问诊医生", "teams/consultation", absl::ZeroDuration()),
       MakeStage("治疗室", "teams/treatment", absl::Minutes(90), {"诊断", "处方"}, true)},
      &created));
  EXPECT_EQ(created.name(), "chains/referral");
  EXPECT_EQ(FromProto(created.create_time()), clock_.Now());
  v1::GetChainRequest get;
  get.set_name("chains/referral");
  v1::GetChainResponse got;
  ASSERT_OK(handoffs().GetChain(Admin(), get, &got));
  EXPECT_TRUE(MessageDifferencer::Equals(got.chain(), created)) << got.DebugString();
  EXPECT_EQ(got.chain().display_name(), "转诊流程");
  ASSERT_EQ(got.chain().stages_size(), 2);
  EXPECT_EQ(got.chain().stages(1).display_name(), "治疗室");
  EXPECT_THAT(got.chain().stages(1).required_fields(), ElementsAre("诊断", "处方"));
  EXPECT_EQ(FromProto(got.chain().stages(1).sla()), absl::Minutes(90));
  EXPECT_TRUE(got.chain().stages(1).requires_read_back());
}

// --- Work item creation -----------------------------------------------------------

TEST_F(HandoffStoreTest, CreateWorkItemByTheFirstStageTeam) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  auto item = CreateItem(Outreach(), "CRM-1", {{"phone", "13800000000"}, {"来源", "微信"}});
  ASSERT_OK(item);
  EXPECT_THAT(item->name(), StartsWith("workItems/"));
  EXPECT_EQ(item->chain(), kNewPatient);
  EXPECT_EQ(item->external_reference(), "CRM-1");
  EXPECT_EQ(item->stage_index(), 0);
  EXPECT_EQ(item->holder_team(), "teams/outreach");
  EXPECT_EQ(item->state(), v1::WORK_ITEM_STATE_ACTIVE);
  EXPECT_THAT(item->open_handoff(), IsEmpty());
  EXPECT_EQ(item->fields().at("来源"), "微信");
  EXPECT_EQ(FromProto(item->create_time()), clock_.Now());

  auto stored = GetItem(item->name());
  ASSERT_OK(stored);
  EXPECT_TRUE(MessageDifferencer::Equals(*stored, *item)) << stored->DebugString();

  // A service acting for the first stage's team may create too.
  EXPECT_OK(CreateItem(Service("outreach"), "CRM-2"));
}

TEST_F(HandoffStoreTest, CreateWorkItemByOthersIsDenied) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  const uint64_t before = LastSequence();
  EXPECT_THAT(CreateItem(FrontDesk(), "CRM-1"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("CreateWorkItem"), HasSubstr("teams/outreach"))));
  EXPECT_THAT(CreateItem(Service("front-desk"), "CRM-1"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("teams/outreach")));
  EXPECT_THAT(CreateItem(Service(), "CRM-1"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("x-baton-act-as-team")));
  EXPECT_THAT(CreateItem(Admin(), "CRM-1"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("CreateWorkItem")));
  EXPECT_THAT(CreateItem(Outreach(), "CRM-1", {{"phone", "1"}}, "chains/nowhere"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("chains/nowhere")));
  EXPECT_EQ(LastSequence(), before);
}

TEST_F(HandoffStoreTest, CreateWorkItemNeedsTheFirstStageFields) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  const uint64_t before = LastSequence();
  for (const Fields& fields : {Fields{}, Fields{{"phone", ""}}, Fields{{"name", "张三"}}}) {
    absl::Status status = CreateItem(Outreach(), "CRM-1", fields).status();
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("phone")));
    EXPECT_EQ(ErrorReason(status), "MISSING_REQUIRED_FIELDS");
    auto violations = PreconditionViolations(status);
    ASSERT_EQ(violations.size(), 1u);
    EXPECT_EQ(violations[0].type(), "MISSING_FIELD");
    EXPECT_EQ(violations[0].subject(), "phone");
  }
  EXPECT_EQ(LastSequence(), before);
  // Nothing was indexed either: the reference is still free.
  EXPECT_OK(CreateItem(Outreach(), "CRM-1"));
}

TEST_F(HandoffStoreTest, ExternalReferenceIsUniquePerChain) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  auto first = CreateItem(Outreach(), "病历-0001");
  ASSERT_OK(first);
  const uint64_t before = LastSequence();
  absl::Status again = CreateItem(Outreach(), "病历-0001").status();
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kAlreadyExists,
                              AllOf(HasSubstr("病历-0001"), HasSubstr(first->name()))));
  EXPECT_EQ(ErrorMetadata(again)["existing"], first->name());
  EXPECT_EQ(LastSequence(), before);

  // The same reference in another chain is another item.
  auto other = CreateItem(Treatment(), "病历-0001", {}, kFollowUp);
  ASSERT_OK(other);
  EXPECT_NE(other->name(), first->name());
  EXPECT_EQ(other->holder_team(), "teams/treatment");
}

// --- Idempotency and deadlines --------------------------------------------------------

TEST_F(HandoffStoreTest, RetriedCreateWorkItemReturnsTheSameItem) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  auto first = CreateItem(Outreach(), "CRM-1", {{"phone", "1"}}, kNewPatient, "req-1");
  ASSERT_OK(first);
  const uint64_t before = LastSequence();
  clock_.Advance(absl::Seconds(5));
  auto retry = CreateItem(Outreach(), "CRM-1", {{"phone", "1"}}, kNewPatient, "req-1");
  ASSERT_OK(retry);  // not ALREADY_EXISTS: the first answer again
  EXPECT_TRUE(MessageDifferencer::Equals(*retry, *first)) << retry->DebugString();
  EXPECT_EQ(LastSequence(), before);

  v1::ListWorkItemsRequest list;
  v1::ListWorkItemsResponse listed;
  ASSERT_OK(handoffs().ListWorkItems(Admin(), list, &listed));
  EXPECT_EQ(listed.work_items_size(), 1);

  // The same id with another body is a client bug.
  EXPECT_THAT(CreateItem(Outreach(), "CRM-2", {{"phone", "1"}}, kNewPatient, "req-1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));
  EXPECT_EQ(LastSequence(), before);
}

TEST_F(HandoffStoreTest, RetriedDecisionReturnsTheFirstAnswer) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  auto item = CreateItem(Outreach(), "CRM-1");
  ASSERT_OK(item);
  const Fields fix = {{"name", "张三"}, {"birth_date", "1990-01-01"}};
  auto offer = Offer(Outreach(), item->name(), fix, "note", "offer-1");
  ASSERT_OK(offer);
  uint64_t before = LastSequence();
  auto offer_again = Offer(Outreach(), item->name(), fix, "note", "offer-1");
  ASSERT_OK(offer_again);  // not "already offered"
  EXPECT_EQ(offer_again->name(), offer->name());
  EXPECT_EQ(offer_again->attempt(), 1);
  EXPECT_EQ(LastSequence(), before);
  EXPECT_THAT(Offer(Outreach(), item->name(), fix, "other note", "offer-1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));

  auto accepted = Accept(FrontDesk(), offer->name(), "", "accept-1");
  ASSERT_OK(accepted);
  before = LastSequence();
  clock_.Advance(absl::Minutes(1));
  auto accepted_again = Accept(FrontDesk(), offer->name(), "", "accept-1");
  ASSERT_OK(accepted_again);  // not "already accepted"
  EXPECT_TRUE(MessageDifferencer::Equals(*accepted_again, *accepted));
  EXPECT_EQ(LastSequence(), before);
  // Without the request id, a second accept is a state error.
  EXPECT_THAT(Accept(FrontDesk(), offer->name()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("accepted")));
}

TEST_F(HandoffStoreTest, RetriedCreateDepartmentIsNotAlreadyExists) {
  v1::CreateDepartmentRequest request;
  request.set_request_id("dept-1");
  request.set_department_id("ops");
  request.mutable_department()->set_display_name("运营部");
  v1::CreateDepartmentResponse first, second;
  ASSERT_OK(Call(&HandoffStore::CreateDepartment, Admin(), request, &first));
  ASSERT_OK(Call(&HandoffStore::CreateDepartment, Admin(), request, &second));
  EXPECT_TRUE(MessageDifferencer::Equals(first, second));
  EXPECT_EQ(LastSequence(), 1u);
}

TEST_F(HandoffStoreTest, PastDeadlineChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  auto item = CreateItem(Outreach(), "CRM-1");
  ASSERT_OK(item);
  const uint64_t before = LastSequence();

  Caller late = Outreach();
  late.deadline = clock_.Now() - absl::Milliseconds(1);
  EXPECT_THAT(CreateItem(late, "CRM-2"),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("nothing was changed")));
  EXPECT_THAT(Offer(late, item->name(), {{"name", "张三"}, {"birth_date", "1990-01-01"}}),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("deadline")));
  Caller late_admin = Admin();
  late_admin.deadline = clock_.Now() - absl::Seconds(1);
  EXPECT_THAT(CreateDepartment(late_admin, "late", "迟到"),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("deadline")));
  EXPECT_EQ(LastSequence(), before);

  auto unchanged = GetItem(item->name());
  ASSERT_OK(unchanged);
  EXPECT_TRUE(MessageDifferencer::Equals(*unchanged, *item));
  v1::ListWorkItemsRequest list;
  v1::ListWorkItemsResponse listed;
  ASSERT_OK(handoffs().ListWorkItems(Admin(), list, &listed));
  EXPECT_EQ(listed.work_items_size(), 1);

  // A deadline still ahead is fine.
  Caller timely = Outreach();
  timely.deadline = clock_.Now() + absl::Seconds(1);
  EXPECT_OK(CreateItem(timely, "CRM-2"));
}

// --- Listing --------------------------------------------------------------------------------

std::vector<std::string> References(const v1::ListWorkItemsResponse& response) {
  std::vector<std::string> out;
  for (const auto& item : response.work_items()) out.push_back(item.external_reference());
  return out;
}

TEST_F(HandoffStoreTest, ListWorkItemsPagesAndFilters) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  // r1, r2 move to front desk; r3 is dropped; r4, r5 stay with outreach.
  ASSERT_OK(ItemAtFrontDesk("r1"));
  ASSERT_OK(ItemAtFrontDesk("r2"));
  auto r3 = CreateItem(Outreach(), "r3");
  ASSERT_OK(r3);
  ASSERT_OK(Drop(Outreach(), r3->name(), v1::DROP_REASON_DUPLICATE));
  ASSERT_OK(CreateItem(Outreach(), "r4"));
  ASSERT_OK(CreateItem(Outreach(), "r5"));

  // page_size 2 over 5 items, oldest first.
  v1::ListWorkItemsRequest request;
  request.set_page_size(2);
  std::vector<std::vector<std::string>> pages;
  for (int i = 0; i < 5; ++i) {
    v1::ListWorkItemsResponse page;
    ASSERT_OK(handoffs().ListWorkItems(Admin(), request, &page));
    pages.push_back(References(page));
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(pages,
              ElementsAre(ElementsAre("r1", "r2"), ElementsAre("r3", "r4"), ElementsAre("r5")));

  v1::ListWorkItemsRequest by_holder;
  by_holder.set_holder_team("teams/front-desk");
  v1::ListWorkItemsResponse held;
  ASSERT_OK(handoffs().ListWorkItems(Admin(), by_holder, &held));
  EXPECT_THAT(References(held), ElementsAre("r1", "r2"));
  EXPECT_THAT(held.next_page_token(), IsEmpty());

  v1::ListWorkItemsRequest by_state;
  by_state.set_state(v1::WORK_ITEM_STATE_DROPPED);
  v1::ListWorkItemsResponse dropped;
  ASSERT_OK(handoffs().ListWorkItems(Admin(), by_state, &dropped));
  EXPECT_THAT(References(dropped), ElementsAre("r3"));

  v1::ListWorkItemsRequest active_outreach;
  active_outreach.set_holder_team("teams/outreach");
  active_outreach.set_state(v1::WORK_ITEM_STATE_ACTIVE);
  active_outreach.set_chain(kNewPatient);
  active_outreach.set_page_size(1);
  std::vector<std::string> seen;
  for (int i = 0; i < 10; ++i) {
    v1::ListWorkItemsResponse page;
    ASSERT_OK(handoffs().ListWorkItems(Admin(), active_outreach, &page));
    for (const auto& ref : References(page)) seen.push_back(ref);
    if (page.next_page_token().empty()) break;
    active_outreach.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(seen, ElementsAre("r4", "r5"));

  v1::ListWorkItemsRequest other_chain;
  other_chain.set_chain(kFollowUp);
  v1::ListWorkItemsResponse none;
  ASSERT_OK(handoffs().ListWorkItems(Admin(), other_chain, &none));
  EXPECT_EQ(none.work_items_size(), 0);
}

TEST_F(HandoffStoreTest, ListWorkItemsRejectsBadArguments) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  v1::ListWorkItemsResponse response;
  v1::ListWorkItemsRequest request;
  request.set_page_token("garbage!");
  EXPECT_THAT(handoffs().ListWorkItems(Admin(), request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  request.Clear();
  request.set_page_size(-1);
  EXPECT_THAT(handoffs().ListWorkItems(Admin(), request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  request.Clear();
  request.set_holder_team("front-desk");
  EXPECT_THAT(handoffs().ListWorkItems(Admin(), request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("holder_team")));
  request.Clear();
  request.set_chain("teams/outreach");
  EXPECT_THAT(handoffs().ListWorkItems(Admin(), request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("chain")));
}

// --- The event log -------------------------------------------------------------------------

TEST_F(HandoffStoreTest, EventLogHoldsOneEventPerChangeInOrder) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  std::vector<v1::Event> events = Events();
  ASSERT_EQ(events.size(), 8u);
  EXPECT_EQ(LastSequence(), 8u);

  clock_.Advance(absl::Minutes(1));
  auto item = CreateItem(Outreach(), "CRM-1");
  ASSERT_OK(item);
  auto refused = CreateItem(Outreach(), "CRM-1");  // duplicate: no event
  EXPECT_FALSE(refused.ok());
  clock_.Advance(absl::Minutes(1));
  auto offer = Offer(Outreach(), item->name(), {{"name", "张三"}, {"birth_date", "1990-01-01"}});
  ASSERT_OK(offer);
  clock_.Advance(absl::Minutes(1));
  auto accepted = Accept(Service("front-desk"), offer->name());
  ASSERT_OK(accepted);

  events = Events();
  ASSERT_EQ(events.size(), 11u);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].sequence(), i + 1);
  std::vector<v1::Event::PayloadCase> kinds;
  for (const auto& e : events) kinds.push_back(e.payload_case());
  EXPECT_THAT(kinds,
              ElementsAre(v1::Event::kDepartmentCreated, v1::Event::kDepartmentCreated,
                          v1::Event::kTeamCreated, v1::Event::kTeamCreated, v1::Event::kTeamCreated,
                          v1::Event::kTeamCreated, v1::Event::kChainCreated,
                          v1::Event::kChainCreated, v1::Event::kWorkItemCreated,
                          v1::Event::kHandoffOffered, v1::Event::kHandoffAccepted));
  EXPECT_EQ(events[0].department_created().name(), "departments/ops");
  EXPECT_EQ(events[0].actor().subject(), "root");
  EXPECT_THAT(events[0].actor().team(), IsEmpty());

  // Events are the resources without their fields: the log is history
  // other services consume and carries no people's data.
  const auto without_fields = [](auto message) {
    message.clear_fields();
    return message;
  };
  ASSERT_GT(item->fields_size(), 0);
  ASSERT_GT(offer->fields_size(), 0);
  const v1::Event& created = events[8];
  EXPECT_TRUE(MessageDifferencer::Equals(created.work_item_created(), without_fields(*item)));
  EXPECT_EQ(created.actor().subject(), "outreach-member");
  EXPECT_EQ(created.actor().team(), "teams/outreach");
  EXPECT_EQ(FromProto(created.time()), FromProto(item->create_time()));

  EXPECT_TRUE(MessageDifferencer::Equals(events[9].handoff_offered(), without_fields(*offer)));
  EXPECT_TRUE(MessageDifferencer::Equals(events[10].handoff_accepted(), without_fields(*accepted)));
  EXPECT_EQ(events[10].actor().subject(), "crm-sync");
  EXPECT_EQ(events[10].actor().team(), "teams/front-desk");
  EXPECT_EQ(FromProto(events[10].time()), clock_.Now());
  EXPECT_LT(FromProto(events[9].time()), FromProto(events[10].time()));

  // Reading after a sequence gives only the later events.
  std::vector<v1::Event> tail = Events(9);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].sequence(), 10u);
}

// --- Durability -------------------------------------------------------------------------------

TEST_F(HandoffStoreTest, DataSurvivesReopening) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  auto item = CreateItem(Outreach(), "病历-42", {{"phone", "1"}}, kNewPatient, "create-42");
  ASSERT_OK(item);
  auto offer = Offer(Outreach(), item->name(), {{"name", "李四"}, {"birth_date", "1985-05-05"}});
  ASSERT_OK(offer);
  auto offered_item = GetItem(item->name());
  ASSERT_OK(offered_item);
  const uint64_t last = LastSequence();
  const std::vector<v1::Event> events = Events();

  CloseAll();
  ASSERT_NO_FATAL_FAILURE(OpenAll());

  EXPECT_EQ(LastSequence(), last);
  const std::vector<v1::Event> reopened_events = Events();
  ASSERT_EQ(reopened_events.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(reopened_events[i], events[i])) << i;
  }
  auto stored_item = GetItem(item->name());
  ASSERT_OK(stored_item);
  EXPECT_TRUE(MessageDifferencer::Equals(*stored_item, *offered_item));
  auto stored_offer = GetHandoff(offer->name());
  ASSERT_OK(stored_offer);
  EXPECT_TRUE(MessageDifferencer::Equals(*stored_offer, *offer));
  v1::GetChainRequest get;
  get.set_name(kNewPatient);
  v1::GetChainResponse chain;
  ASSERT_OK(handoffs().GetChain(Admin(), get, &chain));
  EXPECT_EQ(chain.chain().display_name(), "新患者");

  // The ledger, the reference index and the open offer survived too.
  auto retry = CreateItem(Outreach(), "病历-42", {{"phone", "1"}}, kNewPatient, "create-42");
  ASSERT_OK(retry);
  EXPECT_EQ(retry->name(), item->name());
  EXPECT_THAT(CreateItem(Outreach(), "病历-42"),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(item->name())));
  EXPECT_THAT(Offer(Outreach(), item->name()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already offered")));
  EXPECT_EQ(LastSequence(), last);

  // And the log goes on where it stopped.
  ASSERT_OK(Accept(FrontDesk(), offer->name()));
  EXPECT_EQ(LastSequence(), last + 1);
  EXPECT_EQ(Events(last).at(0).payload_case(), v1::Event::kHandoffAccepted);
}

}  // namespace
}  // namespace baton::handoff

namespace baton::handoff {
namespace {

// Ids are made on the committer, so their order is the commit order: a
// client paging "oldest first" never misses an item committed behind its
// cursor. With ids made on the calling threads before submitting (as
// before), concurrent creates committed out of id order and this failed.
TEST_F(HandoffStoreFixture, IdsFollowCommitOrderUnderConcurrentCreates) {
  ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  const uint64_t before = LastSequence();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 40; ++i) {
        EXPECT_OK(CreateItem(Outreach(), absl::StrCat("ref-", t, "-", i)).status());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<std::string> in_commit_order;
  for (const v1::Event& event : Events(before)) {
    if (event.has_work_item_created()) in_commit_order.push_back(event.work_item_created().name());
  }
  ASSERT_EQ(in_commit_order.size(), 320u);
  EXPECT_TRUE(std::is_sorted(in_commit_order.begin(), in_commit_order.end()));
}

}  // namespace
}  // namespace baton::handoff
