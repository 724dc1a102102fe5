// LatestValueStream over a real socket: the test is the producer (it
// offers, ends and checks stalls) and the client, which reads or does not.

#include "common/events/latest_value_stream.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/events/stream_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::events {
namespace {

using ::testing::HasSubstr;

constexpr char kMethod[] = "/baton.test.Latest/Watch";

// The stream a call opened, for the test to drive until gRPC is done.
struct Opened {
  absl::Mutex mu;
  LatestValueSink* stream ABSL_GUARDED_BY(mu) = nullptr;
  bool done ABSL_GUARDED_BY(mu) = false;

  LatestValueSink* Await() {
    absl::MutexLock lock(&mu);
    mu.AwaitWithTimeout(absl::Condition(
                            +[](LatestValueSink** s) { return *s != nullptr; }, &stream),
                        absl::Seconds(30));
    return stream;
  }
  bool AwaitDone() {
    absl::MutexLock lock(&mu);
    return mu.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(30));
  }
};

class LatestValueStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = std::make_unique<testing::RawStreamService>(
        kMethod, [this](grpc::CallbackServerContext* context, const std::string&) {
          auto* stream =
              new LatestValueStream(context, {.stall_timeout = absl::Seconds(30),
                                              .resume_hint = "call again",
                                              .on_done = [opened = opened_](LatestValueSink*) {
                                                absl::MutexLock lock(&opened->mu);
                                                opened->done = true;
                                              }});
          absl::MutexLock lock(&opened_->mu);
          opened_->stream = stream;
          return stream;
        });
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  // A client of a fresh call, and the call's stream.
  std::unique_ptr<testing::RawStreamClient> Open(LatestValueSink** stream) {
    auto client =
        std::make_unique<testing::RawStreamClient>(testing::SmallWindowChannel(port_), kMethod, "");
    *stream = opened_->Await();
    EXPECT_NE(*stream, nullptr);
    return client;
  }

  static std::shared_ptr<const std::string> Message(int n, size_t bytes = 16) {
    std::string message = absl::StrCat(n, ":");
    message.resize(bytes, 'x');
    return std::make_shared<const std::string>(std::move(message));
  }
  static int NumberOf(const std::string& message) {
    int n = 0;
    EXPECT_TRUE(absl::SimpleAtoi(message.substr(0, message.find(':')), &n));
    return n;
  }

  std::shared_ptr<Opened> opened_ = std::make_shared<Opened>();
  std::unique_ptr<testing::RawStreamService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// The client reads nothing while 40 messages of 32 KiB are offered: the
// window takes a few, then one write stays in flight and each newer message
// replaces the one waiting. Fails when offers queue (the client would get
// all 40) or the newest is dropped instead of the older ones.
TEST_F(LatestValueStreamTest, ANewerValueReplacesTheOneWaitingAndTheNewestArrives) {
  LatestValueSink* stream = nullptr;
  auto client = Open(&stream);
  for (int i = 1; i <= 40; ++i) stream->Offer(Message(i, 32 * 1024));
  std::vector<int> got;
  while (got.empty() || got.back() != 40) {
    std::optional<std::string> message = client->Read();
    ASSERT_TRUE(message.has_value()) << "the stream ended before the newest value";
    got.push_back(NumberOf(*message));
  }
  EXPECT_LT(got.size(), 10u);  // the window's few, the one in flight, the newest
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
  stream->End(absl::UnavailableError("shutting down"));
  EXPECT_TRUE(client->ReadAll().empty());
  EXPECT_EQ(client->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

// A write in flight for stall_timeout ends the stream with
// RESOURCE_EXHAUSTED after it; a client that then takes nothing for another
// stall_timeout is cancelled, so that the call is freed.
TEST_F(LatestValueStreamTest, AClientThatTakesNothingIsEndedThenCancelled) {
  LatestValueSink* stream = nullptr;
  auto client = Open(&stream);
  stream->Offer(Message(1, 1 << 20));  // larger than the window: stays in flight
  stream->Offer(Message(2));
  stream->CheckStall(absl::Now());  // not yet
  stream->CheckStall(absl::Now() + absl::Seconds(31));
  stream->CheckStall(absl::Now() + absl::Seconds(62));
  ASSERT_TRUE(opened_->AwaitDone()) << "the call was not freed";
  client->ReadAll();
  EXPECT_EQ(client->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(LatestValueStreamTest, AStalledClientThatReadsLaterGetsResourceExhausted) {
  LatestValueSink* stream = nullptr;
  auto client = Open(&stream);
  stream->Offer(Message(1, 1 << 20));
  stream->Offer(Message(2));
  stream->CheckStall(absl::Now() + absl::Seconds(31));
  stream->Offer(Message(3));  // ended: ignored
  const std::vector<std::string> got = client->ReadAll();
  ASSERT_EQ(got.size(), 1u);  // the one in flight; the waiting one was dropped
  EXPECT_EQ(NumberOf(got[0]), 1);
  const grpc::Status status = client->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("stream consumer too slow"));
  EXPECT_THAT(status.error_message(), HasSubstr("call again"));
  EXPECT_EQ(testing::InfoOf(status).reason(), "STREAM_CONSUMER_TOO_SLOW");
}

TEST_F(LatestValueStreamTest, ACancelledClientFreesTheCall) {
  LatestValueSink* stream = nullptr;
  auto client = Open(&stream);
  stream->Offer(Message(1));
  ASSERT_EQ(NumberOf(*client->Read()), 1);
  client->Cancel();
  ASSERT_TRUE(opened_->AwaitDone());
  EXPECT_EQ(client->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

}  // namespace
}  // namespace baton::events
