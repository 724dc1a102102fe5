// A real full disk: the store on a small tmpfs, filled until the kernel
// answers ENOSPC, then given room. Needs root (it mounts the tmpfs), so it
// is built only with -DBATON_ROOT_TESTS=ON (common/storage/CMakeLists.txt);
// commit_queue_fault_test.cc covers the same ground with an injected fault
// everywhere else.

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/status/errors.h"
#include "common/storage/commit_queue.h"
#include "common/storage/commit_queue_testing.h"
#include "common/storage/store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::storage {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::Optional;

// A tmpfs of `megabytes` at `path`, unmounted when it goes.
class Tmpfs {
 public:
  Tmpfs(const std::string& path, int megabytes) : path_(path) {
    std::filesystem::create_directories(path);
    const std::string options = absl::StrCat("size=", megabytes, "m");
    mounted_ = ::mount("tmpfs", path.c_str(), "tmpfs", 0, options.c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string path_;
  bool mounted_ = false;
  std::string error_;
};

using Health = ::baton::storage::testing::HealthLog;

TEST(FullDiskTest, ARealFullDiskFailsCleanlyAndRecoversWhenThereIsRoom) {
  ::baton::testing::TempDir dir;
  Tmpfs tmpfs(dir.Sub("mnt"), 8);
  ASSERT_TRUE(tmpfs.mounted()) << "mounting a tmpfs needs root (CAP_SYS_ADMIN): " << tmpfs.error();
  // Ballast to delete later: the room the operator makes. It is larger than
  // what the store can write before the disk is full, so that deleting it
  // leaves room for the flush that recovers.
  const std::string ballast = dir.Sub("mnt/ballast");
  {
    std::ofstream out(ballast, std::ios::binary);
    const std::string mb(1 << 20, 'b');
    for (int i = 0; i < 5; ++i) out << mb;
  }

  auto opened = Store::Open({.path = dir.Sub("mnt/db"), .column_families = {"data", "log"}});
  ASSERT_THAT(opened, IsOk());
  std::unique_ptr<Store> store = *std::move(opened);
  AppendLog log(store->cf("log"), 0);
  FakeClock clock;
  Health health;
  auto queue = std::make_unique<CommitQueue>(
      store.get(), &clock,
      CommitQueueOptions{.on_health = health.Callback(),
                         .recovery_backoff = absl::Milliseconds(5),
                         .recovery_backoff_max = absl::Milliseconds(50)});

  // Incompressible values: flushing them into SST files takes as much room
  // as they take in the WAL, so the store cannot make room by itself.
  std::mt19937_64 random(42);
  std::vector<std::string> acknowledged;
  absl::Status failed;
  for (int i = 0; i < 1000 && failed.ok(); ++i) {
    const std::string key = absl::StrCat("k", i);
    std::string value(64 << 10, '\0');
    for (char& c : value) c = static_cast<char>(random());
    absl::Status s = queue->Run([&](Transaction& tx) {
      tx.Put(store->cf("data"), key, value);
      tx.Append(&log, key);
      return absl::OkStatus();
    });
    if (s.ok()) {
      acknowledged.push_back(key);
    } else {
      failed = s;
    }
  }
  ASSERT_FALSE(failed.ok()) << "8 MB of tmpfs never filled";
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("disk refused")));
  EXPECT_EQ(ErrorReason(failed), "STORAGE_UNAVAILABLE");
  ASSERT_TRUE(health.WaitFor(false));
  EXPECT_THAT(queue->Run([](Transaction&) { return absl::OkStatus(); }),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("nothing was changed")));
  EXPECT_GT(acknowledged.size(), 10u);

  // Recovery keeps failing while the disk is full.
  EXPECT_THAT(queue->Run([](Transaction&) { return absl::OkStatus(); }),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("nothing was changed")));
  EXPECT_THAT(health.reports(), ::testing::ElementsAre(false));

  std::filesystem::remove(ballast);  // room again
  ASSERT_TRUE(health.WaitFor(true));
  EXPECT_THAT(health.reports(), ::testing::ElementsAre(false, true));
  ASSERT_OK(queue->Run([&](Transaction& tx) {
    tx.Put(store->cf("data"), "after", "room");
    tx.Append(&log, "after");
    return absl::OkStatus();
  }));

  // Everything acknowledged is there, also after a restart.
  queue.reset();
  store.reset();
  opened = Store::Open({.path = dir.Sub("mnt/db"), .column_families = {"data", "log"}});
  ASSERT_THAT(opened, IsOk());
  store = *std::move(opened);
  for (const std::string& key : acknowledged) {
    auto stored = store->Get(store->cf("data"), key);
    ASSERT_THAT(stored, IsOk());
    EXPECT_TRUE(stored->has_value()) << key;
  }
  auto after = store->Get(store->cf("data"), "after");
  ASSERT_THAT(after, IsOk());
  EXPECT_THAT(*after, Optional(Eq("room")));
  store.reset();
}

}  // namespace
}  // namespace baton::storage
