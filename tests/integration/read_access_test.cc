// Who may read what, over the wire: work items and handoffs carry people's
// data (names, phone numbers), so every read RPC that returns them is tried
// with an outsider's token — a member of a team on no stage of the chain,
// and the head of another department — and with each kind of caller that
// may read them. Also: lists follow the open-offer index, and a page token
// works only with the filters it was made with.

#include "common/status/errors.h"
#include "tests/integration/org_fixture.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using auth::Role;

class ReadAccessTest : public OrgTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OrgTest::SetUp());
    // Another department with a team that is on no stage of chains/visit.
    hv1::CreateDepartmentRequest department;
    department.set_department_id("finance");
    department.mutable_department()->set_display_name("财务");
    hv1::CreateDepartmentResponse department_response;
    ASSERT_TRUE(server_.stub()
                    .CreateDepartment(Context(admin_).get(), department, &department_response)
                    .ok());
    hv1::CreateTeamRequest team;
    team.set_team_id("billing");
    team.mutable_team()->set_department("departments/finance");
    team.mutable_team()->set_display_name("收费");
    hv1::CreateTeamResponse team_response;
    ASSERT_TRUE(server_.stub().CreateTeam(Context(admin_).get(), team, &team_response).ok());
    outsider_ = Token("liu", "billing", "finance", {Role::kMember});
    other_head_ = Token("dr-zhao", "", "finance", {Role::kHead});
    // A head role claiming no department heads nothing.
    headless_ = Token("dr-x", "", "", {Role::kHead});

    item_ = CreateItem("crm-1");
    offer_ = Offer(front_desk_, item_.name());
  }

  grpc::Status GetItem(const std::string& token) {
    hv1::GetWorkItemRequest request;
    request.set_name(item_.name());
    hv1::GetWorkItemResponse response;
    grpc::Status status = server_.stub().GetWorkItem(Context(token).get(), request, &response);
    if (status.ok()) {
      EXPECT_EQ(response.work_item().fields().at("phone"), "13800000000");
    }
    return status;
  }
  grpc::Status GetHandoff(const std::string& token) {
    hv1::GetHandoffRequest request;
    request.set_name(offer_.name());
    hv1::GetHandoffResponse response;
    grpc::Status status = server_.stub().GetHandoff(Context(token).get(), request, &response);
    // The handoff is stored without the item's fields and gets them on read.
    if (status.ok()) {
      EXPECT_EQ(response.handoff().fields().at("phone"), "13800000000");
    }
    return status;
  }
  grpc::Status ListItems(const std::string& token, const std::string& chain,
                         hv1::ListWorkItemsResponse* response) {
    hv1::ListWorkItemsRequest request;
    request.set_chain(chain);
    return server_.stub().ListWorkItems(Context(token).get(), request, response);
  }

  std::string outsider_, other_head_, headless_;
  hv1::WorkItem item_;
  hv1::Handoff offer_;
};

TEST_F(ReadAccessTest, OutsidersCannotGetAWorkItemOrHandoff) {
  for (const std::string* token : {&outsider_, &other_head_, &headless_}) {
    grpc::Status item = GetItem(*token);
    EXPECT_CODE(item, grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_THAT(item.error_message(), HasSubstr("teams on its chain"));
    EXPECT_CODE(GetHandoff(*token), grpc::StatusCode::PERMISSION_DENIED);
  }
}

TEST_F(ReadAccessTest, TeamsOnTheChainTheirHeadServicesAndAdminsMayRead) {
  // treatment has not touched the item yet, but is on its chain.
  for (const std::string* token :
       {&front_desk_, &consult_, &treatment_, &head_, &service_, &admin_}) {
    EXPECT_CODE(GetItem(*token), grpc::StatusCode::OK);
    EXPECT_CODE(GetHandoff(*token), grpc::StatusCode::OK);
  }
}

TEST_F(ReadAccessTest, ListWorkItemsShowsOutsidersNothing) {
  hv1::ListWorkItemsResponse response;
  EXPECT_CODE(ListItems(outsider_, "chains/visit", &response), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_CODE(ListItems(other_head_, "chains/visit", &response),
              grpc::StatusCode::PERMISSION_DENIED);
  response.Clear();
  ASSERT_TRUE(ListItems(outsider_, "", &response).ok());
  EXPECT_THAT(response.work_items(), IsEmpty());

  response.Clear();
  ASSERT_TRUE(ListItems(treatment_, "", &response).ok());
  ASSERT_EQ(response.work_items_size(), 1);
  EXPECT_EQ(response.work_items(0).name(), item_.name());
}

TEST_F(ReadAccessTest, OutsidersCannotListOrWatchAnInboxNorStreamEvents) {
  hv1::ListHandoffsRequest list;
  list.set_team("teams/consultation");
  list.set_box(hv1::BOX_INBOX);
  hv1::ListHandoffsResponse listed;
  EXPECT_CODE(server_.stub().ListHandoffs(Context(outsider_).get(), list, &listed),
              grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_CODE(server_.stub().ListHandoffs(Context(other_head_).get(), list, &listed),
              grpc::StatusCode::PERMISSION_DENIED);

  hv1::WatchInboxRequest watch;
  watch.set_team("teams/consultation");
  auto watch_context = Context(outsider_);
  auto watcher = server_.stub().WatchInbox(watch_context.get(), watch);
  hv1::WatchInboxResponse update;
  EXPECT_FALSE(watcher->Read(&update));
  EXPECT_CODE(watcher->Finish(), grpc::StatusCode::PERMISSION_DENIED);

  hv1::StreamEventsRequest events;
  auto events_context = Context(other_head_);
  auto reader = server_.stub().StreamEvents(events_context.get(), events);
  hv1::StreamEventsResponse event;
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_CODE(reader->Finish(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReadAccessTest, OrgAndChainsAreReadableByAnyAuthenticatedCaller) {
  hv1::GetChainRequest chain;
  chain.set_name("chains/visit");
  hv1::GetChainResponse got;
  EXPECT_CODE(server_.stub().GetChain(Context(outsider_).get(), chain, &got), grpc::StatusCode::OK);
  hv1::ListTeamsRequest teams;
  hv1::ListTeamsResponse listed;
  EXPECT_CODE(server_.stub().ListTeams(Context(outsider_).get(), teams, &listed),
              grpc::StatusCode::OK);
  EXPECT_EQ(listed.teams_size(), 4);
}

TEST_F(ReadAccessTest, InboxByStateFollowsTheOpenOfferIndex) {
  const auto inbox = [&](hv1::HandoffState state) {
    hv1::ListHandoffsRequest request;
    request.set_team("teams/consultation");
    request.set_box(hv1::BOX_INBOX);
    request.set_state(state);
    hv1::ListHandoffsResponse response;
    EXPECT_TRUE(server_.stub().ListHandoffs(Context(consult_).get(), request, &response).ok());
    std::vector<std::string> names;
    for (const auto& h : response.handoffs()) names.push_back(h.name());
    return names;
  };
  EXPECT_THAT(inbox(hv1::HANDOFF_STATE_OFFERED), ::testing::ElementsAre(offer_.name()));
  EXPECT_THAT(inbox(hv1::HANDOFF_STATE_ACCEPTED), IsEmpty());

  hv1::AcceptHandoffRequest accept;
  accept.set_name(offer_.name());
  hv1::AcceptHandoffResponse accepted;
  ASSERT_TRUE(server_.stub().AcceptHandoff(Context(consult_).get(), accept, &accepted).ok());
  EXPECT_THAT(inbox(hv1::HANDOFF_STATE_OFFERED), IsEmpty());
  EXPECT_THAT(inbox(hv1::HANDOFF_STATE_ACCEPTED), ::testing::ElementsAre(offer_.name()));
  EXPECT_THAT(inbox(hv1::HANDOFF_STATE_UNSPECIFIED), ::testing::ElementsAre(offer_.name()));
}

TEST_F(ReadAccessTest, APageTokenOnlyWorksWithTheFiltersItWasMadeWith) {
  CreateItem("crm-2");
  hv1::ListWorkItemsRequest request;
  request.set_page_size(1);
  request.set_chain("chains/visit");
  hv1::ListWorkItemsResponse first;
  ASSERT_TRUE(server_.stub().ListWorkItems(Context(admin_).get(), request, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());

  request.set_page_token(first.next_page_token());
  request.set_state(hv1::WORK_ITEM_STATE_ACTIVE);  // a changed filter
  hv1::ListWorkItemsResponse second;
  grpc::Status status = server_.stub().ListWorkItems(Context(admin_).get(), request, &second);
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));

  request.clear_state();
  ASSERT_TRUE(server_.stub().ListWorkItems(Context(admin_).get(), request, &second).ok());
  ASSERT_EQ(second.work_items_size(), 1);
  EXPECT_NE(second.work_items(0).name(), first.work_items(0).name());
}

}  // namespace
}  // namespace baton::testing
