// Internal error type of the engine. Exceptions never cross the public API:
// engine/api.cpp catches mosaic::Error (and std::bad_alloc, std::exception)
// and turns them into mosaic_status codes plus a message.
#pragma once

#include <stdexcept>
#include <string>

namespace mosaic {

enum class ErrorCode {
  InvalidArgument,
  Io,
  Format,       // the file is malformed (truncated, out-of-range offsets, ...)
  Unsupported,  // well-formed but not supported (architecture, tensor type, ...)
  Cancelled,
  ContextFull,
  OutOfMemory,
  Internal,
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

[[noreturn]] inline void fail(ErrorCode code, const std::string& message) {
  throw Error(code, message);
}

}  // namespace mosaic
