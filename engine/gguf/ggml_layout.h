// Block layouts of GGML tensor types, including those Mosaic cannot run.
//
// Supported types take their layout from kernels::type_traits(); this table
// only serves files opened with OpenOptions::allow_unsupported_types (info
// tools), so that their tensors still get sizes, bounds and overlap checks.
#pragma once

#include <cstdint>
#include <optional>

namespace mosaic::gguf {

struct BlockLayout {
  int64_t block_elems;   // elements per block
  uint64_t block_bytes;  // bytes per block
};

// Layout of a GGML type id: from the kernels for supported types, else from
// the format's published block sizes; nullopt for ids that name no type.
std::optional<BlockLayout> ggml_block_layout(uint32_t ggml_type);

}  // namespace mosaic::gguf
