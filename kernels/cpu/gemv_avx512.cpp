// AVX-512 matrix-vector products for the decode path (one token, weights
// streamed once). The activation row is rearranged once per call (gemv_prep)
// into the layout each format's inner loop wants, so a weight block costs as
// few instructions as possible and one core keeps up with DRAM:
//
//  Q8_0: x codes contiguous, per block d_x and 128 * d_x * sum(x). The
//        weights go to vpdpbusd as unsigned (w + 128, one xor); the +128
//        bias is removed once per 16 blocks with an FMA against those sums.
//  Q4_0: x codes of 4 blocks grouped [low halves | high halves] to match 4
//        blocks of nibbles unpacked with one and/shift; offset 8 as above.
//  Q4_K: x codes of each 128 inputs reordered [0..32, 64..96 | 32..64,
//        96..128] to match one 64-byte load of nibbles, plus the bsum pairs
//        that the mins multiply.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/isa.h"
#include "kernels/cpu/prefetch_rows.h"
#include "kernels/cpu/simd_common.h"

namespace mosaic::kernels::avx512 {
namespace {

inline size_t align64(size_t n) { return (n + 63) & ~size_t{63}; }

inline __mmask16 mask16(int64_t n) {
  return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << n) - 1);
}

// d of up to 16 consecutive blocks (fp16 at the start of each block).
inline __m512 gather_d(const uint8_t* blocks, int stride, __mmask16 m) {
  const __m512i idx =
      _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                         _mm512_set1_epi32(stride));
  const __m512i g = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, idx, blocks, 1);
  return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(g));
}

// ---- Q8_0 / Q4_0: x layout [codes (nb rounded up to 16) * 32][dx][cx] ----

struct Q80Layout {
  int64_t nb, nb16;
  explicit Q80Layout(int64_t n_in) : nb(n_in / 32), nb16((n_in / 32 + 15) / 16 * 16) {}
  size_t codes_bytes() const { return align64(static_cast<size_t>(nb16) * 32); }
  size_t bytes() const { return codes_bytes() + 2 * align64(static_cast<size_t>(nb16) * 4); }
};

int32_t sum32(const int8_t* q) {
  // Bias to unsigned, vpsadbw against zero, remove the bias.
  const __m256i v = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q)),
                                     _mm256_set1_epi8(static_cast<char>(0x80)));
  const __m256i s = _mm256_sad_epu8(v, _mm256_setzero_si256());
  const __m128i s2 = _mm_add_epi64(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
  return static_cast<int32_t>(_mm_cvtsi128_si64(s2) + _mm_extract_epi64(s2, 1)) - 128 * 32;
}

// offset: 128 for Q8_0 weights (w + 128), 8 for Q4_0 nibbles.
// grouped: Q4_0 wants 4 blocks as [b0 lo16, b1 lo16, b2 lo16, b3 lo16, b0 hi16, ...].
void prep_q8_0(int64_t n_in, const uint8_t* x_row, uint8_t* out, float offset, bool grouped) {
  const Q80Layout L(n_in);
  const auto* x = reinterpret_cast<const BlockQ8_0*>(x_row);
  std::memset(out, 0, L.bytes());
  auto* dx = reinterpret_cast<float*>(out + L.codes_bytes());
  float* cx = dx + align64(static_cast<size_t>(L.nb16) * 4) / 4;
  for (int64_t b = 0; b < L.nb; ++b) {
    if (grouped) {
      uint8_t* g = out + (b / 4) * 128 + (b % 4) * 16;
      std::memcpy(g, x[b].qs, 16);
      std::memcpy(g + 64, x[b].qs + 16, 16);
    } else {
      std::memcpy(out + b * 32, x[b].qs, 32);
    }
    dx[b] = _cvtsh_ss(x[b].d);
    cx[b] = offset * dx[b] * static_cast<float>(sum32(x[b].qs));
  }
}

// Lanes 0..7 take element p of a 16-vector, lanes 8..15 element p + 1.
inline __m512i pair_index(int p) {
  return _mm512_add_epi32(_mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1),
                          _mm512_set1_epi32(p));
}
// Lanes 4i..4i+3 take element q + i.
inline __m512i quad_index(int q) {
  return _mm512_add_epi32(_mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3),
                          _mm512_set1_epi32(q));
}

float gemv_row_q8_0(const Q80Layout& L, const uint8_t* w_row, const uint8_t* xp) {
  const auto* w = reinterpret_cast<const BlockQ8_0*>(w_row);
  const auto* xd = reinterpret_cast<const float*>(xp + L.codes_bytes());
  const float* xc = xd + align64(static_cast<size_t>(L.nb16) * 4) / 4;
  const __m512i bias = _mm512_set1_epi8(static_cast<char>(0x80)), zero = _mm512_setzero_si512();
  __m512 acc0 = _mm512_setzero_ps(), acc1 = acc0, accc = acc0;
  for (int64_t g0 = 0; g0 < L.nb; g0 += 16) {
    const int cnt = static_cast<int>(L.nb - g0 < 16 ? L.nb - g0 : 16);
    const __m512 dw =
        gather_d(reinterpret_cast<const uint8_t*>(w + g0), sizeof(BlockQ8_0), mask16(cnt));
    const __m512 s = _mm512_mul_ps(dw, _mm512_load_ps(xd + g0));
    accc = _mm512_fmadd_ps(dw, _mm512_load_ps(xc + g0), accc);
    const int8_t* xq = reinterpret_cast<const int8_t*>(xp) + g0 * 32;
    int p = 0;
    for (; p + 2 <= cnt; p += 2) {
      __m512i wq = _mm512_castsi256_si512(
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[g0 + p].qs)));
      wq = _mm512_inserti64x4(
          wq, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[g0 + p + 1].qs)), 1);
      const __m512i d =
          _mm512_dpbusd_epi32(zero, _mm512_xor_si512(wq, bias), _mm512_load_si512(xq + p * 32));
      const __m512 sp = _mm512_permutexvar_ps(pair_index(p), s);
      if (p & 2) {
        acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(d), sp, acc1);
      } else {
        acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(d), sp, acc0);
      }
    }
    if (p < cnt) {  // odd block count: the x codes of the missing block are zero
      const __m512i wq = _mm512_zextsi256_si512(
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[g0 + p].qs)));
      const __m512i d =
          _mm512_dpbusd_epi32(zero, _mm512_xor_si512(wq, bias), _mm512_load_si512(xq + p * 32));
      acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(d), _mm512_permutexvar_ps(pair_index(p), s), acc0);
    }
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1)) - _mm512_reduce_add_ps(accc);
}

float gemv_row_q4_0(const Q80Layout& L, const uint8_t* w_row, const uint8_t* xp) {
  const auto* w = reinterpret_cast<const BlockQ4_0*>(w_row);
  const auto* xd = reinterpret_cast<const float*>(xp + L.codes_bytes());
  const float* xc = xd + align64(static_cast<size_t>(L.nb16) * 4) / 4;
  const __m512i low4 = _mm512_set1_epi8(0x0F), zero = _mm512_setzero_si512();
  __m512 acc = _mm512_setzero_ps(), accc = acc;
  for (int64_t g0 = 0; g0 < L.nb; g0 += 16) {
    const int cnt = static_cast<int>(L.nb - g0 < 16 ? L.nb - g0 : 16);
    const __m512 dw =
        gather_d(reinterpret_cast<const uint8_t*>(w + g0), sizeof(BlockQ4_0), mask16(cnt));
    const __m512 s = _mm512_mul_ps(dw, _mm512_load_ps(xd + g0));
    accc = _mm512_fmadd_ps(dw, _mm512_load_ps(xc + g0), accc);
    const int8_t* xq = reinterpret_cast<const int8_t*>(xp) + g0 * 32;
    for (int q = 0; q < cnt; q += 4) {
      __m512i v;
      if (q + 4 <= cnt) {
        v = _mm512_castsi128_si512(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[g0 + q].qs)));
        v = _mm512_inserti32x4(
            v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[g0 + q + 1].qs)), 1);
        v = _mm512_inserti32x4(
            v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[g0 + q + 2].qs)), 2);
        v = _mm512_inserti32x4(
            v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[g0 + q + 3].qs)), 3);
      } else {  // row tail: never read past the last block
        alignas(64) uint8_t tmp[64] = {};
        for (int i = 0; q + i < cnt; ++i) std::memcpy(tmp + 16 * i, w[g0 + q + i].qs, 16);
        v = _mm512_load_si512(tmp);
      }
      const __m512i lo = _mm512_and_si512(v, low4);
      const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), low4);
      __m512i d = _mm512_dpbusd_epi32(zero, lo, _mm512_load_si512(xq + q * 32));
      d = _mm512_dpbusd_epi32(d, hi, _mm512_load_si512(xq + q * 32 + 64));
      acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(d), _mm512_permutexvar_ps(quad_index(q), s), acc);
    }
  }
  return _mm512_reduce_add_ps(acc) - _mm512_reduce_add_ps(accc);
}

// ---- Q4_K: x layout [reordered codes nsb*256][d nsb floats][bsum pairs nsb*8 int16] ----

struct Q4KLayout {
  int64_t nsb;
  explicit Q4KLayout(int64_t n_in) : nsb(n_in / kQK_K) {}
  size_t codes_bytes() const { return static_cast<size_t>(nsb) * 256; }
  size_t d_bytes() const { return align64(static_cast<size_t>(nsb) * 4); }
  size_t bytes() const {
    return codes_bytes() + d_bytes() + align64(static_cast<size_t>(nsb) * 16);
  }
};

void prep_q4_K(int64_t n_in, const uint8_t* x_row, uint8_t* out) {
  const Q4KLayout L(n_in);
  const auto* x = reinterpret_cast<const BlockQ8_K*>(x_row);
  auto* d = reinterpret_cast<float*>(out + L.codes_bytes());
  auto* pairs = reinterpret_cast<int16_t*>(out + L.codes_bytes() + L.d_bytes());
  for (int64_t b = 0; b < L.nsb; ++b) {
    uint8_t* o = out + b * 256;
    for (int h = 0; h < 2; ++h) {
      const int8_t* q = x[b].qs + 128 * h;
      std::memcpy(o + 128 * h, q, 32);
      std::memcpy(o + 128 * h + 32, q + 64, 32);
      std::memcpy(o + 128 * h + 64, q + 32, 32);
      std::memcpy(o + 128 * h + 96, q + 96, 32);
    }
    d[b] = x[b].d;
    for (int j = 0; j < 8; ++j)
      pairs[8 * b + j] = static_cast<int16_t>(x[b].bsums[2 * j] + x[b].bsums[2 * j + 1]);
  }
}

// vpermw indices: lanes 0..15 take word a, lanes 16..31 word b.
inline __m512i word_pair_index(int a, int b) {
  const __m512i hi = _mm512_set_epi16(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
                                      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  return _mm512_add_epi16(_mm512_set1_epi16(static_cast<int16_t>(a)),
                          _mm512_mullo_epi16(hi, _mm512_set1_epi16(static_cast<int16_t>(b - a))));
}

float gemv_row_q4_K(const Q4KLayout& L, const uint8_t* w_row, const uint8_t* xp) {
  const auto* w = reinterpret_cast<const BlockQ4_K*>(w_row);
  const auto* xd = reinterpret_cast<const float*>(xp + L.codes_bytes());
  const auto* pairs = reinterpret_cast<const int16_t*>(xp + L.codes_bytes() + L.d_bytes());
  const __m512i low4 = _mm512_set1_epi8(0x0F);
  // sub-blocks [0 | 2], [1 | 3], [4 | 6], [5 | 7]
  const __m512i i02 = word_pair_index(0, 2), i13 = word_pair_index(1, 3),
                i46 = word_pair_index(4, 6), i57 = word_pair_index(5, 7);
  __m512 acc = _mm512_setzero_ps();
  __m128 accm = _mm_setzero_ps();
  for (int64_t b = 0; b < L.nsb; ++b) {
    const __m256i sm16 = _mm256_cvtepu8_epi16(q4k_unpack_scales_v(w[b].scales));
    const float dx = xd[b];
    const __m128i pm =
        _mm_madd_epi16(_mm256_extracti128_si256(sm16, 1),
                       _mm_load_si128(reinterpret_cast<const __m128i*>(pairs + 8 * b)));
    accm = _mm_fmadd_ps(_mm_cvtepi32_ps(pm), _mm_set1_ps(_cvtsh_ss(w[b].dmin) * dx), accm);
    const __m512i sc = _mm512_castsi256_si512(sm16);
    const int8_t* xq = reinterpret_cast<const int8_t*>(xp) + b * 256;
    const __m512i q0 = _mm512_loadu_si512(w[b].qs), q1 = _mm512_loadu_si512(w[b].qs + 64);
    __m512i sumi =
        _mm512_dpwssd_epi32(_mm512_setzero_si512(),
                            _mm512_maddubs_epi16(_mm512_and_si512(q0, low4), _mm512_load_si512(xq)),
                            _mm512_permutexvar_epi16(i02, sc));
    sumi =
        _mm512_dpwssd_epi32(sumi,
                            _mm512_maddubs_epi16(_mm512_and_si512(_mm512_srli_epi16(q0, 4), low4),
                                                 _mm512_load_si512(xq + 64)),
                            _mm512_permutexvar_epi16(i13, sc));
    sumi = _mm512_dpwssd_epi32(
        sumi, _mm512_maddubs_epi16(_mm512_and_si512(q1, low4), _mm512_load_si512(xq + 128)),
        _mm512_permutexvar_epi16(i46, sc));
    sumi =
        _mm512_dpwssd_epi32(sumi,
                            _mm512_maddubs_epi16(_mm512_and_si512(_mm512_srli_epi16(q1, 4), low4),
                                                 _mm512_load_si512(xq + 192)),
                            _mm512_permutexvar_epi16(i57, sc));
    acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(_cvtsh_ss(w[b].d) * dx), acc);
  }
  __m128 m = _mm_add_ps(accm, _mm_movehl_ps(accm, accm));
  m = _mm_add_ss(m, _mm_movehdup_ps(m));
  return _mm512_reduce_add_ps(acc) - _mm_cvtss_f32(m);
}

size_t prep_bytes(DType t, int64_t n_in) {
  switch (t) {
    case DType::Q8_0:
    case DType::Q4_0:
      return Q80Layout(n_in).bytes();
    case DType::Q4_K:
      return Q4KLayout(n_in).bytes();
    default:
      return 0;
  }
}

void prep(DType t, int64_t n_in, const uint8_t* x_row, uint8_t* out) {
  switch (t) {
    case DType::Q8_0:
      return prep_q8_0(n_in, x_row, out, 128.f, false);
    case DType::Q4_0:
      return prep_q8_0(n_in, x_row, out, 8.f, true);
    case DType::Q4_K:
      return prep_q4_K(n_in, x_row, out);
    default:
      return;
  }
}

void gemv(DType t, int64_t n_in, const uint8_t* w, size_t rb, int64_t n_rows, const uint8_t* xp,
          float* y) {
  switch (t) {
    case DType::Q8_0: {
      const Q80Layout L(n_in);
      rows_with_prefetch(w, rb, n_rows, y,
                         [&](const uint8_t* row) { return gemv_row_q8_0(L, row, xp); });
      return;
    }
    case DType::Q4_0: {
      const Q80Layout L(n_in);
      rows_with_prefetch(w, rb, n_rows, y,
                         [&](const uint8_t* row) { return gemv_row_q4_0(L, row, xp); });
      return;
    }
    case DType::Q4_K: {
      const Q4KLayout L(n_in);
      rows_with_prefetch(w, rb, n_rows, y,
                         [&](const uint8_t* row) { return gemv_row_q4_K(L, row, xp); });
      return;
    }
    default:
      return;
  }
}

}  // namespace

void fill_gemv(IsaKernels& k) {
  k.gemv_prep_bytes = prep_bytes;
  k.gemv_prep = prep;
  k.gemv = gemv;
}

}  // namespace mosaic::kernels::avx512
