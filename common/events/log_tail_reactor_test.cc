// LogTailReactor over a real socket: an in-process gRPC server with a tiny
// service of one raw server-streaming method, a real EventLog on RocksDB,
// and a generic client that reads (or does not) when the test says so.

#include "common/events/log_tail_reactor.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/events/stream_testing.h"
#include "common/status/grpc_status.h"
#include "common/storage/commit_queue.h"
#include "common/storage/store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace baton::events {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kLogCf[] = "test.events";
constexpr char kMethod[] = "/baton.test.Tail/Tail";

// Entries are "topic|payload"; the payload is the message sent, except
// "skip…" (filtered out) and "CORRUPT" (cannot be decoded).
void Topics(const LogEntry& entry, std::vector<std::string>* topics) {
  const size_t bar = entry.value.find('|');
  if (bar != std::string::npos && bar > 0) topics->push_back(entry.value.substr(0, bar));
}

Converted Convert(const LogEntry& entry, std::string* message) {
  const std::string payload = entry.value.substr(entry.value.find('|') + 1);
  if (payload == "CORRUPT") return Converted::kCorrupt;
  if (payload.rfind("skip", 0) == 0) return Converted::kSkip;
  *message = payload;
  return Converted::kSend;
}

// The service: request bytes are the decimal `after`; the test decides the
// rest of the stream's options.
class TailService final {
 public:
  using Options = std::function<TailOptions(uint64_t after)>;

  explicit TailService(Options options)
      : options_(std::move(options)),
        service_(kMethod, [this](grpc::CallbackServerContext* context, const std::string& bytes) {
          uint64_t after = 0;
          if (!absl::SimpleAtoi(bytes, &after)) {
            return FinishedStream(absl::InvalidArgumentError("after: not a number"));
          }
          return LogTailReactor::Start(context, options_(after));
        }) {}
  grpc::Service* get() { return &service_; }

 private:
  Options options_;
  testing::RawStreamService service_;
};

// One call of the method.
class TailClient final : public testing::RawStreamClient {
 public:
  TailClient(const std::shared_ptr<grpc::Channel>& channel, const std::string& request)
      : RawStreamClient(channel, kMethod, request) {}
};

using testing::InfoOf;

// What the streams' observers saw, shared with them.
struct Observed {
  absl::Mutex mu;
  std::vector<TailEnd> ends ABSL_GUARDED_BY(mu);
  int done ABSL_GUARDED_BY(mu) = 0;

  // How the first stream ended; nullopt when none did within 30 s (so that
  // a missing bound fails the test instead of hanging it).
  std::optional<TailEnd> AwaitEnd() {
    absl::MutexLock lock(&mu);
    if (!mu.AwaitWithTimeout(absl::Condition(
                                 +[](std::vector<TailEnd>* e) { return !e->empty(); }, &ends),
                             absl::Seconds(30))) {
      return std::nullopt;
    }
    return ends.front();
  }
  bool AwaitDone() {
    absl::MutexLock lock(&mu);
    return mu.AwaitWithTimeout(absl::Condition(
                                   +[](int* d) { return *d > 0; }, &done),
                               absl::Seconds(30));
  }
};

class LogTailReactorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store =
        storage::Store::Open({.path = dir_.Sub("db"), .column_families = {kLogCf}, .sync = false});
    ASSERT_OK(store);
    store_ = std::move(*store);
    auto log = EventLog::Open(store_.get(), kLogCf, {.topics = &Topics});
    ASSERT_OK(log);
    log_ = std::move(*log);
    queue_ = std::make_unique<storage::CommitQueue>(store_.get(), Clock::Real());

    service_ = std::make_unique<TailService>([this](uint64_t after) {
      TailOptions options;
      {
        absl::MutexLock lock(&mu_);
        options = options_;
      }
      options.log = log_.get();
      options.after = after;
      options.convert = &Convert;
      auto observed = observed_;
      options.on_end = [observed](const TailEnd& end) {
        absl::MutexLock lock(&observed->mu);
        observed->ends.push_back(end);
      };
      options.on_done = [observed] {
        absl::MutexLock lock(&observed->mu);
        ++observed->done;
      };
      return options;
    });
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service_->get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = testing::SmallWindowChannel(port_);
  }

  void TearDown() override {
    log_->Close();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    server_.reset();
    queue_.reset();
    log_.reset();
  }

  void SetOptions(TailOptions options) {
    absl::MutexLock lock(&mu_);
    options_ = std::move(options);
  }

  void Append(std::vector<std::string> values) {
    ASSERT_OK(queue_->Run([&](storage::Transaction& tx) {
      for (std::string& v : values) tx.Append(log_->writer(), std::move(v));
      return absl::OkStatus();
    }));
  }

  std::unique_ptr<TailClient> Tail(uint64_t after) {
    return std::make_unique<TailClient>(channel_, absl::StrCat(after));
  }

  ::baton::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<storage::CommitQueue> queue_;
  absl::Mutex mu_;
  TailOptions options_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Observed> observed_ = std::make_shared<Observed>();
  std::unique_ptr<TailService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(LogTailReactorTest, ServesTheBacklogThenTailsLive) {
  Append({"|1", "|2", "|3"});
  SetOptions({.first = "hello"});
  auto client = Tail(1);
  EXPECT_EQ(client->Read(), "hello");
  EXPECT_EQ(client->Read(), "2");
  EXPECT_EQ(client->Read(), "3");
  Append({"|4"});
  EXPECT_EQ(client->Read(), "4");
  Append({"|5", "|6"});
  EXPECT_EQ(client->Read(), "5");
  EXPECT_EQ(client->Read(), "6");
  client->Cancel();
  EXPECT_THAT(client->ReadAll(), IsEmpty());
  EXPECT_EQ(client->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(LogTailReactorTest, ATopicStreamGetsOnlyItsTopic) {
  Append({"b|1", "a|2", "|3", "a|4"});
  SetOptions({.topic = "a"});
  auto client = Tail(0);  // the backlog, read by the stream itself
  EXPECT_EQ(client->Read(), "2");
  EXPECT_EQ(client->Read(), "4");
  Append({"b|5"});
  Append({"a|6", "b|7"});  // live, handed over by the notifier
  EXPECT_EQ(client->Read(), "6");
  Append({"b|8", "a|9"});
  EXPECT_EQ(client->Read(), "9");
}

TEST_F(LogTailReactorTest, SkippedEntriesAreNotSentAndTheStreamGoesOn) {
  Append({"|1", "|skip 2", "|3"});
  auto client = Tail(0);
  EXPECT_EQ(client->Read(), "1");
  EXPECT_EQ(client->Read(), "3");
  Append({"|skip 4", "|5"});
  EXPECT_EQ(client->Read(), "5");
}

// Before, LogTailReactor's convert returning false skipped an entry that
// did not decode: the consumer moved past an event it never got.
TEST_F(LogTailReactorTest, AnUndecodableEntryEndsTheStreamWithDataLossAfterTheOnesBefore) {
  Append({"|1", "|CORRUPT", "|3"});
  auto client = Tail(0);
  EXPECT_THAT(client->ReadAll(), ElementsAre("1"));
  grpc::Status status = client->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(status.error_message(), HasSubstr("event 2"));
  EXPECT_EQ(InfoOf(status).reason(), "EVENT_UNREADABLE");
  EXPECT_EQ(InfoOf(status).metadata().at("sequence"), "2");
}

TEST_F(LogTailReactorTest, AnUndecodableLiveEntryEndsATopicStreamToo) {
  SetOptions({.topic = "a"});
  auto client = Tail(0);
  Append({"a|1"});
  EXPECT_EQ(client->Read(), "1");
  // Whose topic is unknown: it reaches every topic's streams.
  Append({"*|CORRUPT"});
  EXPECT_THAT(client->ReadAll(), IsEmpty());
  grpc::Status status = client->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_EQ(InfoOf(status).metadata().at("sequence"), "2");
}

TEST_F(LogTailReactorTest, ClosingTheLogEndsStreamsWithUnavailable) {
  auto client = Tail(0);
  Append({"|1"});
  EXPECT_EQ(client->Read(), "1");
  log_->Close();
  EXPECT_THAT(client->ReadAll(), IsEmpty());
  // Not CANCELLED: Close() runs the stream's pending stall timer early,
  // which once took that for the end of its grace and cancelled the call.
  grpc::Status status = client->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

// The slow-consumer bound. A client that never reads: the server writes
// until flow control stops it, holds at most its outbox, and ends the
// stream after the stall timeout; the client, when it finally reads, gets
// what was sent and then RESOURCE_EXHAUSTED saying where to resume. Before
// the bound, such a stream held its server thread's outbox unbounded.
TEST_F(LogTailReactorTest, AClientThatNeverReadsIsEndedWithResourceExhausted) {
  constexpr size_t kEntries = 256;
  const std::string payload(16 * 1024, 'x');
  for (size_t i = 0; i < kEntries; i += 16) {
    std::vector<std::string> values;
    for (size_t j = i; j < i + 16; ++j) values.push_back(absl::StrCat("|", j + 1, ":", payload));
    Append(values);
  }
  SetOptions({.limits = {.max_outbox_messages = 8,
                         .max_outbox_bytes = 64 * 1024,
                         .stall_timeout = absl::Milliseconds(300)}});
  auto client = Tail(0);

  const std::optional<TailEnd> ended = observed_->AwaitEnd();
  ASSERT_TRUE(ended.has_value()) << "the stream was not ended";
  const TailEnd& end = *ended;
  EXPECT_EQ(end.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_LE(end.peak_outbox_messages, 8u);
  EXPECT_LE(end.peak_outbox_bytes, 64u * 1024 + 64);
  EXPECT_LT(end.sent_through, kEntries);

  const std::vector<std::string> got = client->ReadAll();
  // Everything written to it, perhaps with the one write still in flight.
  EXPECT_GE(got.size(), end.sent_through);
  EXPECT_LE(got.size(), end.sent_through + 1);
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].substr(0, got[i].find(':')), absl::StrCat(i + 1));
  }
  grpc::Status status = client->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("stream consumer too slow"));
  EXPECT_THAT(status.error_message(),
              HasSubstr(absl::StrCat("reconnect with after_sequence=", end.sent_through)));
  EXPECT_EQ(InfoOf(status).reason(), "STREAM_CONSUMER_TOO_SLOW");
  EXPECT_EQ(InfoOf(status).metadata().at("after_sequence"), absl::StrCat(end.sent_through));
}

// ...and one that never takes the status either is cancelled, so that the
// call and what it holds are freed.
TEST_F(LogTailReactorTest, AClientThatNeverTakesTheStatusIsCancelled) {
  const std::string payload(32 * 1024, 'y');
  std::vector<std::string> values;
  for (int i = 1; i <= 64; ++i) values.push_back(absl::StrCat("|", i, ":", payload));
  Append(values);
  SetOptions({.limits = {.max_outbox_messages = 4, .stall_timeout = absl::Milliseconds(200)}});
  auto client = Tail(0);
  const std::optional<TailEnd> end = observed_->AwaitEnd();
  ASSERT_TRUE(end.has_value()) << "the stream was not ended";
  EXPECT_EQ(end->status.code(), absl::StatusCode::kResourceExhausted);
  // gRPC is done with the call: it was cancelled.
  ASSERT_TRUE(observed_->AwaitDone()) << "the call was not freed";
  client->ReadAll();
  EXPECT_EQ(client->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(LogTailReactorTest, ALiveStreamThatFallsTooFarBehindIsEnded) {
  SetOptions({.limits = {.max_outbox_messages = 4, .max_lag = 20}});
  auto client = Tail(0);
  Append({"|first"});
  EXPECT_EQ(client->Read(), "first");  // live now
  // It stops reading while the log grows far past what it holds.
  const std::string payload(16 * 1024, 'z');
  for (int batch = 0; batch < 10; ++batch) {
    std::vector<std::string> values;
    for (int i = 0; i < 30; ++i) values.push_back("|" + payload);
    Append(values);
  }
  // Reading again, it gets what it was sent, then the verdict.
  const std::vector<std::string> got = client->ReadAll();
  EXPECT_LT(got.size(), 300u);
  grpc::Status status = client->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("events behind the log (at most 20)"));
}

// A stream replaying history it asked for is not "behind": it reads at its
// own pace however long the log is.
TEST_F(LogTailReactorTest, ReplayingALongLogIsNotFallingBehind) {
  std::vector<std::string> values;
  for (int i = 1; i <= 500; ++i) values.push_back(absl::StrCat("|", i));
  Append(values);
  SetOptions({.limits = {.max_outbox_messages = 4, .max_lag = 20}});
  auto client = Tail(0);
  for (int i = 1; i <= 500; ++i) ASSERT_EQ(client->Read(), absl::StrCat(i));
}

TEST_F(LogTailReactorTest, FinishedStreamEndsAtOnce) {
  auto client = std::make_unique<TailClient>(channel_, "not a number");
  EXPECT_THAT(client->ReadAll(), IsEmpty());
  grpc::Status status = client->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "after: not a number");
}

}  // namespace
}  // namespace baton::events
