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

// Q4_K: unpacks the 12 packed scale bytes (same rule as q4k_scale_min) into
// bytes 0..7 = sc[0..7] and 8..15 = m[0..7], working on 32-bit words: words
// 0 and 1 hold the low 6 bits of sc[0..3] / m[0..3] plus the top 2 bits of
// sc[4..7] / m[4..7]; word 2 the low nibbles of sc[4..7] and m[4..7].
// Built in registers on purpose: storing 4 words and reloading
// them as one vector stalls store-to-load forwarding (measured: -20%
// throughput in the Q4_K decode kernel). Reads 16 bytes at `packed`; in a
// block_q4_K the 12 scale bytes are followed by qs, so this stays inside
// the block.
static inline __m128i q4k_unpack_scales_v(const uint8_t* packed) {
  const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(packed));
  const __m128i a = _mm_shuffle_epi32(w, _MM_SHUFFLE(2, 1, 2, 0));  // w0 w2 w1 w2
  const __m128i b = _mm_shuffle_epi32(w, _MM_SHUFFLE(1, 1, 0, 0));  // w0 w0 w1 w1
  const __m128i lo = _mm_and_si128(_mm_srlv_epi32(a, _mm_setr_epi32(0, 0, 0, 4)),
                                   _mm_setr_epi32(0x3F3F3F3F, 0x0F0F0F0F, 0x3F3F3F3F, 0x0F0F0F0F));
  const __m128i hi =
      _mm_and_si128(_mm_srli_epi32(b, 2), _mm_setr_epi32(0, 0x30303030, 0, 0x30303030));
  return _mm_or_si128(lo, hi);
}

}  // namespace mosaic::kernels
