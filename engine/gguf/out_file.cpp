#include "engine/gguf/out_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/error.h"

namespace mosaic::gguf {
namespace {
// Large writes go out in chunks of this size (one syscall each).
constexpr size_t kChunk = size_t{16} << 20;
}  // namespace

AtomicOutFile::AtomicOutFile(std::string path) : path_(std::move(path)), tmp_path_(path_ + ".tmp") {
  if (path_.empty()) fail(ErrorCode::Io, "cannot write model file: empty path");
  fd_ = ::open(tmp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) io_fail("create", errno);
}

AtomicOutFile::~AtomicOutFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_path_.c_str());
  }
}

void AtomicOutFile::io_fail(const char* what, int err) {
  fail(ErrorCode::Io, "cannot " + std::string(what) + " '" + tmp_path_ + "' (for '" + path_ +
                          "'): " + std::strerror(err));
}

void AtomicOutFile::write(const uint8_t* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd_, data, std::min(n, kChunk));
    if (w < 0) {
      if (errno == EINTR) continue;
      io_fail("write", errno);
    }
    if (w == 0) io_fail("write", EIO);
    data += w;
    n -= static_cast<size_t>(w);
  }
}

void AtomicOutFile::write_zeros(size_t n) {
  static const uint8_t kZeros[4096] = {};
  while (n > 0) {
    const size_t k = std::min(n, sizeof kZeros);
    write(kZeros, k);
    n -= k;
  }
}

void AtomicOutFile::commit() {
  // fsync before rename: otherwise a crash could leave the new name pointing
  // at a file whose data never reached the disk.
  if (::fsync(fd_) != 0) io_fail("write", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp_path_.c_str());
    fail(ErrorCode::Io, "cannot write '" + tmp_path_ + "': " + std::strerror(err));
  }
  if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp_path_.c_str());
    fail(ErrorCode::Io,
         "cannot rename '" + tmp_path_ + "' to '" + path_ + "': " + std::strerror(err));
  }
}

}  // namespace mosaic::gguf
