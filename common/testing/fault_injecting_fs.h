#ifndef BATON_COMMON_TESTING_FAULT_INJECTING_FS_H_
#define BATON_COMMON_TESTING_FAULT_INJECTING_FS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/file_system.h"

namespace baton::testing {

// A RocksDB file system that can be told the disk is full, and that it has
// room again. Give it to a Store through StoreOptions::env:
//   auto fs = std::make_shared<FaultInjectingFileSystem>();
//   options.env = std::shared_ptr<rocksdb::Env>(rocksdb::NewCompositeEnv(fs));
// While a fault is injected, the operations it names fail (NoSpace, ENOSPC;
// or IOError, EIO) and change nothing on disk; everything else is passed to
// the wrapped file system. Thread-safe.
class FaultInjectingFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  enum class Fault {
    // The disk takes everything.
    kNone,
    // Full disk: every append, sync, preallocation and new file fails.
    kNoSpace,
    // Appends reach the page cache, every sync fails (a file system with
    // delayed allocation finds out at fsync that it has no room).
    kSyncNoSpace,
    // A failing device: every append, sync, preallocation and new file
    // fails with an I/O error (EIO).
    kIoError,
  };

  explicit FaultInjectingFileSystem(
      std::shared_ptr<rocksdb::FileSystem> base = rocksdb::FileSystem::Default());

  const char* Name() const override { return "BatonFaultInjectingFileSystem"; }

  // From now on, `fault` holds (kNone: the disk has room again).
  void Inject(Fault fault) { fault_.store(fault, std::memory_order_release); }
  // How many operations failed because of an injected fault.
  uint64_t failures() const;
  // Waits until failures() >= n; false after `timeout` (a test's safety
  // net, not its synchronisation).
  bool WaitForFailures(uint64_t n, absl::Duration timeout);

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& path, const std::string& old_path,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;

  // The NoSpace error for an operation, or OK when no fault covers it.
  enum class Op { kCreate, kWrite, kSync };
  rocksdb::IOStatus Check(Op op);

 private:
  std::atomic<Fault> fault_{Fault::kNone};
  mutable absl::Mutex mu_;
  uint64_t failures_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace baton::testing

#endif  // BATON_COMMON_TESTING_FAULT_INJECTING_FS_H_
