#include "ui/core/display_check.h"

#include <QString>
#include <QtGlobal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace mosaic::ui {
namespace {

bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0';
}

// One platform name (without ":options") and whether it can start here.
bool platform_usable(std::string_view name) {
  if (name == "xcb") return env_set("DISPLAY");
  if (name.substr(0, 7) == "wayland") return env_set("WAYLAND_DISPLAY");
  return true;  // offscreen, minimal, eglfs, linuxfb, vnc...: no display server needed
}

void on_fatal_message(QtMsgType type, const QMessageLogContext&, const QString& message) {
  std::fprintf(stderr, "%s\n", qPrintable(message));
  if (type == QtFatalMsg) {
    std::fprintf(stderr, "%s\n", kNoDisplayMessage);
    std::fflush(stderr);
    std::_Exit(2);
  }
}

}  // namespace

bool display_available(int argc, char** argv) {
  std::string platform;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "-platform") == 0 || std::strcmp(argv[i], "--platform") == 0) {
      platform = argv[i + 1];
    }
  }
  if (platform.empty() && env_set("QT_QPA_PLATFORM")) platform = std::getenv("QT_QPA_PLATFORM");
  if (platform.empty()) return env_set("DISPLAY") || env_set("WAYLAND_DISPLAY");
  // "wayland;xcb" is a list of fallbacks: one usable one is enough.
  std::string_view rest = platform;
  while (!rest.empty()) {
    const size_t end = rest.find(';');
    std::string_view name = rest.substr(0, end);
    name = name.substr(0, name.find(':'));
    if (!name.empty() && platform_usable(name)) return true;
    if (end == std::string_view::npos) break;
    rest = rest.substr(end + 1);
  }
  return false;
}

void set_fatal_display_handler(FatalDisplayHandler action) {
  qInstallMessageHandler(action == FatalDisplayHandler::Install ? on_fatal_message : nullptr);
}

}  // namespace mosaic::ui
