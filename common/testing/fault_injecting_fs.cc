#include "common/testing/fault_injecting_fs.h"

#include <utility>

namespace baton::testing {
namespace {

using rocksdb::DataVerificationInfo;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;
using Op = FaultInjectingFileSystem::Op;

class FaultyFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyFile(std::unique_ptr<rocksdb::FSWritableFile> file, FaultInjectingFileSystem* fs)
      : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(Op::kWrite); !s.ok()) return s;
    return target()->Append(data, options, dbg);
  }
  IOStatus Append(const Slice& data, const IOOptions& options, const DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(Op::kWrite); !s.ok()) return s;
    return target()->Append(data, options, info, dbg);
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(Op::kWrite); !s.ok()) return s;
    return target()->PositionedAppend(data, offset, options, dbg);
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const DataVerificationInfo& info, IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(Op::kWrite); !s.ok()) return s;
    return target()->PositionedAppend(data, offset, options, info, dbg);
  }
  IOStatus Allocate(uint64_t offset, uint64_t len, const IOOptions& options,
                    IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(Op::kWrite); !s.ok()) return s;
    return target()->Allocate(offset, len, options, dbg);
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(Op::kSync); !s.ok()) return s;
    return target()->Sync(options, dbg);
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(Op::kSync); !s.ok()) return s;
    return target()->Fsync(options, dbg);
  }
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& options,
                     IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(Op::kSync); !s.ok()) return s;
    return target()->RangeSync(offset, nbytes, options, dbg);
  }

 private:
  FaultInjectingFileSystem* fs_;
};

}  // namespace

FaultInjectingFileSystem::FaultInjectingFileSystem(std::shared_ptr<rocksdb::FileSystem> base)
    : FileSystemWrapper(std::move(base)) {}

IOStatus FaultInjectingFileSystem::Check(Op op) {
  const Fault fault = fault_.load(std::memory_order_acquire);
  const bool fails = fault == Fault::kNoSpace || fault == Fault::kIoError ||
                     (fault == Fault::kSyncNoSpace && op == Op::kSync);
  if (!fails) return IOStatus::OK();
  {
    absl::MutexLock lock(&mu_);
    ++failures_;
  }
  if (fault == Fault::kIoError) return IOStatus::IOError("injected: input/output error");
  return IOStatus::NoSpace("injected: no space left on device");
}

uint64_t FaultInjectingFileSystem::failures() const {
  absl::MutexLock lock(&mu_);
  return failures_;
}

bool FaultInjectingFileSystem::WaitForFailures(uint64_t n, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto reached = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return failures_ >= n; };
  return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

IOStatus FaultInjectingFileSystem::NewWritableFile(const std::string& path,
                                                   const rocksdb::FileOptions& options,
                                                   std::unique_ptr<rocksdb::FSWritableFile>* result,
                                                   IODebugContext* dbg) {
  if (IOStatus s = Check(Op::kCreate); !s.ok()) return s;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->NewWritableFile(path, options, &file, dbg);
  if (s.ok()) *result = std::make_unique<FaultyFile>(std::move(file), this);
  return s;
}

IOStatus FaultInjectingFileSystem::ReopenWritableFile(
    const std::string& path, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  if (IOStatus s = Check(Op::kCreate); !s.ok()) return s;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->ReopenWritableFile(path, options, &file, dbg);
  if (s.ok()) *result = std::make_unique<FaultyFile>(std::move(file), this);
  return s;
}

IOStatus FaultInjectingFileSystem::ReuseWritableFile(
    const std::string& path, const std::string& old_path, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  if (IOStatus s = Check(Op::kCreate); !s.ok()) return s;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->ReuseWritableFile(path, old_path, options, &file, dbg);
  if (s.ok()) *result = std::make_unique<FaultyFile>(std::move(file), this);
  return s;
}

}  // namespace baton::testing
