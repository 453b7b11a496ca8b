// Engine-internal logging: forwards to the callback the application installs
// through mosaic_set_log_callback (no logging library inside the engine).
#pragma once

#include <string>

#include "mosaic/engine.h"

namespace mosaic {

void set_log_callback(mosaic_log_fn fn, void* user);
void log_message(mosaic_log_level level, const std::string& message);

inline void log_info(const std::string& m) { log_message(MOSAIC_LOG_INFO, m); }
inline void log_warn(const std::string& m) { log_message(MOSAIC_LOG_WARN, m); }
inline void log_debug(const std::string& m) { log_message(MOSAIC_LOG_DEBUG, m); }

}  // namespace mosaic
