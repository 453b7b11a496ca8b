// Internal: GGML block layouts and small scalar helpers shared by the
// reference code and the per-ISA translation units.
//
// Everything here is `static inline` or constexpr on purpose: this header is
// also compiled into the AVX2/AVX-512 files, and an out-of-line copy with
// external linkage built with -mavx512f could be picked by the linker for a
// baseline caller and crash an older CPU.
#pragma once

#include <cstdint>
#include <cstring>

namespace mosaic::kernels {

constexpr int kQK4_0 = 32;
constexpr int kQK8_0 = 32;
constexpr int kQK_K = 256;

// GGML block_q4_0: x[i] = (q[i] - 8) * d; byte j holds element j (low
// nibble) and element j + 16 (high nibble).
struct BlockQ4_0 {
  uint16_t d;  // fp16
  uint8_t qs[kQK4_0 / 2];
};
static_assert(sizeof(BlockQ4_0) == 18);

// GGML block_q8_0: x[i] = q[i] * d.
struct BlockQ8_0 {
  uint16_t d;  // fp16
  int8_t qs[kQK8_0];
};
static_assert(sizeof(BlockQ8_0) == 34);

// GGML block_q4_K: 8 sub-blocks of 32 with 6-bit scales and mins packed in
// 12 bytes (see get_scale_min_k4); x = d * sc[j] * q - dmin * m[j]. Each 32
// bytes of qs hold 64 elements: low nibbles first, then high nibbles.
struct BlockQ4_K {
  uint16_t d;     // fp16 scale of the scales
  uint16_t dmin;  // fp16 scale of the mins
  uint8_t scales[12];
  uint8_t qs[kQK_K / 2];
};
static_assert(sizeof(BlockQ4_K) == 144);

// GGML block_q6_K: 16 sub-blocks of 16 with int8 scales; x = d * sc[i/16] *
// (q - 32), q = 4 low bits from ql and 2 high bits from qh (layout in
// quant_k.cpp).
struct BlockQ6_K {
  uint8_t ql[kQK_K / 2];
  uint8_t qh[kQK_K / 4];
  int8_t scales[kQK_K / 16];
  uint16_t d;  // fp16
};
static_assert(sizeof(BlockQ6_K) == 210);

// GGML block_q8_K (activations for the K-quants): bsums[g] = sum of
// qs[16g .. 16g+16), which lets the kernels apply mins/offsets per group
// without re-summing the activations.
struct BlockQ8_K {
  float d;
  int8_t qs[kQK_K];
  int16_t bsums[kQK_K / 16];
};
static_assert(sizeof(BlockQ8_K) == 292);

static inline uint32_t f32_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
static inline float bits_f32(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// IEEE half -> float, exact (every half is representable as a float).
static inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu;
  const uint32_t mant = h & 0x3FFu;
  if (exp == 0) {
    // Zero or subnormal: mant * 2^-24, exact in float.
    const float v = static_cast<float>(mant) * 0x1p-24f;
    return bits_f32(f32_bits(v) | sign);
  }
  if (exp == 31) return bits_f32(sign | 0x7F800000u | (mant << 13));
  return bits_f32(sign | ((exp + 112) << 23) | (mant << 13));
}

// float -> IEEE half, round to nearest even in integer arithmetic so the
// result does not depend on the FPU rounding mode. Overflow gives inf, NaN
// stays a (quiet) NaN.
static inline uint16_t float_to_half(float f) {
  uint32_t x = f32_bits(f);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  x &= 0x7FFFFFFFu;
  if (x >= 0x7F800000u) {
    if (x == 0x7F800000u) return sign | 0x7C00u;
    return sign | 0x7E00u | static_cast<uint16_t>((x >> 13) & 0x3FFu);
  }
  // 65520 is halfway between the largest half (65504) and 2^16; ties go to
  // the even neighbour, which is infinity.
  if (x >= 0x477FF000u) return sign | 0x7C00u;
  if (x < 0x38800000u) {  // below 2^-14: half subnormal or zero
    const uint32_t e = x >> 23;
    if (e < 102) return sign;  // < 2^-25: rounds to zero
    const uint32_t m = (x & 0x7FFFFFu) | 0x800000u;
    const uint32_t shift = 126 - e;  // 14..24
    uint32_t q = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (q & 1))) ++q;
    return sign | static_cast<uint16_t>(q);
  }
  uint32_t h = (x - 0x38000000u) >> 13;
  const uint32_t rem = x & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1))) ++h;
  return sign | static_cast<uint16_t>(h);
}

static inline float bf16_bits_to_float(uint16_t h) {
  return bits_f32(static_cast<uint32_t>(h) << 16);
}

static inline uint16_t float_to_bf16_bits(float f) {
  const uint32_t x = f32_bits(f);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((x >> 16) | 0x0040u);
  return static_cast<uint16_t>((x + 0x7FFFu + ((x >> 16) & 1u)) >> 16);
}

// Q4_K: 6-bit scale and min of sub-block j (0..7) from the 12 packed bytes.
// Sub-blocks 0..3 keep scale/min in the low 6 bits of bytes j and j+4;
// sub-blocks 4..7 keep their low 4 bits in byte j+4 (scale low nibble, min
// high nibble) and their top 2 bits in the top bits of bytes j-4 (scale) and
// j (min).
static inline void q4k_scale_min(int j, const uint8_t* q, uint8_t* sc, uint8_t* m) {
  if (j < 4) {
    *sc = q[j] & 63;
    *m = q[j + 4] & 63;
  } else {
    *sc = static_cast<uint8_t>((q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4));
    *m = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
  }
}

// Inverse of q4k_scale_min for all 8 sub-blocks (values < 64).
static inline void q4k_pack_scales(const uint8_t sc[8], const uint8_t m[8], uint8_t q[12]) {
  for (int j = 0; j < 4; ++j) {
    q[j] = static_cast<uint8_t>((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
    q[j + 4] = static_cast<uint8_t>((m[j] & 63) | ((m[j + 4] >> 4) << 6));
    q[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0x0F) | ((m[j + 4] & 0x0F) << 4));
  }
}

}  // namespace mosaic::kernels
