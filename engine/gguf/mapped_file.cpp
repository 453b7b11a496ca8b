#include "engine/gguf/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "engine/error.h"

namespace mosaic::gguf {
namespace {

[[noreturn]] void io_fail(const std::string& path, const char* what, int err) {
  fail(ErrorCode::Io, "cannot " + std::string(what) + " '" + path + "': " + std::strerror(err));
}

// Closes the descriptor on every path out of open(): the map keeps its own
// reference to the file.
struct FdGuard {
  int fd;
  ~FdGuard() { ::close(fd); }
};

}  // namespace

MappedFile MappedFile::open(const std::string& path) {
  if (path.empty()) {
    fail(ErrorCode::Io,
         "cannot open model file: empty path (" + std::string(std::strerror(ENOENT)) + ")");
  }
  // O_NONBLOCK: opening a FIFO by mistake must not hang; it is rejected below.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) io_fail(path, "open", errno);
  FdGuard guard{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) io_fail(path, "stat", errno);
  if (S_ISDIR(st.st_mode)) io_fail(path, "open", EISDIR);
  if (!S_ISREG(st.st_mode)) fail(ErrorCode::Io, "cannot open '" + path + "': not a regular file");

  MappedFile m;
  if (st.st_size == 0) return m;  // mmap rejects length 0
  const auto size = static_cast<size_t>(st.st_size);
  // MAP_PRIVATE + PROT_READ: weights are shared with the page cache and never
  // written. No madvise here: the loader knows the access pattern (a model may
  // be larger than RAM, so WILLNEED on the whole file would be harmful).
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) io_fail(path, "map", errno);
  m.data_ = static_cast<const uint8_t*>(p);
  m.size_ = size;
  return m;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
}

}  // namespace mosaic::gguf
