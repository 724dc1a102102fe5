#include "common/events/grpc_event_source.h"

#include <memory>
#include <string>
#include <vector>

#include "baton/handoff/v1/events.pb.h"
#include "baton/handoff/v1/handoff_service.grpc.pb.h"
#include "common/events/consumer_testing.h"
#include "common/events/event_consumer.h"
#include "common/status/errors.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/test_server.h"

namespace baton::events {
namespace {

using ::baton::testing::Context;
using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::baton::testing::TestServer;
using ::baton::testing::Token;
using ::testing::HasSubstr;

constexpr char kHandoff[] = "baton.handoff.v1.HandoffService";
constexpr char kMethod[] = "/baton.handoff.v1.HandoffService/StreamEvents";
constexpr char kCountsCf[] = "consumer.counts";

class GrpcEventSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::Store::Open(
        {.path = dir_.Sub("consumer"), .column_families = {"consumer.checkpoints", kCountsCf}});
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    queue_ = std::make_unique<storage::CommitQueue>(store_.get(), Clock::Real());
    sink_ = std::make_unique<testing::CountingSink>(store_->cf(kCountsCf));
  }

  std::unique_ptr<GrpcEventSource> Source(std::string token, size_t max_buffered = 256) {
    return std::make_unique<GrpcEventSource>(GrpcEventSourceOptions{
        .name = kHandoff,
        .channel = server_->channel(),
        .method = kMethod,
        .token = [token] { return token; },
        .max_buffered = max_buffered,
    });
  }

  void CreateDepartment(const std::string& id) {
    handoff::v1::CreateDepartmentRequest request;
    request.set_department_id(id);
    request.mutable_department()->set_display_name("诊所");
    handoff::v1::CreateDepartmentResponse response;
    ASSERT_TRUE(server_->stub().CreateDepartment(Context(admin_).get(), request, &response).ok());
  }

  uint64_t LastSequence() const { return server_->store().event_log()->last_sequence(); }

  static absl::Time Later() { return absl::Now() + absl::Seconds(30); }

  const std::string admin_ = Token("root", "", "", {auth::Role::kAdmin});
  const std::string service_ = Token("rating", "", "", {auth::Role::kService});
  std::unique_ptr<TestServer> server_ = std::make_unique<TestServer>();
  ::baton::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::CommitQueue> queue_;
  std::unique_ptr<testing::CountingSink> sink_;
};

TEST_F(GrpcEventSourceTest, ConsumesTheHandoffLogWithAServiceToken) {
  CreateDepartment("clinic");
  std::unique_ptr<GrpcEventSource> source = Source(service_);
  EventConsumer consumer({.source = source.get(),
                          .sink = sink_.get(),
                          .queue = queue_.get(),
                          .checkpoint = {.cf = store_->cf("consumer.checkpoints"), .key = "h"},
                          .idle_for_live = absl::Milliseconds(50)});
  consumer.Start();
  auto live_at = [&](uint64_t sequence) {
    return consumer.AwaitStatus(
        [sequence](const ConsumerStatus& s) {
          return s.applied_sequence == sequence && s.state == ConsumerState::kLive;
        },
        Later());
  };
  const uint64_t first = LastSequence();
  ASSERT_GE(first, 1u);
  ASSERT_TRUE(live_at(first));
  EXPECT_TRUE(consumer.Status().caught_up);
  EXPECT_EQ(consumer.Status().epoch, server_->store().event_log()->epoch());
  handoff::v1::Event event;
  ASSERT_TRUE(event.ParseFromString(sink_->last_bytes()));
  EXPECT_EQ(event.sequence(), first);
  EXPECT_TRUE(event.has_department_created());

  CreateDepartment("lab");  // live, over the open stream
  ASSERT_TRUE(live_at(LastSequence()));
  EXPECT_EQ(testing::CountingSink::Counts(*store_, store_->cf(kCountsCf)),
            testing::OncePerEvent(LastSequence()));

  // The server goes away: the consumer reconnects with backoff (the port
  // is gone, so it keeps trying) until stopped.
  server_->Stop();
  ASSERT_TRUE(consumer.AwaitStatus(
      [](const ConsumerStatus& s) {
        return s.state == ConsumerState::kConnecting && s.reconnects >= 2;
      },
      Later()));
  EXPECT_THAT(consumer.Status().error, HasSubstr("UNAVAILABLE"));
  consumer.Stop();
  EXPECT_EQ(consumer.Status().state, ConsumerState::kStopped);
}

TEST_F(GrpcEventSourceTest, HoldsAtMostMaxBufferedEvents) {
  for (const char* id : {"a", "b", "c", "d", "e"}) CreateDepartment(id);
  std::unique_ptr<GrpcEventSource> source = Source(service_, /*max_buffered=*/2);
  auto stream = source->Open(0, "");
  ASSERT_THAT(stream, IsOk());
  std::vector<ConsumedEvent> events;
  while (events.size() < 5) {
    const size_t before = events.size();
    ASSERT_OK((*stream)->Read(100, Later(), &events));
    EXPECT_LE(events.size() - before, 2u);
  }
  for (uint64_t i = 0; i < 5; ++i) EXPECT_EQ(events[i].sequence, i + 1);
  EXPECT_EQ((*stream)->End().sequence, 5u);
  EXPECT_FALSE((*stream)->End().exact);
}

TEST_F(GrpcEventSourceTest, ReportsTheServersRefusalsWithTheirDetails) {
  CreateDepartment("clinic");
  std::vector<ConsumedEvent> events;

  auto anonymous = Source("")->Open(0, "");
  ASSERT_THAT(anonymous, IsOk());
  EXPECT_THAT((*anonymous)->Read(10, Later(), &events),
              StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));

  std::unique_ptr<GrpcEventSource> source = Source(service_);
  auto other_epoch = source->Open(0, std::string(32, 'a'));
  ASSERT_THAT(other_epoch, IsOk());
  const absl::Status mismatch = (*other_epoch)->Read(10, Later(), &events);
  EXPECT_THAT(mismatch, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("epoch")));
  EXPECT_EQ(ErrorReason(mismatch), "EPOCH_MISMATCH");

  auto past_end = source->Open(100, "");
  ASSERT_THAT(past_end, IsOk());
  EXPECT_THAT((*past_end)->Read(10, Later(), &events),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("past the end")));
  EXPECT_TRUE(events.empty());
}

TEST_F(GrpcEventSourceTest, CancelEndsAWaitingRead) {
  auto stream = Source(service_)->Open(0, "");
  ASSERT_THAT(stream, IsOk());
  (*stream)->Cancel();
  std::vector<ConsumedEvent> events;
  EXPECT_THAT((*stream)->Read(10, Later(), &events),
              StatusIs(absl::StatusCode::kCancelled, ::testing::_));
}

}  // namespace
}  // namespace baton::events
