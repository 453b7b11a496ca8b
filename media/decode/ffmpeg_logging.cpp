#include "media/decode/ffmpeg_logging.h"

extern "C" {
#include <libavutil/log.h>
}

namespace mosaic::media {

void set_ffmpeg_logging(LibraryLogging logging) {
  switch (logging) {
    case LibraryLogging::Silent:
      av_log_set_level(AV_LOG_QUIET);
      break;
    case LibraryLogging::ErrorsOnly:
      av_log_set_level(AV_LOG_ERROR);
      break;
    case LibraryLogging::Verbose:
      av_log_set_level(AV_LOG_INFO);
      break;
  }
}

}  // namespace mosaic::media
