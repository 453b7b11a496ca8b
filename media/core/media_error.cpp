#include "media/core/media_error.h"

namespace mosaic::media {

const char* media_error_kind_name(MediaErrorKind kind) {
  switch (kind) {
    case MediaErrorKind::NotFound:
      return "not found";
    case MediaErrorKind::Io:
      return "read error";
    case MediaErrorKind::Corrupt:
      return "corrupt";
    case MediaErrorKind::Truncated:
      return "truncated";
    case MediaErrorKind::Unsupported:
      return "unsupported";
    case MediaErrorKind::TooLarge:
      return "too large";
    case MediaErrorKind::NoDevice:
      return "no device";
    case MediaErrorKind::InvalidArgument:
      return "invalid argument";
    case MediaErrorKind::Internal:
      return "internal error";
  }
  return "unknown";
}

}  // namespace mosaic::media
