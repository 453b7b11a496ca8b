// Logging set-up shared by every Mosaic program: a rotating file log under the
// XDG state directory plus stderr, and the engine's log lines forwarded into
// the same place (the engine reports through a C callback and never sees spdlog).
#pragma once

#include <spdlog/common.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mosaic::app {

enum class LogFile { Enabled, Disabled };

struct LoggingOptions {
  std::string program_name = "mosaic";  // the log file is <program_name>.log
  // Overrides MOSAIC_LOG_LEVEL (for a --log-level option). When neither is
  // set, the file gets info and above, stderr only warnings and errors, so
  // command output stays clean; a level the user chose applies to both.
  std::optional<std::string> level;
  LogFile file = LogFile::Enabled;
};

struct LoggingState {
  spdlog::level::level_enum level;                // of the file sink and the loggers
  std::optional<std::filesystem::path> log_file;  // empty when not writing one
};

// "trace", "debug", "info", "warn"/"warning", "error", "critical", "off"
// (any case); nullopt for anything else.
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view text);

// $XDG_STATE_HOME/mosaic/logs, or ~/.local/state/mosaic/logs when
// XDG_STATE_HOME is unset or not absolute (as the XDG spec asks); nullopt
// when neither it nor HOME is usable.
std::optional<std::filesystem::path> default_log_directory();

// Installs the default logger ("mosaic") and the "engine" logger on the same
// sinks, and the engine log callback. If the log directory cannot be created,
// logs go to stderr only and a warning says why. Throws std::invalid_argument
// for an unknown level name. Call once, early in main.
LoggingState init_logging(const LoggingOptions& options);

// Removes the engine callback and flushes the sinks (also safe without init).
void shutdown_logging();

}  // namespace mosaic::app
