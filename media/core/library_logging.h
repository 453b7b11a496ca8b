// How chatty the C libraries underneath (FFmpeg, poppler) may be on stderr.
// Their logging is process-wide, so only programs set it, once, at start-up;
// every failure reaches callers as a MediaError regardless.
#pragma once

namespace mosaic::media {

enum class LibraryLogging { Silent, ErrorsOnly, Verbose };

}  // namespace mosaic::media
