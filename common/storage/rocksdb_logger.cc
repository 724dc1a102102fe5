#include "common/storage/rocksdb_logger.h"

#include <cstdio>
#include <string>

#include "common/log/log.h"

namespace baton::storage {

void RocksDbLogger::Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) {
  if (level < rocksdb::InfoLogLevel::WARN_LEVEL || level >= rocksdb::InfoLogLevel::HEADER_LEVEL) {
    return;
  }
  // Measure first: RocksDB's messages carry file names and option dumps of
  // any length, and a truncated error is no help to whoever reads it.
  va_list measure;
  va_copy(measure, ap);
  const int size = std::vsnprintf(nullptr, 0, format, measure);
  va_end(measure);
  if (size < 0) return;
  std::string text(static_cast<size_t>(size) + 1, '\0');
  std::vsnprintf(text.data(), text.size(), format, ap);
  text.resize(static_cast<size_t>(size));
  log::Write(level >= rocksdb::InfoLogLevel::ERROR_LEVEL ? log::Level::kError : log::Level::kWarn,
             "rocksdb", {{"detail", text}});
}

}  // namespace baton::storage
