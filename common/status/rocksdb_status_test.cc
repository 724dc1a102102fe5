#include "common/status/rocksdb_status.h"

#include "absl/status/status.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/status.h"

namespace baton {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::HasSubstr;

TEST(FromRocksDbTest, Ok) { EXPECT_THAT(FromRocksDb(rocksdb::Status::OK()), IsOk()); }

TEST(FromRocksDbTest, CorruptionIsDataLoss) {
  EXPECT_THAT(FromRocksDb(rocksdb::Status::Corruption("bad block", "000012.sst")),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("bad block")));
}

TEST(FromRocksDbTest, BusyTryAgainTimedOutAreUnavailable) {
  EXPECT_THAT(FromRocksDb(rocksdb::Status::Busy("write stall")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("write stall")));
  EXPECT_THAT(FromRocksDb(rocksdb::Status::TryAgain("again")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("again")));
  EXPECT_THAT(FromRocksDb(rocksdb::Status::TimedOut("lock wait")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("lock wait")));
}

TEST(FromRocksDbTest, NotFound) {
  EXPECT_THAT(FromRocksDb(rocksdb::Status::NotFound("no such key")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no such key")));
}

TEST(FromRocksDbTest, InvalidArgument) {
  EXPECT_THAT(FromRocksDb(rocksdb::Status::InvalidArgument("bad option")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad option")));
}

TEST(FromRocksDbTest, NotSupportedIsUnimplemented) {
  EXPECT_THAT(FromRocksDb(rocksdb::Status::NotSupported("no mmap")),
              StatusIs(absl::StatusCode::kUnimplemented, HasSubstr("no mmap")));
}

TEST(FromRocksDbTest, IncompleteAndAbortedAreAborted) {
  EXPECT_THAT(FromRocksDb(rocksdb::Status::Incomplete("partial")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("partial")));
  EXPECT_THAT(FromRocksDb(rocksdb::Status::Aborted("conflict")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("conflict")));
}

TEST(FromRocksDbTest, IOErrorIsInternal) {
  EXPECT_THAT(FromRocksDb(rocksdb::Status::IOError("read failed", "/data/000001.log")),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("read failed")));
}

TEST(FromRocksDbTest, DiskFullIsResourceExhausted) {
  const rocksdb::Status no_space = rocksdb::Status::NoSpace("disk full");
  ASSERT_TRUE(no_space.IsIOError());
  EXPECT_THAT(FromRocksDb(no_space),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("disk full")));
}

TEST(FromRocksDbTest, ShutdownInProgressIsUnavailable) {
  EXPECT_THAT(FromRocksDb(rocksdb::Status::ShutdownInProgress("closing")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("closing")));
}

TEST(FromRocksDbTest, MessageKeepsRocksDbText) {
  const rocksdb::Status in = rocksdb::Status::Corruption("checksum mismatch", "in file 7");
  const absl::Status out = FromRocksDb(in);
  EXPECT_THAT(out, StatusIs(absl::StatusCode::kDataLoss, HasSubstr(in.ToString())));
}

}  // namespace
}  // namespace baton
