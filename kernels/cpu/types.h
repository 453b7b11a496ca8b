// Tensor element types and their block layouts.
//
// The numeric values are the GGML type ids stored in GGUF files, so a type id
// read from a file converts to DType with a range/known check (see
// dtype_from_ggml) and never by a blind cast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mosaic::kernels {

enum class DType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q8_0 = 8,
  Q4_K = 12,
  Q6_K = 14,
  Q8_K = 15,  // activation-only type: the dot partner of the K-quants
  BF16 = 30,
};

struct TypeTraits {
  std::string_view name;  // as GGML names it: "f32", "q4_K", ...
  int64_t block_elems;    // elements per block (1 for float types)
  size_t block_bytes;     // bytes per block
  DType vec_dot_type;     // type activations are converted to for dot products
};

// Traits of a known type. Precondition: `type` is one of the enumerators.
const TypeTraits& type_traits(DType type);

// Maps a GGML type id from a file to a DType; nullopt for types Mosaic does
// not support (the caller reports the id and name in its error).
std::optional<DType> dtype_from_ggml(uint32_t ggml_type);

// Name of a GGML type id, including common ones Mosaic cannot run
// (e.g. "q5_K", "iq4_xs"), or "unknown" - used in error messages.
std::string_view ggml_type_name(uint32_t ggml_type);

// Bytes for a row of n elements. Precondition: n % block_elems == 0.
size_t row_bytes(DType type, int64_t n);

}  // namespace mosaic::kernels
