#ifndef BATON_COMMON_LOG_LOG_H_
#define BATON_COMMON_LOG_LOG_H_

// One-line JSON logs on stderr, through spdlog:
//   {"time":"2026-11-23T13:05:01.123456Z","level":"info","msg":"listening","address":"127.0.0.1:7400"}
// Fields are JSON values (nlohmann::json), escaped by the JSON library, so
// Chinese names and quotes in messages stay valid JSON.

#include "absl/strings/string_view.h"

#include "nlohmann/json.hpp"

namespace baton::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets the lowest level written. Default: kInfo.
void SetLevel(Level level);
// Parses "debug", "info", "warn", "error"; false when unknown.
bool ParseLevel(absl::string_view text, Level* level);

void Write(Level level, absl::string_view msg,
           const nlohmann::json& fields = nlohmann::json::object());
inline void Debug(absl::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(Level::kDebug, msg, fields);
}
inline void Info(absl::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(Level::kInfo, msg, fields);
}
inline void Warn(absl::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(Level::kWarn, msg, fields);
}
inline void Error(absl::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(Level::kError, msg, fields);
}

// Routes protobuf's own log lines (e.g. "invalid UTF-8 in field …") into
// this log at debug level: such input is answered with INVALID_ARGUMENT.
void CaptureProtobufLogs();

}  // namespace baton::log

#endif  // BATON_COMMON_LOG_LOG_H_
