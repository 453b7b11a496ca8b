// GGUF v3 (and v2) reader: memory-maps a model (all parts of a split model),
// validates the whole header, and exposes metadata and tensor views.
//
// Every malformed input ends in one mosaic::Error naming the file and the
// problem (and the key or tensor), never in a crash: all reads are bounds
// checked against the file size. Error codes: Io (cannot open/map, missing
// split part), Format (malformed), Unsupported (GGUF version or tensor type
// Mosaic cannot handle), Cancelled (progress callback returned false).
//
// A GgufFile is immutable after open(), so its const methods may be called
// from any number of threads. The maps are MAP_PRIVATE/PROT_READ: if another
// process truncates a file while it is mapped, touching the lost pages raises
// SIGBUS; that cannot be validated away.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "engine/gguf/gguf_metadata.h"
#include "engine/gguf/gguf_value.h"
#include "kernels/cpu/types.h"

namespace mosaic::gguf {

struct TensorInfo {
  std::string name;
  uint32_t ggml_type;         // as stored
  kernels::DType type;        // valid when type_supported
  bool type_supported;        // false only with OpenOptions::allow_unsupported_types
  int n_dims;                 // 1..4
  std::array<int64_t, 4> ne;  // ne[0] is contiguous; unused dims = 1
  uint64_t n_elements;
  // Bytes of data. For unsupported types computed from GGML's published block
  // sizes; 0 when even that is unknown (type id not defined by GGML).
  uint64_t n_bytes;
  uint64_t offset;  // as stored: relative to the data section of its file
  // Points into the memory map (valid while the GgufFile lives). Aligned to the
  // file's general.alignment relative to a page-aligned map, so a file written
  // with alignment 1 can give unaligned pointers.
  const uint8_t* data;
  int split_index;  // which file of a split model (0-based)
};

// Mapped: the file is memory-mapped and used in place. HugePageCopy: it is
// read into anonymous memory backed by transparent huge pages.
enum class Residency { Mapped, HugePageCopy };

struct OpenOptions {
  Residency residency = Residency::Mapped;
  // For info tools: accept tensor types Mosaic cannot run (type_supported is
  // then false and `type` meaningless).
  bool allow_unsupported_types = false;
  // Called with a fraction in [0, 1] while parsing; return false to cancel
  // (open() then throws Error(Cancelled)).
  std::function<bool(float)> progress;
};

class GgufFile {
 public:
  // Opens `path`. For a split model any part may be given; all parts are
  // opened ("<prefix>-0000K-of-0000N.gguf"), metadata comes from the first.
  static GgufFile open(const std::string& path, const OpenOptions& options = {});

  GgufFile(GgufFile&&) noexcept;
  GgufFile& operator=(GgufFile&&) noexcept;
  GgufFile(const GgufFile&) = delete;
  GgufFile& operator=(const GgufFile&) = delete;
  ~GgufFile();

  const Metadata& metadata() const;
  std::span<const TensorInfo> tensors() const;                 // in file order, part by part
  const TensorInfo* find_tensor(std::string_view name) const;  // O(1); nullptr if absent
  std::string architecture() const;   // general.architecture, or Error(Format)
  uint64_t total_file_bytes() const;  // sum over all parts
  int split_count() const;            // 1 for a single file
  const std::string& path() const;    // as given to open()
  const std::string& part_path(int split_index) const;
  uint32_t version() const;  // of the first part

 private:
  struct State;
  explicit GgufFile(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace mosaic::gguf
