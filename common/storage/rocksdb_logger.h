#ifndef BATON_COMMON_STORAGE_ROCKSDB_LOGGER_H_
#define BATON_COMMON_STORAGE_ROCKSDB_LOGGER_H_

#include <cstdarg>

#include "rocksdb/env.h"

namespace baton::storage {

// RocksDB's info log, routed into Baton's log (common/log) instead of a LOG
// file in the data directory. Store::Open installs one on every database:
// a LOG file grows with every flush and compaction, and on a full disk
// RocksDB's own write to it failed an assertion inside RocksDB and took the
// process down; a log line on stderr cannot fill the data volume.
// Forwards WARN as log::Warn and ERROR, FATAL as log::Error, each as
// {"msg":"rocksdb","detail":"<RocksDB's text>"}; drops DEBUG, INFO and
// HEADER lines (RocksDB's chatter: options dumps, flush and compaction
// summaries). Thread-safe (common/log is).
class RocksDbLogger final : public rocksdb::Logger {
 public:
  RocksDbLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}

  // Lines without a level are INFO lines (RocksDB's Log()): dropped.
  void Logv(const char* format, va_list ap) override {}
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override;
  // Headers (the options dump at open) are dropped.
  void LogHeader(const char* format, va_list ap) override {}
};

}  // namespace baton::storage

#endif  // BATON_COMMON_STORAGE_ROCKSDB_LOGGER_H_
