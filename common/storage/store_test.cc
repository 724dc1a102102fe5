#include "common/storage/store.h"

#include <memory>
#include <optional>
#include <string>

#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/write_batch.h"

namespace baton::storage {
namespace {

using ::baton::testing::IsOk;
using ::testing::Eq;
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

TEST_F(StoreTest, BeforeAnyPublishEverythingStoredIsRead) {
  WriteNoSync("k", "v1");
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

}  // namespace
}  // namespace baton::storage
