#include "engine/core/log.h"

#include <atomic>
#include <mutex>

namespace mosaic {
namespace {

// Stored together under a mutex so a callback never runs with another
// callback's user pointer.
std::mutex g_log_mutex;
mosaic_log_fn g_log_fn = nullptr;
void* g_log_user = nullptr;

}  // namespace

void set_log_callback(mosaic_log_fn fn, void* user) {
  std::lock_guard lock(g_log_mutex);
  g_log_fn = fn;
  g_log_user = user;
}

void log_message(mosaic_log_level level, const std::string& message) {
  std::lock_guard lock(g_log_mutex);
  if (g_log_fn != nullptr) g_log_fn(level, message.c_str(), g_log_user);
}

}  // namespace mosaic
