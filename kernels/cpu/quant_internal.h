// Internal: per-type reference quantizers/dequantizers shared between
// quant_ref.cpp (simple formats) and quant_k.cpp (K-quants).
#pragma once

#include <cstdint>
#include <cstring>

#include "kernels/cpu/blocks.h"

namespace mosaic::kernels::ref {

// Round to nearest, ties to even (the FPU default), for |v| < 2^22. The same
// rounding as cvtps2dq, so SIMD quantizers can reproduce the bytes exactly.
static inline int nearest_int(float v) {
  const float big = v + 12582912.f;  // 1.5 * 2^23 pushes the fraction out
  int32_t i;
  std::memcpy(&i, &big, 4);
  return (i & 0x007FFFFF) - 0x00400000;
}

void quantize_q4_K(const float* x, BlockQ4_K* y, int64_t n);
void dequantize_q4_K(const BlockQ4_K* x, float* y, int64_t n);
void quantize_q6_K(const float* x, BlockQ6_K* y, int64_t n);
void dequantize_q6_K(const BlockQ6_K* x, float* y, int64_t n);

}  // namespace mosaic::kernels::ref
