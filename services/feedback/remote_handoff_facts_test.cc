// RemoteHandoffFacts against a real handoff server in this process (on
// 127.0.0.1:0, HS256 tokens): the facts it returns, and how each way the
// server can fail becomes the status HandoffFacts promises.

#include "services/feedback/remote_handoff_facts.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/status/errors.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/integration/org_fixture.h"

namespace baton::feedback {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace hv1 = ::baton::handoff::v1;

// Runs one lookup and waits for its answer.
template <typename Fact, typename Lookup>
absl::StatusOr<Fact> Wait(Lookup lookup) {
  absl::Notification finished;
  absl::StatusOr<Fact> result = absl::InternalError("done was not called");
  lookup([&](absl::StatusOr<Fact> fact) {
    result = std::move(fact);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

std::shared_ptr<grpc::Channel> ChannelTo(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
}

class RemoteHandoffFactsTest : public testing::OrgTest {
 protected:
  void SetUp() override {
    OrgTest::SetUp();
    facts_ = std::make_unique<RemoteHandoffFacts>(ChannelTo(server_.port()),
                                                  [this] { return service_; });
  }

  static absl::Time Soon() { return absl::Now() + absl::Seconds(5); }

  absl::StatusOr<TeamFact> Team(HandoffFacts& facts, const std::string& id,
                                absl::Time deadline = Soon()) {
    return Wait<TeamFact>(
        [&](FactCallback<TeamFact> done) { facts.Team(id, deadline, std::move(done)); });
  }
  absl::StatusOr<HandoffFact> Handoff(const std::string& id) {
    return Wait<HandoffFact>(
        [&](FactCallback<HandoffFact> done) { facts_->Handoff(id, Soon(), std::move(done)); });
  }
  absl::StatusOr<WorkItemFact> WorkItem(const std::string& id) {
    return Wait<WorkItemFact>(
        [&](FactCallback<WorkItemFact> done) { facts_->WorkItem(id, Soon(), std::move(done)); });
  }

  static std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

  std::unique_ptr<RemoteHandoffFacts> facts_;
};

TEST_F(RemoteHandoffFactsTest, TeamsHandoffsAndWorkItemsAsTheServerHasThem) {
  absl::StatusOr<TeamFact> team = Team(*facts_, "consultation");
  ASSERT_OK(team);
  EXPECT_EQ(team->team_id, "consultation");
  EXPECT_EQ(team->department_id, "clinic");

  const hv1::WorkItem item = CreateItem("R-1");
  const hv1::Handoff offer = Offer(front_desk_, item.name());
  hv1::AcceptHandoffRequest accept;
  accept.set_name(offer.name());
  hv1::AcceptHandoffResponse accepted;
  grpc::Status status =
      server_.stub().AcceptHandoff(testing::Context(consult_).get(), accept, &accepted);
  ASSERT_TRUE(status.ok()) << status.error_message();

  absl::StatusOr<HandoffFact> handoff = Handoff(IdOf(offer.name()));
  ASSERT_OK(handoff);
  EXPECT_EQ(handoff->handoff_id, IdOf(offer.name()));
  EXPECT_EQ(handoff->work_item_id, IdOf(item.name()));
  EXPECT_EQ(handoff->chain_id, "visit");
  EXPECT_EQ(handoff->state, hv1::HANDOFF_STATE_ACCEPTED);
  EXPECT_NE(handoff->decide_time, absl::InfinitePast());
  EXPECT_EQ(handoff->supplier.team_id, "front-desk");
  EXPECT_EQ(handoff->supplier.department_id, "clinic");
  EXPECT_EQ(handoff->customer.team_id, "consultation");
  EXPECT_EQ(handoff->customer.department_id, "clinic");

  absl::StatusOr<WorkItemFact> fact = WorkItem(IdOf(item.name()));
  ASSERT_OK(fact);
  EXPECT_EQ(fact->work_item_id, IdOf(item.name()));
  EXPECT_EQ(fact->chain_id, "visit");
  EXPECT_EQ(fact->state, hv1::WORK_ITEM_STATE_ACTIVE);
  EXPECT_EQ(fact->stage_index, 1);
  EXPECT_THAT(fact->chain_team_ids, ElementsAre("front-desk", "consultation", "treatment"));
}

TEST_F(RemoteHandoffFactsTest, UnknownIdsAreNotFoundNamingTheResource) {
  absl::Status team = Team(*facts_, "nobody").status();
  EXPECT_EQ(team.code(), absl::StatusCode::kNotFound) << team;
  EXPECT_THAT(team.message(), HasSubstr("teams/nobody"));
  absl::Status handoff = Handoff("h-none").status();
  EXPECT_EQ(handoff.code(), absl::StatusCode::kNotFound) << handoff;
  EXPECT_THAT(handoff.message(), HasSubstr("handoffs/h-none"));
  absl::Status item = WorkItem("w-none").status();
  EXPECT_EQ(item.code(), absl::StatusCode::kNotFound) << item;
  EXPECT_THAT(item.message(), HasSubstr("workItems/w-none"));
}

TEST_F(RemoteHandoffFactsTest, ARefusedTokenIsADeploymentErrorNotTheCallers) {
  RemoteHandoffFacts wrong_key(ChannelTo(server_.port()), [] {
    return testing::Token("baton-feedback", "", "", {auth::Role::kService},
                          "another-secret-0123456789abcdef-xyz");
  });
  absl::Status status = Team(wrong_key, "consultation").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_THAT(status.message(), HasSubstr("credentials"));
  RemoteHandoffFacts no_token(ChannelTo(server_.port()), [] { return std::string(); });
  EXPECT_EQ(Team(no_token, "consultation").status().code(), absl::StatusCode::kInternal);
}

TEST_F(RemoteHandoffFactsTest, AStoppedServerIsUnavailableWithinTheDeadline) {
  ASSERT_OK(Team(*facts_, "treatment"));  // connected once
  server_.Stop();
  const absl::Time start = absl::Now();
  absl::Status status = Team(*facts_, "front-desk", absl::Now() + absl::Milliseconds(500)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(ErrorReason(status), "HANDOFF_UNAVAILABLE");
  EXPECT_THAT(status.message(), HasSubstr("retry later"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  // What was learnt before still answers: a team's department never changes.
  EXPECT_OK(Team(*facts_, "treatment"));
  server_.Start();  // for the fixture's teardown
}

// A peer that takes the connection and never speaks: only the deadline ends
// the call.
TEST_F(RemoteHandoffFactsTest, ASilentServerIsUnavailableAtTheDeadline) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(listener, 8), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);

  RemoteHandoffFacts silent(ChannelTo(ntohs(address.sin_port)), [this] { return service_; });
  const absl::Time start = absl::Now();
  absl::Status status = Team(silent, "front-desk", start + absl::Milliseconds(300)).status();
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(ErrorReason(status), "HANDOFF_UNAVAILABLE");
  EXPECT_GE(took, absl::Milliseconds(250));
  EXPECT_LT(took, absl::Seconds(3));
  close(listener);
}

}  // namespace
}  // namespace baton::feedback
