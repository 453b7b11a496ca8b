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
  // FileMap: a private read-only map of the file (pages shared with the page
  // cache). HugePageCopy: the file is read into anonymous memory advised for
  // transparent huge pages (fewer TLB misses when streaming weights).
  enum class Backing { FileMap, HugePageCopy };
  static MappedFile open(const std::string& path, Backing backing = Backing::FileMap);

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
  void* region_ = nullptr;  // what to munmap (differs from data_ for aligned copies)
  size_t region_size_ = 0;
};

}  // namespace mosaic::gguf
