#include "common/storage/store.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "common/storage/commit_queue.h"
#include "common/storage/rocksdb_logger.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/write_batch.h"

namespace baton::storage {
namespace {

using ::baton::testing::IsOk;
using ::testing::AllOf;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open({.path = dir_.Sub("db"), .column_families = {"data"}});
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    data_ = store_->cf("data");
  }

  std::optional<std::string> Durable(const std::string& key) {
    auto value = store_->Get(data_, key);
    EXPECT_THAT(value, IsOk());
    return value.ok() ? *value : std::nullopt;
  }

  std::optional<std::string> Latest(const std::string& key) {
    std::string value;
    rocksdb::Status s = store_->db()->Get(rocksdb::ReadOptions(), data_, key, &value);
    if (s.IsNotFound()) return std::nullopt;
    EXPECT_TRUE(s.ok()) << s.ToString();
    return value;
  }

  void WriteNoSync(const std::string& key, const std::string& value) {
    rocksdb::WriteBatch batch;
    batch.Put(data_, key, value);
    ASSERT_OK(store_->WriteNoSync(&batch));
  }

  ::baton::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  rocksdb::ColumnFamilyHandle* data_ = nullptr;
};

// Open publishes a durable snapshot: a write not yet synced is invisible to
// queries from the start (before, reads saw everything until the first
// publish).
TEST_F(StoreTest, RightAfterOpenDurableReadsSeeNoUnsyncedWrite) {
  WriteNoSync("k", "v1");
  EXPECT_THAT(Latest("k"), Optional(Eq("v1")));
  EXPECT_EQ(Durable("k"), std::nullopt);
  ASSERT_OK(store_->SyncWal());
  store_->PublishDurable(store_->TakeSnapshot());
  EXPECT_THAT(Durable("k"), Optional(Eq("v1")));
}

TEST_F(StoreTest, DurableReadsSeeOnlyWhatWasPublished) {
  WriteNoSync("k", "v1");
  ASSERT_OK(store_->SyncWal());
  store_->PublishDurable(store_->TakeSnapshot());

  WriteNoSync("k", "v2");  // written, not yet synced
  WriteNoSync("new", "x");
  EXPECT_THAT(Latest("k"), Optional(Eq("v2")));   // the committer's view
  EXPECT_THAT(Durable("k"), Optional(Eq("v1")));  // everyone else's
  EXPECT_EQ(Durable("new"), std::nullopt);

  std::shared_ptr<const rocksdb::Snapshot> pin;
  rocksdb::ReadOptions options = store_->DurableReads(&pin);
  std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(options, data_));
  int keys = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++keys;
  EXPECT_EQ(keys, 1);

  ASSERT_OK(store_->SyncWal());
  store_->PublishDurable(store_->TakeSnapshot());
  EXPECT_THAT(Durable("k"), Optional(Eq("v2")));
  EXPECT_THAT(Durable("new"), Optional(Eq("x")));
}

TEST_F(StoreTest, SyncedWritesSurviveReopening) {
  WriteNoSync("k", "v1");
  ASSERT_OK(store_->SyncWal());
  store_->PublishDurable(store_->TakeSnapshot());
  store_.reset();
  auto reopened = Store::Open({.path = dir_.Sub("db"), .column_families = {"data"}});
  ASSERT_THAT(reopened, IsOk());
  store_ = std::move(*reopened);
  data_ = store_->cf("data");
  EXPECT_THAT(Durable("k"), Optional(Eq("v1")));
}

// RocksDB's info log goes to Baton's log: nothing writes a LOG file into
// the data directory (on a full disk, RocksDB's write to it took the process
// down). Fails without StoreOptions' info_log: RocksDB creates "LOG".
TEST_F(StoreTest, NoInfoLogFileInTheDataDirectory) {
  WriteNoSync("k", "v");
  ASSERT_OK(store_->SyncWal());
  store_.reset();  // closing writes to the info log too
  for (const auto& entry : std::filesystem::directory_iterator(dir_.Sub("db"))) {
    EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr("LOG")));
  }
}

TEST(RocksDbLoggerTest, ForwardsWarningsAndErrorsAndDropsInfo) {
  RocksDbLogger logger;
  ::testing::internal::CaptureStderr();
  rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, &logger, "chatter %d", 1);
  rocksdb::Log(rocksdb::InfoLogLevel::DEBUG_LEVEL, &logger, "more chatter");
  rocksdb::Header(&logger, "header chatter");
  rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, &logger, "disk %s at %d%%", "full", 100);
  rocksdb::Log(rocksdb::InfoLogLevel::ERROR_LEVEL, &logger, "write failed: %s", "\"quoted\"");
  const std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, Not(HasSubstr("chatter")));
  EXPECT_THAT(out,
              AllOf(HasSubstr(R"("level":"warning","msg":"rocksdb","detail":"disk full at 100%")"),
                    HasSubstr(R"("level":"error","msg":"rocksdb")"),
                    HasSubstr(R"(write failed: \"quoted\")")));
}

// Sums the sizes of the WAL files (*.log) in `dir`.
uint64_t WalBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() != ".log") continue;
    total += entry.file_size(error);  // a file deleted meanwhile counts 0
  }
  return total;
}

// Writes 6 MB through a CommitQueue into one column family, in 12 waves,
// while another holds a single early write (as the org or the request
// ledger do: it keeps the oldest WAL file alive until it is flushed), and
// returns the most WAL bytes seen after a wave. After each wave it waits
// for the hot family's flushes to finish (Flush with wait): a server's time
// between bursts, without sleeping. That flush never touches the cold one.
uint64_t MostWalBytesAfterWaves(uint64_t max_total_wal_bytes) {
  ::baton::testing::TempDir dir;
  auto opened = Store::Open({.path = dir.Sub("db"),
                             .column_families = {"cold", "hot"},
                             .max_total_wal_bytes = max_total_wal_bytes});
  EXPECT_THAT(opened, IsOk());
  if (!opened.ok()) return 0;
  std::unique_ptr<Store> store = std::move(*opened);
  FakeClock clock;
  CommitQueue queue(store.get(), &clock);
  EXPECT_OK(queue.Run([&](Transaction& tx) {
    tx.Put(store->cf("cold"), "once", "x");
    return absl::OkStatus();
  }));
  constexpr int kWaves = 12;
  constexpr int kPerWave = 256;
  const std::string value(2048, 'v');  // 512 KiB per wave
  uint64_t most = 0;
  for (int wave = 0; wave < kWaves; ++wave) {
    absl::BlockingCounter done(kPerWave);
    for (int i = 0; i < kPerWave; ++i) {
      queue.Submit(
          [&, key = absl::StrCat("k", wave, "/", i)](Transaction& tx) {
            tx.Put(store->cf("hot"), key, value);
            return absl::OkStatus();
          },
          [&](absl::Status s) {
            EXPECT_OK(s);
            done.DecrementCount();
          });
    }
    done.Wait();
    rocksdb::FlushOptions flush;
    flush.wait = true;
    EXPECT_TRUE(store->db()->Flush(flush, store->cf("hot")).ok());
    most = std::max(most, WalBytes(dir.Sub("db")));
  }
  return most;
}

// The WAL stays bounded while the server runs: once the WAL passes
// max_total_wal_bytes (256 KiB here), RocksDB flushes the column families
// that keep its oldest file alive — the cold one too — and deletes the file.
TEST(StoreWalTest, TheWalStaysBoundedWhileWriting) {
  EXPECT_LT(MostWalBytesAfterWaves(256 << 10), 1u << 20);
}

// The failure mode the bound prevents (and proof the test above can fail):
// with RocksDB's own limit (0: gigabytes here) the cold family's single
// write keeps every WAL file alive, and the WAL holds everything written.
TEST(StoreWalTest, WithoutTheBoundTheWalHoldsEverythingWritten) {
  EXPECT_GT(MostWalBytesAfterWaves(0), 5u << 20);
}

}  // namespace
}  // namespace baton::storage
