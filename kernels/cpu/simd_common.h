// Internal: helpers for the per-ISA translation units. Included only from
// files compiled with AVX2 (or higher) flags; everything is static inline so
// no AVX code can leak into baseline callers through the linker.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace mosaic::kernels {

static inline float hsum_ps_256(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

static inline int32_t hsum_epi32_256(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

// fp16 -> float with F16C (one value).
static inline float f16c_to_float(uint16_t h) { return _cvtsh_ss(h); }

static inline uint16_t load_u16(const void* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

// Q4_K: unpacks the 12 scale bytes into sc[0..7] (bytes 0..7) and m[0..7]
// (bytes 8..15) of `out` with 32-bit word operations (same rule as
// q4k_scale_min): words 0,1 of the input hold the low 6 bits of sc[0..3] and
// m[0..3] plus the top 2 bits of sc[4..7] and m[4..7]; word 2 holds the low
// nibbles of sc[4..7] and m[4..7].
static inline void q4k_unpack_scales(const uint8_t* packed, uint32_t out[4]) {
  constexpr uint32_t kLow6 = 0x3F3F3F3Fu, kLow4 = 0x0F0F0F0Fu, kLow2 = 0x03030303u;
  uint32_t w[3];
  std::memcpy(w, packed, 12);
  out[0] = w[0] & kLow6;                                          // sc[0..3]
  out[1] = (w[2] & kLow4) | (((w[0] >> 6) & kLow2) << 4);         // sc[4..7]
  out[2] = w[1] & kLow6;                                          // m[0..3]
  out[3] = ((w[2] >> 4) & kLow4) | (((w[1] >> 6) & kLow2) << 4);  // m[4..7]
}

}  // namespace mosaic::kernels
