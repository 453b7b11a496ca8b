// Per-session key/value cache: for every layer, one row of keys and one row
// of values per position, stored as F16 (default, half the memory) or F32.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/cpu/types.h"

namespace mosaic {

// What an architecture stores per token and layer (floats per row).
struct KvLayout {
  int64_t n_layer = 0;
  int64_t k_width = 0;  // e.g. n_head_kv * head_dim
  int64_t v_width = 0;
};

class KvCache {
 public:
  // Allocates the whole cache now, so running out of memory shows at session
  // creation and never in the middle of a reply. Throws Error(OutOfMemory).
  KvCache(const KvLayout& layout, int64_t n_ctx, kernels::DType type);

  kernels::DType type() const { return type_; }
  int64_t n_ctx() const { return n_ctx_; }
  const KvLayout& layout() const { return layout_; }
  uint64_t bytes() const { return storage_.size(); }
  static uint64_t bytes_per_token(const KvLayout& layout, kernels::DType type);

  // Row of keys/values of `layer` at position `pos` (in the cache's type).
  uint8_t* k_row(int64_t layer, int64_t pos) { return row(layer, 0, pos, layout_.k_width); }
  uint8_t* v_row(int64_t layer, int64_t pos) { return row(layer, 1, pos, layout_.v_width); }
  const uint8_t* k_row(int64_t layer, int64_t pos) const {
    return const_cast<KvCache*>(this)->k_row(layer, pos);
  }
  const uint8_t* v_row(int64_t layer, int64_t pos) const {
    return const_cast<KvCache*>(this)->v_row(layer, pos);
  }
  size_t k_row_bytes() const { return layout_.k_width * elem_bytes_; }
  size_t v_row_bytes() const { return layout_.v_width * elem_bytes_; }

  // Converts and stores float rows.
  void store_k(int64_t layer, int64_t pos, const float* k);
  void store_v(int64_t layer, int64_t pos, const float* v);

 private:
  uint8_t* row(int64_t layer, int which, int64_t pos, int64_t width);

  KvLayout layout_;
  int64_t n_ctx_;
  kernels::DType type_;
  size_t elem_bytes_;
  size_t layer_bytes_;
  std::vector<uint8_t> storage_;
};

}  // namespace mosaic
