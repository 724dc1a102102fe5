#include "common/log/log.h"

#include <memory>
#include <utility>

#include "google/protobuf/stubs/logging.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace baton::log {
namespace {

spdlog::logger& Logger() {
  static spdlog::logger* const logger = [] {
    auto* l = new spdlog::logger("baton", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    // The message is the rest of a JSON object built by Write().
    l->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})",
                   spdlog::pattern_time_type::utc);
    l->set_level(spdlog::level::info);
    l->flush_on(spdlog::level::debug);
    return l;
  }();
  return *logger;
}

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void SetLevel(Level level) { Logger().set_level(ToSpd(level)); }

bool ParseLevel(absl::string_view text, Level* level) {
  static constexpr std::pair<absl::string_view, Level> kNames[] = {{"debug", Level::kDebug},
                                                                   {"info", Level::kInfo},
                                                                   {"warn", Level::kWarn},
                                                                   {"error", Level::kError}};
  for (const auto& [name, value] : kNames) {
    if (text == name) {
      *level = value;
      return true;
    }
  }
  return false;
}

void Write(Level level, absl::string_view msg, const nlohmann::json& fields) {
  auto& logger = Logger();
  if (!logger.should_log(ToSpd(level))) return;
  std::string body = "\"msg\":" + nlohmann::json(msg).dump(
                                      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  for (const auto& [key, value] : fields.items()) {
    body += "," + nlohmann::json(key).dump() + ":" +
            value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  logger.log(ToSpd(level), "{}", body);
}

void CaptureProtobufLogs() {
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
        Write(level >= google::protobuf::LOGLEVEL_FATAL ? Level::kError : Level::kDebug, "protobuf",
              {{"detail", message}, {"file", file}, {"line", line}});
      });
}

}  // namespace baton::log
