#include "common/testing/power_loss_fs.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace baton::testing {
namespace {

using rocksdb::DataVerificationInfo;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// RocksDB names directories with and without a trailing slash.
std::string Normal(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::string Parent(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

class TrackedFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::string path, uint64_t written,
              PowerLossFileSystem* fs)
      : FSWritableFileOwnerWrapper(std::move(file)),
        path_(std::move(path)),
        written_(written),
        fs_(fs) {}

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    return Track(target()->Append(data, options, dbg), data.size());
  }
  IOStatus Append(const Slice& data, const IOOptions& options, const DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    return Track(target()->Append(data, options, info, dbg), data.size());
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    return TrackAt(target()->PositionedAppend(data, offset, options, dbg), offset + data.size());
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const DataVerificationInfo& info, IODebugContext* dbg) override {
    return TrackAt(target()->PositionedAppend(data, offset, options, info, dbg),
                   offset + data.size());
  }
  IOStatus Truncate(uint64_t size, const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = target()->Truncate(size, options, dbg);
    if (s.ok()) {
      written_ = std::min<uint64_t>(written_, size);
      fs_->Truncated(path_, size);
    }
    return s;
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    const uint64_t covered = fs_->WrittenLength(path_);
    IOStatus s = target()->Sync(options, dbg);
    if (s.ok()) fs_->Synced(path_, covered);
    return s;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    const uint64_t covered = fs_->WrittenLength(path_);
    IOStatus s = target()->Fsync(options, dbg);
    if (s.ok()) fs_->Synced(path_, covered);
    return s;
  }
  // RangeSync is forwarded and counts for nothing (see the header).

 private:
  // One writer per file: RocksDB appends from one thread at a time (the
  // write thread for the WAL), so written_ needs no lock of its own.
  IOStatus Track(IOStatus s, size_t n) {
    if (s.ok()) {
      written_ += n;
      fs_->Appended(path_, written_);
    }
    return s;
  }
  IOStatus TrackAt(IOStatus s, uint64_t end) {
    if (s.ok()) {
      written_ = std::max(written_, end);
      fs_->Appended(path_, written_);
    }
    return s;
  }

  const std::string path_;
  uint64_t written_;
  PowerLossFileSystem* const fs_;
};

class TrackedDirectory final : public rocksdb::FSDirectoryWrapper {
 public:
  TrackedDirectory(std::unique_ptr<rocksdb::FSDirectory> dir, std::string path,
                   PowerLossFileSystem* fs)
      : FSDirectoryWrapper(std::move(dir)), path_(std::move(path)), fs_(fs) {}

  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return Track(FSDirectoryWrapper::Fsync(options, dbg));
  }
  IOStatus FsyncWithDirOptions(const IOOptions& options, IODebugContext* dbg,
                               const rocksdb::DirFsyncOptions& dir_options) override {
    return Track(FSDirectoryWrapper::FsyncWithDirOptions(options, dbg, dir_options));
  }

 private:
  // Names created before the fsync started are durable once it returns;
  // one created meanwhile may be counted early, which only matters for a
  // file RocksDB creates while it fsyncs that same directory, and RocksDB
  // syncs a directory after the creations it depends on returned.
  IOStatus Track(IOStatus s) {
    if (s.ok()) fs_->DirectorySynced(path_);
    return s;
  }

  const std::string path_;
  PowerLossFileSystem* const fs_;
};

}  // namespace

PowerLossFileSystem::PowerLossFileSystem(std::shared_ptr<rocksdb::FileSystem> base)
    : FileSystemWrapper(std::move(base)) {}

// A file deleted while still open (written to, even) has no state left.
void PowerLossFileSystem::Appended(const std::string& path, uint64_t end) {
  absl::MutexLock lock(&mu_);
  auto it = files_.find(path);
  if (it != files_.end()) it->second.written = std::max(it->second.written, end);
}

void PowerLossFileSystem::Truncated(const std::string& path, uint64_t size) {
  absl::MutexLock lock(&mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return;
  it->second.written = std::min(it->second.written, size);
  it->second.synced = std::min(it->second.synced, size);
}

uint64_t PowerLossFileSystem::WrittenLength(const std::string& path) {
  absl::MutexLock lock(&mu_);
  auto it = files_.find(path);
  return it == files_.end() ? 0 : it->second.written;
}

void PowerLossFileSystem::Synced(const std::string& path, uint64_t length) {
  absl::MutexLock lock(&mu_);
  auto it = files_.find(path);
  if (it != files_.end()) it->second.synced = std::max(it->second.synced, length);
}

void PowerLossFileSystem::DirectorySynced(const std::string& dir) {
  absl::MutexLock lock(&mu_);
  for (auto& [path, state] : files_) {
    if (Parent(path) == dir) state.name_synced = true;
  }
}

IOStatus PowerLossFileSystem::NewWritableFile(const std::string& path,
                                              const rocksdb::FileOptions& options,
                                              std::unique_ptr<rocksdb::FSWritableFile>* result,
                                              IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  // The name was durable when the file existed before (untracked, or
  // tracked with a synced name); its old content is gone either way.
  auto it = files_.find(path);
  const bool existed = it != files_.end() ? it->second.name_synced
                                          : target()->FileExists(path, IOOptions(), dbg).ok();
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->NewWritableFile(path, options, &file, dbg);
  if (!s.ok()) return s;
  files_[path] = FileState{.written = 0, .synced = 0, .name_synced = existed};
  *result = std::make_unique<TrackedFile>(std::move(file), path, 0, this);
  return s;
}

IOStatus PowerLossFileSystem::ReopenWritableFile(const std::string& path,
                                                 const rocksdb::FileOptions& options,
                                                 std::unique_ptr<rocksdb::FSWritableFile>* result,
                                                 IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  uint64_t size = 0;
  const bool existed = target()->GetFileSize(path, IOOptions(), &size, dbg).ok();
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->ReopenWritableFile(path, options, &file, dbg);
  if (!s.ok()) return s;
  if (files_.find(path) == files_.end()) {
    // Untracked so far: what is there is durable; what is appended is not.
    files_[path] = FileState{.written = size, .synced = existed ? size : 0, .name_synced = existed};
  }
  *result = std::make_unique<TrackedFile>(std::move(file), path, size, this);
  return s;
}

IOStatus PowerLossFileSystem::ReuseWritableFile(const std::string&, const std::string&,
                                                const rocksdb::FileOptions&,
                                                std::unique_ptr<rocksdb::FSWritableFile>*,
                                                IODebugContext*) {
  return IOStatus::NotSupported("PowerLossFileSystem does not model recycled WAL files");
}

IOStatus PowerLossFileSystem::NewRandomRWFile(const std::string&, const rocksdb::FileOptions&,
                                              std::unique_ptr<rocksdb::FSRandomRWFile>*,
                                              IODebugContext*) {
  return IOStatus::NotSupported("PowerLossFileSystem does not model random-access writes");
}

IOStatus PowerLossFileSystem::NewDirectory(const std::string& path, const IOOptions& options,
                                           std::unique_ptr<rocksdb::FSDirectory>* result,
                                           IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSDirectory> dir;
  IOStatus s = target()->NewDirectory(path, options, &dir, dbg);
  if (s.ok()) *result = std::make_unique<TrackedDirectory>(std::move(dir), Normal(path), this);
  return s;
}

IOStatus PowerLossFileSystem::DeleteFile(const std::string& path, const IOOptions& options,
                                         IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  IOStatus s = target()->DeleteFile(path, options, dbg);
  if (s.ok()) files_.erase(path);
  return s;
}

IOStatus PowerLossFileSystem::RenameFile(const std::string& from, const std::string& to,
                                         const IOOptions& options, IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  auto old_target = files_.find(to);
  const bool target_name_durable = old_target != files_.end()
                                       ? old_target->second.name_synced
                                       : target()->FileExists(to, options, dbg).ok();
  IOStatus s = target()->RenameFile(from, to, options, dbg);
  if (!s.ok()) return s;
  auto source = files_.find(from);
  if (source == files_.end()) {
    files_.erase(to);  // an untracked file is durable as it is, under any name
    return s;
  }
  FileState moved = source->second;
  moved.name_synced = moved.name_synced || target_name_durable;
  files_.erase(source);
  files_[to] = moved;
  return s;
}

IOStatus PowerLossFileSystem::LinkFile(const std::string& from, const std::string& to,
                                       const IOOptions& options, IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  IOStatus s = target()->LinkFile(from, to, options, dbg);
  if (!s.ok()) return s;
  auto source = files_.find(from);
  uint64_t size = 0;
  if (source != files_.end()) {
    files_[to] = FileState{source->second.written, source->second.synced, false};
  } else if (target()->GetFileSize(to, options, &size, dbg).ok()) {
    files_[to] = FileState{size, size, false};
  }
  return s;
}

absl::Status PowerLossFileSystem::CopyAfterCrash(const std::string& from, const std::string& to,
                                                 Crash crash) {
  absl::MutexLock lock(&mu_);
  std::error_code error;
  if (!std::filesystem::create_directory(to, error)) {
    return absl::InternalError(absl::StrCat("cannot create ", to, ": ", error.message()));
  }
  const std::string source_dir = Normal(from);
  const std::string copy_dir = Normal(to);
  for (const auto& entry : std::filesystem::directory_iterator(source_dir, error)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    const std::string source = source_dir + "/" + name;
    const std::string copy = copy_dir + "/" + name;
    auto tracked = files_.find(source);
    std::ifstream in(source, std::ios::binary);
    if (!in) return absl::InternalError(absl::StrCat("cannot read ", source));
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (tracked != files_.end()) {
      const FileState state = tracked->second;
      if (crash == Crash::kPowerLoss) {
        if (!state.name_synced) continue;
        bytes.resize(std::min<uint64_t>(bytes.size(), state.synced));
        files_[copy] = FileState{bytes.size(), bytes.size(), true};
      } else {
        files_[copy] = FileState{bytes.size(), std::min<uint64_t>(state.synced, bytes.size()),
                                 state.name_synced};
      }
    }
    std::ofstream out(copy, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", copy));
  }
  if (error) return absl::InternalError(absl::StrCat("cannot list ", from, ": ", error.message()));
  return absl::OkStatus();
}

}  // namespace baton::testing
