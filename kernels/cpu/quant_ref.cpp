// Reference (scalar) conversions for the simple formats, and the dispatched
// quantize_row / dequantize_row entry points.
#include <algorithm>
#include <cassert>
#include <cmath>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/isa.h"
#include "kernels/cpu/quant.h"
#include "kernels/cpu/quant_internal.h"

namespace mosaic::kernels {
namespace {

void quantize_q8_0(const float* x, BlockQ8_0* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK8_0; ++b, x += kQK8_0) {
    float amax = 0.f;
    for (int i = 0; i < kQK8_0; ++i) amax = std::max(amax, std::fabs(x[i]));
    // Symmetric [-127, 127]: never -128, so SIMD dot kernels may take |q|.
    const float d = amax / 127.f;
    const float id = d != 0.f ? 1.f / d : 0.f;
    y[b].d = float_to_half(d);
    for (int i = 0; i < kQK8_0; ++i) y[b].qs[i] = static_cast<int8_t>(ref::nearest_int(x[i] * id));
  }
}

void dequantize_q8_0(const BlockQ8_0* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK8_0; ++b, y += kQK8_0) {
    const float d = half_to_float(x[b].d);
    for (int i = 0; i < kQK8_0; ++i) y[i] = static_cast<float>(x[b].qs[i]) * d;
  }
}

void quantize_q4_0(const float* x, BlockQ4_0* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK4_0; ++b, x += kQK4_0) {
    // The value of largest magnitude maps to -8, the end of the asymmetric
    // range [-8, 7] that has the extra step.
    float amax = 0.f, vmax = 0.f;
    for (int i = 0; i < kQK4_0; ++i) {
      if (std::fabs(x[i]) > amax) {
        amax = std::fabs(x[i]);
        vmax = x[i];
      }
    }
    const float d = vmax / -8.f;
    const float id = d != 0.f ? 1.f / d : 0.f;
    y[b].d = float_to_half(d);
    for (int i = 0; i < kQK4_0 / 2; ++i) {
      const int q0 = std::clamp(ref::nearest_int(x[i] * id) + 8, 0, 15);
      const int q1 = std::clamp(ref::nearest_int(x[i + 16] * id) + 8, 0, 15);
      y[b].qs[i] = static_cast<uint8_t>(q0 | (q1 << 4));
    }
  }
}

void dequantize_q4_0(const BlockQ4_0* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK4_0; ++b, y += kQK4_0) {
    const float d = half_to_float(x[b].d);
    for (int i = 0; i < kQK4_0 / 2; ++i) {
      y[i] = static_cast<float>((x[b].qs[i] & 0x0F) - 8) * d;
      y[i + 16] = static_cast<float>((x[b].qs[i] >> 4) - 8) * d;
    }
  }
}

void quantize_q8_K(const float* x, BlockQ8_K* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK_K; ++b, x += kQK_K) {
    float amax = 0.f;
    for (int i = 0; i < kQK_K; ++i) amax = std::max(amax, std::fabs(x[i]));
    if (amax == 0.f) {
      std::memset(&y[b], 0, sizeof(BlockQ8_K));
      continue;
    }
    const float iscale = 127.f / amax;
    for (int i = 0; i < kQK_K; ++i) {
      y[b].qs[i] = static_cast<int8_t>(std::clamp(ref::nearest_int(iscale * x[i]), -127, 127));
    }
    for (int g = 0; g < kQK_K / 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += y[b].qs[16 * g + i];
      y[b].bsums[g] = static_cast<int16_t>(sum);
    }
    y[b].d = 1.f / iscale;
  }
}

void dequantize_q8_K(const BlockQ8_K* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK_K; ++b, y += kQK_K) {
    for (int i = 0; i < kQK_K; ++i) y[i] = x[b].d * static_cast<float>(x[b].qs[i]);
  }
}

}  // namespace

namespace ref {

void dequantize_row(DType type, const void* src, float* dst, int64_t n) {
  assert(n % type_traits(type).block_elems == 0);
  switch (type) {
    case DType::F32:
      std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
      return;
    case DType::F16: {
      const auto* h = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = half_to_float(h[i]);
      return;
    }
    case DType::BF16: {
      const auto* h = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = bf16_bits_to_float(h[i]);
      return;
    }
    case DType::Q4_0:
      return dequantize_q4_0(static_cast<const BlockQ4_0*>(src), dst, n);
    case DType::Q8_0:
      return dequantize_q8_0(static_cast<const BlockQ8_0*>(src), dst, n);
    case DType::Q4_K:
      return dequantize_q4_K(static_cast<const BlockQ4_K*>(src), dst, n);
    case DType::Q6_K:
      return dequantize_q6_K(static_cast<const BlockQ6_K*>(src), dst, n);
    case DType::Q8_K:
      return dequantize_q8_K(static_cast<const BlockQ8_K*>(src), dst, n);
  }
}

void quantize_row(DType type, const float* src, void* dst, int64_t n) {
  assert(n % type_traits(type).block_elems == 0);
  switch (type) {
    case DType::F32:
      std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
      return;
    case DType::F16: {
      auto* h = static_cast<uint16_t*>(dst);
      for (int64_t i = 0; i < n; ++i) h[i] = float_to_half(src[i]);
      return;
    }
    case DType::BF16: {
      auto* h = static_cast<uint16_t*>(dst);
      for (int64_t i = 0; i < n; ++i) h[i] = float_to_bf16_bits(src[i]);
      return;
    }
    case DType::Q4_0:
      return quantize_q4_0(src, static_cast<BlockQ4_0*>(dst), n);
    case DType::Q8_0:
      return quantize_q8_0(src, static_cast<BlockQ8_0*>(dst), n);
    case DType::Q4_K:
      return quantize_q4_K(src, static_cast<BlockQ4_K*>(dst), n);
    case DType::Q6_K:
      return quantize_q6_K(src, static_cast<BlockQ6_K*>(dst), n);
    case DType::Q8_K:
      return quantize_q8_K(src, static_cast<BlockQ8_K*>(dst), n);
  }
}

}  // namespace ref

void dequantize_row(DType type, const void* src, float* dst, int64_t n) {
  if (RowFn f = active_kernels().dequant[slot(type)]) return f(src, dst, n);
  ref::dequantize_row(type, src, dst, n);
}

void quantize_row(DType type, const float* src, void* dst, int64_t n) {
  const IsaKernels& k = active_kernels();
  if (type == DType::F16 && k.fp32_to_fp16_row)
    return k.fp32_to_fp16_row(src, static_cast<uint16_t*>(dst), n);
  if (auto f = k.quantize[slot(type)]) return f(src, dst, n);
  ref::quantize_row(type, src, dst, n);
}

}  // namespace mosaic::kernels
