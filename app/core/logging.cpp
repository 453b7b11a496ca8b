#include "app/core/logging.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "mosaic/engine.h"

namespace mosaic::app {
namespace {

constexpr size_t kLogFileBytes = 5 * 1024 * 1024;
constexpr size_t kLogFilesKept = 3;

spdlog::level::level_enum to_spdlog(mosaic_log_level level) {
  switch (level) {
    case MOSAIC_LOG_DEBUG:
      return spdlog::level::debug;
    case MOSAIC_LOG_INFO:
      return spdlog::level::info;
    case MOSAIC_LOG_WARN:
      return spdlog::level::warn;
    case MOSAIC_LOG_ERROR:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

// Engine threads call this; spdlog's _mt sinks serialize the writes.
void forward_engine_log(mosaic_log_level level, const char* message, void* user) {
  auto* logger = static_cast<spdlog::logger*>(user);
  logger->log(to_spdlog(level), "{}", message ? message : "");
}

const char* env_or_null(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? value : nullptr;
}

}  // namespace

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "trace") return spdlog::level::trace;
  if (lower == "debug") return spdlog::level::debug;
  if (lower == "info") return spdlog::level::info;
  if (lower == "warn" || lower == "warning") return spdlog::level::warn;
  if (lower == "error") return spdlog::level::err;
  if (lower == "critical") return spdlog::level::critical;
  if (lower == "off") return spdlog::level::off;
  return std::nullopt;
}

std::optional<std::filesystem::path> default_log_directory() {
  if (const char* state = env_or_null("XDG_STATE_HOME")) {
    std::filesystem::path path(state);
    if (path.is_absolute()) return path / "mosaic" / "logs";
  }
  if (const char* home = env_or_null("HOME")) {
    return std::filesystem::path(home) / ".local" / "state" / "mosaic" / "logs";
  }
  return std::nullopt;
}

LoggingState init_logging(const LoggingOptions& options) {
  std::optional<std::string> chosen = options.level;
  if (!chosen) {
    if (const char* env = env_or_null("MOSAIC_LOG_LEVEL")) chosen = env;
  }
  LoggingState state{spdlog::level::info, std::nullopt};
  if (chosen) {
    const auto parsed = parse_log_level(*chosen);
    if (!parsed) {
      throw std::invalid_argument("unknown log level '" + *chosen +
                                  "' (use trace, debug, info, warn, error, critical or off)");
    }
    state.level = *parsed;
  }

  auto stderr_sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  stderr_sink->set_level(chosen ? state.level : std::max(state.level, spdlog::level::warn));
  stderr_sink->set_pattern("%^[%l]%$ %v");
  std::vector<spdlog::sink_ptr> sinks{stderr_sink};

  std::string file_problem;
  if (options.file == LogFile::Enabled) {
    if (const auto dir = default_log_directory()) {
      try {
        std::filesystem::create_directories(*dir);
        const auto path = *dir / (options.program_name + ".log");
        auto file_sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
            path.string(), kLogFileBytes, kLogFilesKept);
        file_sink->set_level(state.level);
        file_sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %P %t [%n] [%l] %v");
        sinks.push_back(file_sink);
        state.log_file = path;
      } catch (const std::exception& e) {  // filesystem_error or spdlog_ex
        file_problem = e.what();
      }
    } else {
      file_problem = "neither XDG_STATE_HOME nor HOME is set";
    }
  }

  auto app_logger = std::make_shared<spdlog::logger>("mosaic", sinks.begin(), sinks.end());
  auto engine_logger = std::make_shared<spdlog::logger>("engine", sinks.begin(), sinks.end());
  for (const auto& logger : {app_logger, engine_logger}) {
    logger->set_level(state.level);
    logger->flush_on(spdlog::level::warn);
  }
  spdlog::drop_all();
  spdlog::register_logger(engine_logger);
  spdlog::set_default_logger(app_logger);
  // The engine logger lives in spdlog's registry until shutdown_logging, so
  // the raw pointer handed to the engine stays valid.
  mosaic_set_log_callback(forward_engine_log, engine_logger.get());

  if (!file_problem.empty()) {
    spdlog::warn("not writing a log file: {}", file_problem);
  }
  return state;
}

void shutdown_logging() {
  mosaic_set_log_callback(nullptr, nullptr);
  spdlog::shutdown();
}

}  // namespace mosaic::app
