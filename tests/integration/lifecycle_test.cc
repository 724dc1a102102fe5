// The whole handoff lifecycle over a real socket and a real RocksDB.

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "common/server/raw_unary.h"
#include "grpcpp/generic/generic_stub.h"
#include "tests/integration/org_fixture.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

TEST_F(OrgTest, LifecycleWithReturnAndReofferThenComplete) {
  hv1::WorkItem item = CreateItem("crm-1001");
  EXPECT_EQ(item.holder_team(), "teams/front-desk");
  EXPECT_EQ(item.state(), hv1::WORK_ITEM_STATE_ACTIVE);

  // Stage 1 → 2: accepted.
  hv1::Handoff first = Offer(front_desk_, item.name());
  EXPECT_EQ(first.attempt(), 1);
  EXPECT_EQ(first.customer_team(), "teams/consultation");
  EXPECT_EQ(first.due_time().seconds() - first.offer_time().seconds(), 1800);
  hv1::AcceptHandoffRequest accept;
  accept.set_name(first.name());
  hv1::AcceptHandoffResponse accepted;
  ASSERT_TRUE(server_.stub().AcceptHandoff(Context(consult_).get(), accept, &accepted).ok());
  EXPECT_EQ(accepted.handoff().state(), hv1::HANDOFF_STATE_ACCEPTED);

  // Stage 2 → 3 without the diagnosis: refused, missing field listed.
  hv1::OfferHandoffRequest bad_offer;
  bad_offer.set_work_item(item.name());
  hv1::OfferHandoffResponse unused;
  grpc::Status refused = server_.stub().OfferHandoff(Context(consult_).get(), bad_offer, &unused);
  EXPECT_CODE(refused, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("diagnosis"));
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(refused.error_details()));
  bool listed = false;
  for (const auto& any : rich.details()) {
    google::rpc::PreconditionFailure failure;
    if (any.UnpackTo(&failure)) {
      ASSERT_EQ(failure.violations_size(), 1);
      EXPECT_EQ(failure.violations(0).subject(), "diagnosis");
      listed = true;
    }
  }
  EXPECT_TRUE(listed);

  // With the field: offered, then returned for rework.
  hv1::Handoff second = Offer(consult_, item.name(), {{"diagnosis", "偏头痛"}});
  EXPECT_EQ(second.attempt(), 1);
  hv1::ReturnHandoffRequest give_back;
  give_back.set_name(second.name());
  give_back.add_reasons(hv1::RETURN_REASON_WRONG_INFORMATION);
  give_back.add_fields("diagnosis");
  give_back.set_note("诊断与主诉不符");
  hv1::ReturnHandoffResponse returned;
  ASSERT_TRUE(server_.stub().ReturnHandoff(Context(treatment_).get(), give_back, &returned).ok());
  EXPECT_EQ(returned.handoff().state(), hv1::HANDOFF_STATE_RETURNED);
  EXPECT_EQ(returned.handoff().return_note(), "诊断与主诉不符");

  // Fixed and offered again: attempt 2; accepted with the read-back it needs.
  hv1::Handoff third = Offer(consult_, item.name(), {{"diagnosis", "紧张性头痛"}});
  EXPECT_EQ(third.attempt(), 2);
  hv1::AcceptHandoffRequest no_read_back;
  no_read_back.set_name(third.name());
  grpc::Status need_read_back =
      server_.stub().AcceptHandoff(Context(treatment_).get(), no_read_back, &accepted);
  EXPECT_CODE(need_read_back, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(need_read_back.error_message(), HasSubstr("read_back"));
  no_read_back.set_read_back("紧张性头痛，按计划治疗");
  ASSERT_TRUE(
      server_.stub().AcceptHandoff(Context(treatment_).get(), no_read_back, &accepted).ok());
  EXPECT_EQ(accepted.handoff().read_back(), "紧张性头痛，按计划治疗");

  // At the last stage: complete.
  hv1::CompleteWorkItemRequest complete;
  complete.set_name(item.name());
  hv1::CompleteWorkItemResponse completed;
  ASSERT_TRUE(
      server_.stub().CompleteWorkItem(Context(treatment_).get(), complete, &completed).ok());
  EXPECT_EQ(completed.work_item().state(), hv1::WORK_ITEM_STATE_COMPLETED);
  EXPECT_EQ(completed.work_item().stage_index(), 2);
  EXPECT_EQ(completed.work_item().fields().at("diagnosis"), "紧张性头痛");
}

// grpc.health.v1.Health/Check by hand: HealthCheckRequest{service = 1},
// HealthCheckResponse{status = 1}, SERVING = 1, SERVICE_UNKNOWN = 3.
int HealthStatus(grpc::Channel* channel, const std::string& service) {
  grpc::GenericStub stub(channel->shared_from_this());
  std::string request = {0x0A, static_cast<char>(service.size())};
  request += service;
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1), out;
  grpc::ClientContext context;
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &in, &out,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return 3;
  if (!status.ok()) return -1;
  const std::string bytes = server::ToBytes(out);
  return bytes.size() == 2 && bytes[0] == 0x08 ? bytes[1] : -2;
}

TEST_F(OrgTest, HealthReportsEachServiceWithoutAToken) {
  EXPECT_EQ(HealthStatus(server_.channel().get(), "baton.handoff.v1.HandoffService"), 1);
  EXPECT_EQ(HealthStatus(server_.channel().get(), ""), 1);
  EXPECT_EQ(HealthStatus(server_.channel().get(), "no.such.Service"), 3);
}

TEST_F(OrgTest, RetriedCallsWithARequestIdChangeNothingMore) {
  hv1::WorkItem item = CreateItem("crm-2001");
  hv1::OfferHandoffRequest offer;
  offer.set_request_id("offer-2001-a");
  offer.set_work_item(item.name());
  hv1::OfferHandoffResponse first, second;
  ASSERT_TRUE(server_.stub().OfferHandoff(Context(front_desk_).get(), offer, &first).ok());
  const uint64_t events = server_.store().event_log()->last_sequence();
  ASSERT_TRUE(server_.stub().OfferHandoff(Context(front_desk_).get(), offer, &second).ok());
  EXPECT_EQ(first.handoff().name(), second.handoff().name());
  EXPECT_EQ(server_.store().event_log()->last_sequence(), events);

  // Another team replaying the same request is checked afresh, not handed
  // the first caller's answer.
  hv1::OfferHandoffResponse stolen;
  EXPECT_CODE(server_.stub().OfferHandoff(Context(consult_).get(), offer, &stolen),
              grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(server_.store().event_log()->last_sequence(), events);

  // The same id for another request is refused.
  offer.set_note("changed");
  grpc::Status reused = server_.stub().OfferHandoff(Context(front_desk_).get(), offer, &second);
  EXPECT_CODE(reused, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(reused.error_message(), HasSubstr("request_id"));

  // A create retried without a request id is caught by the external reference.
  hv1::CreateWorkItemRequest again;
  again.set_chain("chains/visit");
  again.set_external_reference("crm-2001");
  (*again.mutable_fields())["phone"] = "1";
  (*again.mutable_fields())["complaint"] = "x";
  hv1::CreateWorkItemResponse created;
  grpc::Status duplicate =
      server_.stub().CreateWorkItem(Context(front_desk_).get(), again, &created);
  EXPECT_CODE(duplicate, grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(duplicate.error_message(), HasSubstr(item.name()));
}

TEST_F(OrgTest, ListsPageThroughEverything) {
  std::set<std::string> created;
  for (int i = 0; i < 7; ++i) created.insert(CreateItem("page-" + std::to_string(i)).name());
  std::set<std::string> seen;
  hv1::ListWorkItemsRequest list;
  list.set_page_size(3);
  list.set_holder_team("teams/front-desk");
  int pages = 0;
  do {
    hv1::ListWorkItemsResponse page;
    ASSERT_TRUE(server_.stub().ListWorkItems(Context(consult_).get(), list, &page).ok());
    EXPECT_LE(page.work_items_size(), 3);
    for (const auto& item : page.work_items()) EXPECT_TRUE(seen.insert(item.name()).second);
    list.set_page_token(page.next_page_token());
    ++pages;
  } while (!list.page_token().empty() && pages < 10);
  EXPECT_EQ(seen, created);
  EXPECT_EQ(pages, 3);

  hv1::ListWorkItemsRequest bad;
  bad.set_page_token("not-a-token");
  hv1::ListWorkItemsResponse page;
  grpc::Status status = server_.stub().ListWorkItems(Context(consult_).get(), bad, &page);
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
}

TEST_F(OrgTest, InboxAndOutboxListByState) {
  hv1::WorkItem a = CreateItem("box-a");
  hv1::WorkItem b = CreateItem("box-b");
  hv1::Handoff offered_a = Offer(front_desk_, a.name());
  Offer(front_desk_, b.name());
  hv1::AcceptHandoffRequest accept;
  accept.set_name(offered_a.name());
  hv1::AcceptHandoffResponse accepted;
  ASSERT_TRUE(server_.stub().AcceptHandoff(Context(consult_).get(), accept, &accepted).ok());

  hv1::ListHandoffsRequest inbox;
  inbox.set_team("teams/consultation");
  inbox.set_box(hv1::BOX_INBOX);
  inbox.set_state(hv1::HANDOFF_STATE_OFFERED);
  hv1::ListHandoffsResponse listed;
  ASSERT_TRUE(server_.stub().ListHandoffs(Context(consult_).get(), inbox, &listed).ok());
  ASSERT_EQ(listed.handoffs_size(), 1);
  EXPECT_EQ(listed.handoffs(0).work_item(), b.name());

  hv1::ListHandoffsRequest outbox;
  outbox.set_team("teams/front-desk");
  outbox.set_box(hv1::BOX_OUTBOX);
  ASSERT_TRUE(server_.stub().ListHandoffs(Context(head_).get(), outbox, &listed).ok());
  EXPECT_EQ(listed.handoffs_size(), 2);

  // Another team's inbox is not for a member of a third team.
  grpc::Status denied = server_.stub().ListHandoffs(Context(treatment_).get(), inbox, &listed);
  EXPECT_CODE(denied, grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(OrgTest, WatchInboxStreamsAnOffer) {
  hv1::WatchInboxRequest request;
  request.set_team("teams/consultation");
  auto context = Context(consult_);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto reader = server_.stub().WatchInbox(context.get(), request);
  hv1::WatchInboxResponse update;
  ASSERT_TRUE(reader->Read(&update));
  EXPECT_TRUE(update.synced());

  hv1::WorkItem item = CreateItem("watch-1");
  hv1::Handoff offered = Offer(front_desk_, item.name());
  ASSERT_TRUE(reader->Read(&update));
  ASSERT_TRUE(update.has_offered());
  EXPECT_EQ(update.offered().name(), offered.name());
  EXPECT_EQ(update.offered().work_item(), item.name());

  context->TryCancel();
  while (reader->Read(&update)) {
  }
  EXPECT_CODE(reader->Finish(), grpc::StatusCode::CANCELLED);
}

TEST_F(OrgTest, ShutdownEndsStreamsWithUnavailable) {
  hv1::StreamEventsRequest request;
  auto context = Context(service_);
  auto reader = server_.stub().StreamEvents(context.get(), request);
  hv1::StreamEventsResponse event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.event().sequence(), 1u);
  EXPECT_TRUE(event.event().has_department_created());
  std::thread stopper([this] { server_.Stop(); });
  while (reader->Read(&event)) {
  }
  grpc::Status status = reader->Finish();
  stopper.join();
  EXPECT_CODE(status, grpc::StatusCode::UNAVAILABLE);
  server_.Start();
}

TEST_F(OrgTest, EventsStreamInOrderFromAnyPoint) {
  hv1::WorkItem item = CreateItem("events-1");
  Offer(front_desk_, item.name());
  const uint64_t last = server_.store().event_log()->last_sequence();
  ASSERT_GE(last, 6u);  // department, 3 teams, chain, item, offer

  hv1::StreamEventsRequest request;
  request.set_after_sequence(last - 2);
  auto context = Context(service_);
  auto reader = server_.stub().StreamEvents(context.get(), request);
  hv1::StreamEventsResponse event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.event().sequence(), last - 1);
  EXPECT_TRUE(event.event().has_work_item_created());
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.event().sequence(), last);
  EXPECT_TRUE(event.event().has_handoff_offered());
  EXPECT_EQ(event.event().actor().team(), "teams/front-desk");
  context->TryCancel();
  while (reader->Read(&event)) {
  }
  reader->Finish();

  // Members may not read the whole log.
  auto member = Context(front_desk_);
  auto denied = server_.stub().StreamEvents(member.get(), request);
  EXPECT_FALSE(denied->Read(&event));
  EXPECT_CODE(denied->Finish(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(OrgTest, EventsCarryTheLogsEpochAndAnotherEpochIsRefused) {
  const std::string epoch = server_.store().event_log()->epoch();
  ASSERT_EQ(epoch.size(), 32u);
  hv1::StreamEventsRequest request;
  request.set_after_sequence(1);
  request.set_epoch(epoch);
  {
    auto context = Context(service_);
    auto reader = server_.stub().StreamEvents(context.get(), request);
    hv1::StreamEventsResponse event;
    ASSERT_TRUE(reader->Read(&event));
    EXPECT_EQ(event.event().sequence(), 2u);
    EXPECT_EQ(event.epoch(), epoch);
    context->TryCancel();
    while (reader->Read(&event)) {
    }
    reader->Finish();
  }

  // A position read under another epoch (a wiped or restored source).
  request.set_epoch(std::string(32, '0'));
  auto context = Context(service_);
  auto reader = server_.stub().StreamEvents(context.get(), request);
  hv1::StreamEventsResponse event;
  EXPECT_FALSE(reader->Read(&event));
  grpc::Status mismatch = reader->Finish();
  EXPECT_CODE(mismatch, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(mismatch.error_message(), HasSubstr("wiped or restored"));
  EXPECT_EQ(InfoOf(mismatch).reason(), "EPOCH_MISMATCH");
  EXPECT_EQ(InfoOf(mismatch).metadata().at("epoch"), epoch);

  request.set_epoch("not-an-epoch");
  auto bad_context = Context(service_);
  auto bad = server_.stub().StreamEvents(bad_context.get(), request);
  EXPECT_FALSE(bad->Read(&event));
  grpc::Status invalid = bad->Finish();
  EXPECT_CODE(invalid, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(invalid.error_message(), HasSubstr("epoch"));
}

TEST_F(OrgTest, EventsAfterTheEndOfTheLogAreOutOfRange) {
  const uint64_t last = server_.store().event_log()->last_sequence();
  hv1::StreamEventsRequest request;
  request.set_after_sequence(last + 10);
  auto context = Context(service_);
  auto reader = server_.stub().StreamEvents(context.get(), request);
  hv1::StreamEventsResponse event;
  EXPECT_FALSE(reader->Read(&event));
  grpc::Status status = reader->Finish();
  EXPECT_CODE(status, grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_THAT(status.error_message(), HasSubstr(absl::StrCat("last sequence ", last)));
  EXPECT_EQ(InfoOf(status).reason(), "AFTER_END_OF_LOG");
  EXPECT_EQ(InfoOf(status).metadata().at("last_sequence"), absl::StrCat(last));

  // At the end exactly is fine: it waits for the next event.
  request.set_after_sequence(last);
  auto tail_context = Context(service_);
  auto tail = server_.stub().StreamEvents(tail_context.get(), request);
  Offer(front_desk_, CreateItem("out-of-range-1").name());
  ASSERT_TRUE(tail->Read(&event));
  EXPECT_EQ(event.event().sequence(), last + 1);
  tail_context->TryCancel();
  while (tail->Read(&event)) {
  }
  tail->Finish();
}

// Sends `bytes` as the request of server-streaming `method` and returns how
// the stream ended, after reading whatever it sent.
grpc::Status RawStream(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                       const std::string& bytes, const std::string& token) {
  grpc::GenericStub stub(channel);
  auto context = Context(token);
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(context.get(), method, &cq);
  void* tag;
  bool ok;
  call->StartCall(nullptr);
  cq.Next(&tag, &ok);
  grpc::Slice slice(bytes);
  call->Write(grpc::ByteBuffer(&slice, 1), nullptr);
  cq.Next(&tag, &ok);
  call->WritesDone(nullptr);
  cq.Next(&tag, &ok);
  grpc::ByteBuffer message;
  do {
    call->Read(&message, nullptr);
    cq.Next(&tag, &ok);
  } while (ok);
  grpc::Status status;
  call->Finish(&status, nullptr);
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

// gRPC's typed streaming handler answered these with a bare UNIMPLEMENTED.
TEST_F(OrgTest, MalformedStreamRequestsAreInvalidArgumentNamingTheProblem) {
  hv1::WatchInboxRequest watch;
  watch.set_team("teams/ab");
  std::string bytes = watch.SerializeAsString();
  const size_t at = bytes.find("ab");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = '\xff';
  bytes[at + 1] = '\xfe';
  grpc::Status status =
      RawStream(server_.channel(), "/baton.handoff.v1.HandoffService/WatchInbox", bytes, consult_);
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("team"));
  EXPECT_THAT(status.error_message(), HasSubstr("UTF-8"));

  status = RawStream(server_.channel(), "/baton.handoff.v1.HandoffService/StreamEvents",
                     std::string("\xff\xff\xff", 3), service_);
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("baton.handoff.v1.StreamEventsRequest"));
}

TEST_F(OrgTest, DataSurvivesARestart) {
  hv1::WorkItem item = CreateItem("restart-1");
  hv1::Handoff offered = Offer(front_desk_, item.name());
  const uint64_t events = server_.store().event_log()->last_sequence();
  server_.Restart();

  hv1::GetHandoffRequest get;
  get.set_name(offered.name());
  hv1::GetHandoffResponse got;
  ASSERT_TRUE(server_.stub().GetHandoff(Context(consult_).get(), get, &got).ok());
  EXPECT_EQ(got.handoff().state(), hv1::HANDOFF_STATE_OFFERED);
  EXPECT_EQ(server_.store().event_log()->last_sequence(), events);

  hv1::GetTeamRequest team;
  team.set_name("teams/front-desk");
  hv1::GetTeamResponse team_response;
  ASSERT_TRUE(server_.stub().GetTeam(Context(consult_).get(), team, &team_response).ok());
  EXPECT_EQ(team_response.team().display_name(), "前台接待");

  // New events continue the sequence.
  hv1::AcceptHandoffRequest accept;
  accept.set_name(offered.name());
  hv1::AcceptHandoffResponse accepted;
  ASSERT_TRUE(server_.stub().AcceptHandoff(Context(consult_).get(), accept, &accepted).ok());
  EXPECT_EQ(server_.store().event_log()->last_sequence(), events + 1);
}

TEST_F(OrgTest, ChineseNamesRoundTrip) {
  hv1::GetChainRequest get;
  get.set_name("chains/visit");
  hv1::GetChainResponse chain;
  ASSERT_TRUE(server_.stub().GetChain(Context(front_desk_).get(), get, &chain).ok());
  EXPECT_EQ(chain.chain().display_name(), "门诊流程");
  EXPECT_EQ(chain.chain().stages(1).display_name(), "面诊");

  hv1::ListTeamsRequest list;
  list.set_department("departments/clinic");
  hv1::ListTeamsResponse teams;
  ASSERT_TRUE(server_.stub().ListTeams(Context(front_desk_).get(), list, &teams).ok());
  std::set<std::string> names;
  for (const auto& team : teams.teams()) names.insert(team.display_name());
  EXPECT_EQ(names, (std::set<std::string>{"前台接待", "面诊", "治疗"}));
}

}  // namespace
}  // namespace baton::testing
