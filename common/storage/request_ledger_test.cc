#include "common/storage/request_ledger.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "baton/common/v1/common.pb.h"
#include "common/storage/commit_queue.h"
#include "common/storage/store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace baton::storage {
namespace {

using ::baton::common::v1::EventPosition;
using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Optional;

constexpr char kMethod[] = "baton.handoff.v1.HandoffService/CreateChain";
constexpr char kCaller[] = "alice@front-desk";

EventPosition Position(const std::string& source, uint64_t sequence) {
  EventPosition p;
  p.set_source(source);
  p.set_sequence(sequence);
  return p;
}

class RequestLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    auto store = Store::Open({.path = dir_.Sub("db"), .column_families = {"ledger", "data"}});
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    queue_ = std::make_unique<CommitQueue>(store_.get(), &clock_);
    ledger_ = std::make_unique<RequestLedger>(store_->cf("ledger"));
  }

  void Close() {
    queue_.reset();
    ledger_.reset();
    store_.reset();
  }

  // One call as a service would make it: the ledger wraps a body that counts
  // its runs in the data column family and answers with `answer`.
  absl::Status Call(absl::string_view method, absl::string_view request_id,
                    const EventPosition& request, const EventPosition& answer,
                    EventPosition* response, absl::string_view caller = kCaller) {
    return queue_->Run([&](Transaction& tx) {
      return ledger_->Run(tx, caller, method, request_id, request, response, [&]() -> absl::Status {
        ++body_runs_;
        tx.Put(store_->cf("data"), "last", answer.source());
        *response = answer;
        return absl::OkStatus();
      });
    });
  }

  int LedgerEntries() {
    std::unique_ptr<rocksdb::Iterator> it(
        store_->db()->NewIterator(rocksdb::ReadOptions(), store_->cf("ledger")));
    int n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    return n;
  }

  ::baton::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<CommitQueue> queue_;
  std::unique_ptr<RequestLedger> ledger_;
  int body_runs_ = 0;
};

TEST_F(RequestLedgerTest, AnotherCallerWithTheSameIdRunsAsANewRequest) {
  const EventPosition request = Position("baton.handoff.v1.HandoffService", 7);
  EventPosition first;
  ASSERT_OK(Call(kMethod, "req-1", request, Position("alice's answer", 1), &first));

  EventPosition other;
  ASSERT_OK(Call(kMethod, "req-1", request, Position("bob's answer", 2), &other, "bob@treatment"));
  EXPECT_EQ(body_runs_, 2);
  EXPECT_EQ(other.source(), "bob's answer");  // never alice's stored answer
  EXPECT_EQ(LedgerEntries(), 2);
}

TEST_F(RequestLedgerTest, RetryReturnsTheStoredResponseWithoutRunningTheBody) {
  const EventPosition request = Position("baton.handoff.v1.HandoffService", 7);
  EventPosition first;
  ASSERT_OK(Call(kMethod, "req-1", request, Position("first answer", 1), &first));
  EXPECT_EQ(body_runs_, 1);
  EXPECT_EQ(first.source(), "first answer");

  EventPosition retry;
  ASSERT_OK(Call(kMethod, "req-1", request, Position("second answer", 2), &retry));
  EXPECT_EQ(body_runs_, 1);
  EXPECT_TRUE(MessageDifferencer::Equals(retry, first)) << retry.DebugString();
  auto last = store_->Get(store_->cf("data"), "last");
  ASSERT_THAT(last, IsOk());
  EXPECT_EQ(*last, "first answer");  // the retry changed nothing
}

TEST_F(RequestLedgerTest, RetryWithinOneTransactionSeesTheFirstAnswer) {
  const EventPosition request = Position("x", 1);
  EventPosition first, second;
  int runs = 0;
  ASSERT_OK(queue_->Run([&](Transaction& tx) -> absl::Status {
    const auto body = [&]() -> absl::Status {
      first = Position("answer", ++runs);
      return absl::OkStatus();
    };
    if (absl::Status s = ledger_->Run(tx, kCaller, kMethod, "same", request, &first, body);
        !s.ok()) {
      return s;
    }
    return ledger_->Run(tx, kCaller, kMethod, "same", request, &second, [&]() -> absl::Status {
      ++runs;
      return absl::InternalError("must not run");
    });
  }));
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(MessageDifferencer::Equals(second, Position("answer", 1))) << second.DebugString();
}

TEST_F(RequestLedgerTest, RetrySurvivesReopeningTheStore) {
  const EventPosition request = Position("src", 3);
  EventPosition first;
  ASSERT_OK(Call(kMethod, "req-durable", request, Position("durable", 9), &first));
  Close();
  Open();
  EventPosition retry;
  ASSERT_OK(Call(kMethod, "req-durable", request, Position("other", 10), &retry));
  EXPECT_EQ(body_runs_, 1);
  EXPECT_TRUE(MessageDifferencer::Equals(retry, Position("durable", 9))) << retry.DebugString();
}

TEST_F(RequestLedgerTest, SameIdWithADifferentRequestIsInvalidArgument) {
  EventPosition response;
  ASSERT_OK(Call(kMethod, "req-2", Position("a", 1), Position("answer", 1), &response));
  EventPosition other;
  EXPECT_THAT(Call(kMethod, "req-2", Position("a", 2), Position("answer", 2), &other),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));
  EXPECT_EQ(body_runs_, 1);
  EXPECT_EQ(LedgerEntries(), 1);
}

TEST_F(RequestLedgerTest, SameIdForAnotherMethodIsAnotherRequest) {
  const EventPosition request = Position("a", 1);
  EventPosition first, second;
  ASSERT_OK(Call(kMethod, "req-3", request, Position("create", 1), &first));
  ASSERT_OK(Call("baton.handoff.v1.HandoffService/DeleteChain", "req-3", request,
                 Position("delete", 2), &second));
  EXPECT_EQ(body_runs_, 2);
  EXPECT_EQ(second.source(), "delete");
  EXPECT_EQ(LedgerEntries(), 2);
}

TEST_F(RequestLedgerTest, EmptyIdAlwaysRunsTheBodyAndRecordsNothing) {
  const EventPosition request = Position("a", 1);
  EventPosition response;
  ASSERT_OK(Call(kMethod, "", request, Position("one", 1), &response));
  ASSERT_OK(Call(kMethod, "", request, Position("two", 2), &response));
  EXPECT_EQ(body_runs_, 2);
  EXPECT_EQ(response.source(), "two");
  EXPECT_EQ(LedgerEntries(), 0);
}

TEST_F(RequestLedgerTest, FailedBodyRecordsNothing) {
  const EventPosition request = Position("a", 1);
  int runs = 0;
  // The mutation commits even though the ledger call failed, so only the
  // ledger itself can keep the failure out of the record.
  ASSERT_OK(queue_->Run([&](Transaction& tx) {
    EventPosition response;
    absl::Status s =
        ledger_->Run(tx, kCaller, kMethod, "req-4", request, &response, [&]() -> absl::Status {
          ++runs;
          response = Position("half done", 1);
          return absl::FailedPreconditionError("stage is closed");
        });
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, "stage is closed"));
    return absl::OkStatus();
  }));
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(LedgerEntries(), 0);

  // A retry decides afresh.
  EventPosition response;
  ASSERT_OK(Call(kMethod, "req-4", request, Position("now it works", 2), &response));
  EXPECT_EQ(body_runs_, 1);
  EXPECT_EQ(response.source(), "now it works");
  EXPECT_EQ(LedgerEntries(), 1);
}

TEST_F(RequestLedgerTest, FailedCallAsAWholeCanBeRetried) {
  const EventPosition request = Position("a", 1);
  EXPECT_THAT(queue_->Run([&](Transaction& tx) {
    EventPosition response;
    return ledger_->Run(tx, kCaller, kMethod, "req-5", request, &response,
                        [] { return absl::AbortedError("conflict"); });
  }),
              StatusIs(absl::StatusCode::kAborted, "conflict"));
  EventPosition response;
  ASSERT_OK(Call(kMethod, "req-5", request, Position("ok", 1), &response));
  EXPECT_EQ(body_runs_, 1);
  EXPECT_THAT(Call(kMethod, "req-5", Position("b", 1), Position("x", 1), &response),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("request_id"), HasSubstr("different request"))));
}

// Each record keeps the time it was written (for a later TTL).
TEST_F(RequestLedgerTest, RecordsKeepTheTimeTheyWereWritten) {
  const absl::Time first_time = clock_.Now();
  EventPosition response;
  ASSERT_OK(Call(kMethod, "req-t1", Position("a", 1), Position("one", 1), &response));
  clock_.Advance(absl::Hours(3));
  ASSERT_OK(Call(kMethod, "req-t2", Position("a", 2), Position("two", 2), &response));

  std::vector<RequestLedger::Record> records;
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(rocksdb::ReadOptions(), store_->cf("ledger")));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto record = RequestLedger::Decode(std::string(it->value().data(), it->value().size()));
    ASSERT_THAT(record, IsOk());
    records.push_back(*std::move(record));
  }
  ASSERT_EQ(records.size(), 2u);
  // Keys order by request id: req-t1, then req-t2.
  EXPECT_THAT(records[0].recorded, Optional(first_time));
  EXPECT_THAT(records[1].recorded, Optional(first_time + absl::Hours(3)));
  EXPECT_EQ(records[0].fingerprint.size(), 32u);
  EventPosition stored;
  ASSERT_TRUE(stored.ParseFromString(records[1].response));
  EXPECT_EQ(stored.source(), "two");

  // A retry after the time moved on answers the first response and keeps
  // the first time.
  clock_.Advance(absl::Hours(1));
  EventPosition retry;
  ASSERT_OK(Call(kMethod, "req-t1", Position("a", 1), Position("other", 9), &retry));
  EXPECT_EQ(retry.source(), "one");
  EXPECT_EQ(body_runs_, 2);
}

// Records written before times were kept (fingerprint, then response) are
// still answered: the encoding is on disk.
TEST_F(RequestLedgerTest, RecordsWithoutATimeAreStillRead) {
  const EventPosition request = Position("legacy", 4);
  EventPosition first;
  ASSERT_OK(Call(kMethod, "req-old", request, Position("old answer", 1), &first));
  // Rewrite the record in the old encoding, as an older binary left it.
  std::string value;
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(rocksdb::ReadOptions(), store_->cf("ledger")));
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  const std::string key = it->key().ToString();
  auto record = RequestLedger::Decode(it->value().ToString());
  ASSERT_THAT(record, IsOk());
  it.reset();
  ASSERT_OK(queue_->Run([&](Transaction& tx) {
    tx.Put(store_->cf("ledger"), key, record->fingerprint + record->response);
    return absl::OkStatus();
  }));

  auto old = RequestLedger::Decode(record->fingerprint + record->response);
  ASSERT_THAT(old, IsOk());
  EXPECT_EQ(old->recorded, std::nullopt);
  EXPECT_EQ(old->fingerprint, record->fingerprint);
  EXPECT_EQ(old->response, record->response);

  EventPosition retry;
  ASSERT_OK(Call(kMethod, "req-old", request, Position("new answer", 2), &retry));
  EXPECT_EQ(body_runs_, 1);
  EXPECT_EQ(retry.source(), "old answer");
  EXPECT_THAT(Call(kMethod, "req-old", Position("other", 1), Position("x", 3), &retry),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));
}

TEST(RequestLedgerDecodeTest, TruncatedRecordsAreDataLoss) {
  EXPECT_THAT(RequestLedger::Decode(std::string(31, 'x')),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
  const std::string v2 = RequestLedger::Encode(absl::FromUnixSeconds(1), std::string(32, 'f'), "r");
  EXPECT_THAT(RequestLedger::Decode(v2.substr(0, 47)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
  auto whole = RequestLedger::Decode(v2);
  ASSERT_THAT(whole, IsOk());
  EXPECT_THAT(whole->recorded, Optional(absl::FromUnixSeconds(1)));
  EXPECT_EQ(whole->response, "r");
}

}  // namespace
}  // namespace baton::storage
