// Whether Qt can find a display, asked before QGuiApplication exists: without
// one Qt aborts inside its platform plugin with a message meant for
// developers. The app prints a clear message and exits non-zero instead.
#pragma once

#include <string>

namespace mosaic::ui {

inline constexpr const char* kNoDisplayMessage =
    "mosaic: no display: set DISPLAY or run under xvfb-run / QT_QPA_PLATFORM=offscreen";

// True when the platform Qt will use (from "-platform NAME" in the arguments,
// else QT_QPA_PLATFORM, else the default xcb/wayland) has what it needs:
// DISPLAY for xcb, WAYLAND_DISPLAY for wayland; platforms that need no
// display server (offscreen, minimal, eglfs, vnc...) always do.
bool display_available(int argc, char** argv);

// Makes a fatal Qt message during platform start-up ("could not connect to
// display", "no Qt platform plugin could be initialized") print
// kNoDisplayMessage and exit with status 2 instead of aborting. Installed
// just for the QGuiApplication constructor, then removed.
enum class FatalDisplayHandler { Install, Remove };
void set_fatal_display_handler(FatalDisplayHandler action);

}  // namespace mosaic::ui
