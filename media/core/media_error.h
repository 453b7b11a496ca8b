// The one exception type of the media library. Every failure names the thing
// it was working on (a file path, a device) and says why, so that a message
// shown to the user is enough to act on without a debugger.
#pragma once

#include <stdexcept>
#include <string>

namespace mosaic::media {

enum class MediaErrorKind {
  NotFound,         // the file or page does not exist
  Io,               // the file exists but could not be read
  Corrupt,          // malformed content
  Truncated,        // content ends early
  Unsupported,      // well-formed but not a format or feature we handle
  TooLarge,         // beyond a configured limit (pixels, bytes, duration)
  NoDevice,         // no camera, microphone or speaker
  InvalidArgument,  // the caller asked for something impossible
  Internal,         // a library call failed for a reason outside the input
};

const char* media_error_kind_name(MediaErrorKind kind);

class MediaError : public std::runtime_error {
 public:
  MediaError(MediaErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  MediaErrorKind kind() const { return kind_; }

 private:
  MediaErrorKind kind_;
};

[[noreturn]] inline void fail(MediaErrorKind kind, const std::string& message) {
  throw MediaError(kind, message);
}

}  // namespace mosaic::media
