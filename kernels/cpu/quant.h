// Conversion between float and every supported storage type.
//
// Each function has a plain scalar reference in namespace `ref` (quant_ref.cpp)
// that defines the bit-exact result; the dispatched versions may be SIMD but
// must produce the same values for dequantization and the same bytes for
// quantization (tests compare them).
#pragma once

#include <cstdint>

#include "kernels/cpu/types.h"

namespace mosaic::kernels {

float fp16_to_fp32(uint16_t h);
uint16_t fp32_to_fp16(float f);  // round to nearest even, inf/nan kept
float bf16_to_fp32(uint16_t h);
uint16_t fp32_to_bf16(float f);  // round to nearest even, nan kept quiet

// dst[0..n) = values of the n elements at src. n % block_elems == 0.
void dequantize_row(DType type, const void* src, float* dst, int64_t n);

// Quantizes n floats into row_bytes(type, n) bytes at dst. n % block_elems == 0.
// Supported for every DType (Q8_K included, it is how activations are prepared).
void quantize_row(DType type, const float* src, void* dst, int64_t n);

namespace ref {
void dequantize_row(DType type, const void* src, float* dst, int64_t n);
void quantize_row(DType type, const float* src, void* dst, int64_t n);
}  // namespace ref

}  // namespace mosaic::kernels
