// Serialises a GGUF header (internal to engine/gguf; used by the writer).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/gguf/gguf_metadata.h"

namespace mosaic::gguf {

struct EncodedTensorInfo {
  std::string_view name;
  int n_dims;
  std::array<int64_t, 4> ne;
  uint32_t ggml_type;
  uint64_t offset;  // relative to the data section
};

// Magic, version 3, counts, key/values and tensor infos, padded with zeros to
// a multiple of `alignment` (where the data section starts).
std::vector<uint8_t> encode_header(const Metadata& metadata,
                                   const std::vector<EncodedTensorInfo>& tensors,
                                   uint32_t alignment);

// Appends the file encoding of a value (without its type id) to out.
void encode_value(std::vector<uint8_t>& out, const Value& value);

}  // namespace mosaic::gguf
