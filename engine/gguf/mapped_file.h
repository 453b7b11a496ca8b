// Read-only private memory map of a whole file (internal to engine/gguf).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace mosaic::gguf {

class MappedFile {
 public:
  // Throws mosaic::Error(Io) naming the path and strerror when the file cannot
  // be opened, is not a regular file, or cannot be mapped. A 0-byte file maps
  // to an empty span (the parser reports it as a Format error).
  static MappedFile open(const std::string& path);

  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::span<const uint8_t> bytes() const { return {data_, size_}; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace mosaic::gguf
