// Atomic output file (internal to engine/gguf): writes to path + ".tmp" and
// renames over path on commit(); destroyed uncommitted, it removes the
// temporary file, so an error or exception never leaves a half file at path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mosaic::gguf {

class AtomicOutFile {
 public:
  explicit AtomicOutFile(std::string path);  // Error(Io) if the temp file cannot be created
  AtomicOutFile(const AtomicOutFile&) = delete;
  AtomicOutFile& operator=(const AtomicOutFile&) = delete;
  ~AtomicOutFile();

  void write(const uint8_t* data, size_t n);  // all of it, or Error(Io)
  void write_zeros(size_t n);
  void commit();  // fsync, close, rename; Error(Io) on failure

 private:
  [[noreturn]] void io_fail(const char* what, int err);

  std::string path_;
  std::string tmp_path_;
  int fd_ = -1;
};

}  // namespace mosaic::gguf
