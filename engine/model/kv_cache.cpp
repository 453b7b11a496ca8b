#include "engine/model/kv_cache.h"

#include <fmt/format.h>

#include <cstring>
#include <new>

#include "engine/error.h"
#include "kernels/cpu/ops.h"

namespace mosaic {

KvCache::KvCache(const KvLayout& layout, int64_t n_ctx, kernels::DType type)
    : layout_(layout), n_ctx_(n_ctx), type_(type) {
  if (type != kernels::DType::F16 && type != kernels::DType::F32) {
    fail(ErrorCode::InvalidArgument, "the KV cache type must be f16 or f32");
  }
  elem_bytes_ = type == kernels::DType::F16 ? 2 : 4;
  layer_bytes_ = static_cast<size_t>(n_ctx) * (layout.k_width + layout.v_width) * elem_bytes_;
  const uint64_t total = static_cast<uint64_t>(layer_bytes_) * layout.n_layer;
  try {
    storage_.resize(total);
  } catch (const std::bad_alloc&) {
    fail(ErrorCode::OutOfMemory,
         fmt::format("not enough memory for a {}-token KV cache ({:.1f} MiB); choose a shorter "
                     "context",
                     n_ctx, total / 1048576.0));
  }
}

uint64_t KvCache::bytes_per_token(const KvLayout& layout, kernels::DType type) {
  const uint64_t elem = type == kernels::DType::F16 ? 2 : 4;
  return static_cast<uint64_t>(layout.n_layer) * (layout.k_width + layout.v_width) * elem;
}

uint8_t* KvCache::row(int64_t layer, int which, int64_t pos, int64_t width) {
  uint8_t* base = storage_.data() + layer * layer_bytes_;
  if (which == 1) base += static_cast<size_t>(n_ctx_) * layout_.k_width * elem_bytes_;
  return base + static_cast<size_t>(pos) * width * elem_bytes_;
}

void KvCache::store_k(int64_t layer, int64_t pos, const float* k) {
  uint8_t* dst = k_row(layer, pos);
  if (type_ == kernels::DType::F16) {
    kernels::fp32_to_fp16_row(k, reinterpret_cast<uint16_t*>(dst), layout_.k_width);
  } else {
    std::memcpy(dst, k, layout_.k_width * sizeof(float));
  }
}

void KvCache::store_v(int64_t layer, int64_t pos, const float* v) {
  uint8_t* dst = v_row(layer, pos);
  if (type_ == kernels::DType::F16) {
    kernels::fp32_to_fp16_row(v, reinterpret_cast<uint16_t*>(dst), layout_.v_width);
  } else {
    std::memcpy(dst, v, layout_.v_width * sizeof(float));
  }
}

}  // namespace mosaic
