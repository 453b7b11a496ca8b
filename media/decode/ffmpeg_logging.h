// FFmpeg's process-wide log level (it prints warnings about damaged input to
// stderr by default). See media/core/library_logging.h.
#pragma once

#include "media/core/library_logging.h"

namespace mosaic::media {

void set_ffmpeg_logging(LibraryLogging logging);

}  // namespace mosaic::media
