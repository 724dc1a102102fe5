#ifndef BATON_COMMON_TESTING_POWER_LOSS_FS_H_
#define BATON_COMMON_TESTING_POWER_LOSS_FS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/file_system.h"

namespace baton::testing {

// A RocksDB file system that keeps track of what is durable, so a test can
// see what a power cut at any instant would leave: a process crash (kill -9)
// keeps the page cache, so only dropping what was never synced shows a
// missing fsync. Give it to a Store through StoreOptions::env:
//   auto fs = std::make_shared<PowerLossFileSystem>();
//   options.env = std::shared_ptr<rocksdb::Env>(rocksdb::NewCompositeEnv(fs));
// then CopyAfterCrash() the database directory while the store runs and
// open the copy.
//
// The model (what a power cut keeps), for files written through it:
//   - File data: the bytes a Sync or Fsync covered, counted when it
//     returned OK (a sync in progress at the cut covers nothing). RangeSync
//     (sync_file_range) counts for nothing: it starts writeback but flushes
//     neither the disk's cache nor the file's size. Files are append-only
//     (RocksDB's WAL, SST, MANIFEST); Truncate cuts the synced length too.
//   - Names: a file created through it exists after the cut only once its
//     directory was fsynced (FSDirectory::Fsync) after the creation; until
//     then it is gone, whatever was synced into it. A file created and
//     never synced, whose name is durable, is empty.
//   - Renames, hard links and deletions count at once. (RocksDB fsyncs the
//     directory right after each rename, of CURRENT, OPTIONS and IDENTITY;
//     a deleted file coming back is not modelled.) A renamed file keeps its
//     synced length; its name is durable when the source's or the replaced
//     target's was.
//   - Files this file system did not create (there before it, or written
//     around it) are durable as they are.
//   - Recycled WAL files (ReuseWritableFile) and random-access writes
//     (NewRandomRWFile) are refused with NotSupported: they overwrite in
//     place, which the model does not follow. Store sets
//     recycle_log_file_num = 0.
// Thread-safe.
class PowerLossFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  explicit PowerLossFileSystem(
      std::shared_ptr<rocksdb::FileSystem> base = rocksdb::FileSystem::Default());

  const char* Name() const override { return "BatonPowerLossFileSystem"; }

  enum class Crash {
    // Power cut: each file is what was synced of it; unsynced names vanish.
    kPowerLoss,
    // kill -9: the page cache survives, so every byte written is kept; the
    // copy remembers what was synced, for a later kPowerLoss of it.
    kProcess,
  };
  // Writes to `to` (a new directory) what `crash` at this instant would
  // leave of the regular files directly in directory `from`. Atomic with
  // every creation, deletion and rename through this file system, and
  // correct while appends and syncs go on (they only add past what is
  // copied, or complete after the instant). The files of `to` are tracked
  // like the originals, so a store opened on `to` through this file system
  // can crash again. INTERNAL when a file cannot be read or written.
  absl::Status CopyAfterCrash(const std::string& from, const std::string& to, Crash crash);

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
  rocksdb::IOStatus NewRandomRWFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& path, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* result,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& path, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;

  // For the tracked files and directories (internal).
  void Appended(const std::string& path, uint64_t end);
  void Truncated(const std::string& path, uint64_t size);
  // The length a sync starting now would cover.
  uint64_t WrittenLength(const std::string& path);
  void Synced(const std::string& path, uint64_t length);
  void DirectorySynced(const std::string& dir);

 private:
  struct FileState {
    uint64_t written = 0;  // bytes appended so far (what the page cache holds)
    uint64_t synced = 0;   // bytes a power cut keeps
    bool name_synced = false;
  };

  absl::Mutex mu_;
  // By path; absent: not created through this file system (durable as is).
  std::map<std::string, FileState> files_ ABSL_GUARDED_BY(mu_);
};

}  // namespace baton::testing

#endif  // BATON_COMMON_TESTING_POWER_LOSS_FS_H_
