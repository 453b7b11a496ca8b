#include "app/store/attachment_files.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <utility>

#include "app/store/store_error.h"

namespace mosaic::store {
namespace {

[[noreturn]] void io_error(const std::string& doing, const std::filesystem::path& path,
                           int error_number) {
  throw StoreError(StoreErrorKind::Io,
                   doing + " '" + path.string() + "' failed: " + std::strerror(error_number));
}

// Closes the descriptor on every path out of write_file_atomically.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw StoreError(StoreErrorKind::Io, "computing SHA-256 failed (OpenSSL EVP_Digest)");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::filesystem::path attachment_path(const std::filesystem::path& attachments_dir,
                                      std::string_view sha256) {
  if (!is_sha256_hex(sha256)) {
    throw StoreError(StoreErrorKind::InvalidArgument,
                     "'" + std::string(sha256) + "' is not a SHA-256 hex digest");
  }
  return attachments_dir / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

void write_file_atomically(const std::filesystem::path& destination, std::string_view bytes) {
  std::filesystem::path directory = destination.parent_path();
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    throw StoreError(StoreErrorKind::Io,
                     "creating directory '" + directory.string() + "' failed: " + error.message());
  }
  // Unique per process and call, so concurrent writers never share a temp file.
  static std::atomic<uint64_t> counter{0};
  std::string temp_name = destination.filename().string();
  temp_name.insert(0, 1, '.');  // hidden, and never mistaken for a finished file
  temp_name += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
  std::filesystem::path temp = directory / temp_name;
  FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) io_error("creating", temp, errno);
  auto fail = [&](const char* doing) {
    int saved = errno;
    ::close(fd.release());
    ::unlink(temp.c_str());
    io_error(doing, temp, saved);
  };
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd.get(), bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("writing");
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) fail("syncing");
  if (::close(fd.release()) != 0) {
    int saved = errno;
    ::unlink(temp.c_str());
    io_error("closing", temp, saved);
  }
  if (::rename(temp.c_str(), destination.c_str()) != 0) {
    int saved = errno;
    ::unlink(temp.c_str());
    io_error("renaming into place", destination, saved);
  }
  // The rename is durable only once the directory entry is on disk.
  FileDescriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
}

std::string read_whole_file(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) io_error("reading", path, EISDIR);
  std::ifstream in(path, std::ios::binary);
  if (!in) io_error("opening", path, errno);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) io_error("reading", path, errno);
  return bytes;
}

}  // namespace mosaic::store
