#include "engine/gguf/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

namespace {

constexpr size_t kHugePage = 2u << 20;

// Reads the whole file into anonymous memory aligned to 2 MiB and advised for
// transparent huge pages. Returns the mapping (to unmap) and the data start.
std::pair<void*, size_t> read_into_huge_pages(int fd, size_t size, const std::string& path) {
  const size_t region_size = (size + 2 * kHugePage - 1) / kHugePage * kHugePage;
  void* region = ::mmap(nullptr, region_size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (region == MAP_FAILED) {
    fail(ErrorCode::OutOfMemory,
         "cannot reserve memory for '" + path + "': " + std::strerror(errno));
  }
  auto* aligned = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(region) + kHugePage - 1) &
                                             ~(uintptr_t{kHugePage} - 1));
  ::madvise(aligned, size, MADV_HUGEPAGE);  // advice only: without THP it still works
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, aligned + done, std::min<size_t>(size - done, 64u << 20),
                              static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::munmap(region, region_size);
      io_fail(path, "read", err);
    }
    done += static_cast<size_t>(n);
  }
  ::mprotect(aligned, size, PROT_READ);
  return {region, region_size};
}

}  // namespace

MappedFile MappedFile::open(const std::string& path, Backing backing) {
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
  if (backing == Backing::HugePageCopy) {
    const auto [region, region_size] = read_into_huge_pages(fd, size, path);
    m.region_ = region;
    m.region_size_ = region_size;
    m.data_ = reinterpret_cast<const uint8_t*>(
        (reinterpret_cast<uintptr_t>(region) + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1));
    m.size_ = size;
    return m;
  }
  // MAP_PRIVATE + PROT_READ: weights are shared with the page cache and never
  // written. No madvise here: the loader knows the access pattern (a model may
  // be larger than RAM, so WILLNEED on the whole file would be harmful).
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) io_fail(path, "map", errno);
  m.data_ = static_cast<const uint8_t*>(p);
  m.size_ = size;
  m.region_ = p;
  m.region_size_ = size;
  return m;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      region_(std::exchange(other.region_, nullptr)),
      region_size_(std::exchange(other.region_size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (region_ != nullptr) ::munmap(region_, region_size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    region_ = std::exchange(other.region_, nullptr);
    region_size_ = std::exchange(other.region_size_, 0);
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (region_ != nullptr) ::munmap(region_, region_size_);
}

}  // namespace mosaic::gguf
