// Internal: helpers for the per-ISA translation units. Included only from
// files compiled with AVX2 (or higher) flags; everything is static inline so
// no AVX code can leak into baseline callers through the linker.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/cpu/blocks.h"

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

// Q6_K: integer dot of one block with 256 activation codes (Q8_K order)
// and their 16 bsums, before d_w * d_x. Shared by the per-row dot and the
// gemv with prepared activations.
static inline __m256i q6k_block_dot(const BlockQ6_K& w, const uint8_t* xq, __m256i bsums) {
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i bits45 = _mm256_set1_epi8(0x30);
  const __m256i sc16 =
      _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w.scales)));
  // Codes are stored +32: subtract 32 * sum(sc * bsum) at the end.
  const __m256i off = _mm256_madd_epi16(sc16, bsums);
  __m256i sumi = _mm256_setzero_si256();
  for (int h = 0; h < 2; ++h) {
    // int16 scales of this half in both 128-bit lanes; vpshufb then picks
    // sc[2k] for the low lane and sc[2k+1] for the high one (in-lane, cheaper
    // than a vpermd per 32 codes).
    const __m256i sch = _mm256_permute4x64_epi64(sc16, h == 0 ? 0x44 : 0xEE);
    const __m256i ql0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w.ql + 64 * h));
    const __m256i ql1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w.ql + 64 * h + 32));
    const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w.qh + 32 * h));
    __m256i q[4];
    q[0] = _mm256_or_si256(_mm256_and_si256(ql0, low4),
                           _mm256_and_si256(_mm256_slli_epi16(qh, 4), bits45));
    q[1] = _mm256_or_si256(_mm256_and_si256(ql1, low4),
                           _mm256_and_si256(_mm256_slli_epi16(qh, 2), bits45));
    q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4),
                           _mm256_and_si256(qh, bits45));
    q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4),
                           _mm256_and_si256(_mm256_srli_epi16(qh, 2), bits45));
    for (int k = 0; k < 4; ++k) {
      const __m256i p = _mm256_maddubs_epi16(
          q[k], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq + 128 * h + 32 * k)));
      const __m256i pick = _mm256_setr_epi8(
          4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1,
          4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 3, 4 * k + 2,
          4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2,
          4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3);
      sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, _mm256_shuffle_epi8(sch, pick)));
    }
  }
  return _mm256_sub_epi32(sumi, _mm256_slli_epi32(off, 5));
}

}  // namespace mosaic::kernels
