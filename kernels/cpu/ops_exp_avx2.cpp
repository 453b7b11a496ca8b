// AVX2 + FMA element-wise functions built on exp (softmax, SwiGLU, tanh and
// erf GELU) and the attention's weighted sum of value rows. Same algorithms
// as the AVX-512 table (ops_avx512.cpp), eight lanes at a time; tails go
// through masked loads and stores so nothing past n is read or written.
#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "kernels/cpu/isa.h"
#include "kernels/cpu/simd_common.h"

namespace mosaic::kernels::avx2 {
namespace {

// All lanes below `remaining` set (as maskload/maskstore want: the sign bit).
inline __m256i tail8(int64_t remaining) {
  const int k = static_cast<int>(std::min<int64_t>(remaining, 8));
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// e^x for 8 floats: x = n ln2 + r with |r| <= ln2/2, e^r by its Taylor series
// to r^7, times 2^n. There is no scalef here, so 2^n is built in the exponent
// bits as two factors 2^(n/2) and 2^(n - n/2), each a normal float over the
// whole clamped range: results below FLT_MIN underflow gradually to 0 and
// those above FLT_MAX become inf, as with the library exp. NaN stays NaN:
// min/max return their second operand when one is NaN, so x goes second.
inline __m256 exp_ps(__m256 x) {
  const __m256 log2e = _mm256_set1_ps(1.44269504088896341f);
  const __m256 ln2_hi = _mm256_set1_ps(0.693359375f);
  const __m256 ln2_lo = _mm256_set1_ps(-2.12194440e-4f);
  x = _mm256_max_ps(_mm256_set1_ps(-104.0f), _mm256_min_ps(_mm256_set1_ps(88.8f), x));
  const __m256 n =
      _mm256_round_ps(_mm256_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, ln2_hi, x);
  r = _mm256_fnmadd_ps(n, ln2_lo, r);
  __m256 p = _mm256_set1_ps(1.0f / 5040.0f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  const __m256i ni = _mm256_cvtps_epi32(n);
  const __m256i n1 = _mm256_srai_epi32(ni, 1), n2 = _mm256_sub_epi32(ni, n1);
  const __m256i bias = _mm256_set1_epi32(127);
  const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
  const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
  return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

// erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), as in ops_avx512.cpp.
inline __m256 erf_ps(__m256 x) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256 ax = _mm256_andnot_ps(sign, x);
  const __m256 t = _mm256_div_ps(
      _mm256_set1_ps(1.0f), _mm256_fmadd_ps(_mm256_set1_ps(0.3275911f), ax, _mm256_set1_ps(1.0f)));
  __m256 poly = _mm256_set1_ps(1.061405429f);
  poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(-1.453152027f));
  poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(1.421413741f));
  poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(-0.284496736f));
  poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(0.254829592f));
  poly = _mm256_mul_ps(poly, t);
  const __m256 e = exp_ps(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(ax, ax)));
  const __m256 y = _mm256_fnmadd_ps(poly, e, _mm256_set1_ps(1.0f));
  return _mm256_or_ps(y, _mm256_and_ps(x, sign));
}

// Applies f to n floats of x in place, 8 at a time (masked tail).
template <typename F>
inline void map_in_place(float* x, int64_t n, F f) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, f(_mm256_loadu_ps(x + i)));
  if (i < n) {
    const __m256i m = tail8(n - i);
    _mm256_maskstore_ps(x + i, m, f(_mm256_maskload_ps(x + i, m)));
  }
}

inline float hmax_ps_256(__m256 v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_movehdup_ps(m));
  return _mm_cvtss_f32(m);
}

}  // namespace

void softmax(float* x, int64_t n) {
  __m256 vmax = _mm256_set1_ps(-INFINITY);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) vmax = _mm256_max_ps(vmax, _mm256_loadu_ps(x + i));
  float mx = hmax_ps_256(vmax);
  for (; i < n; ++i) mx = std::max(mx, x[i]);
  const __m256 vmx = _mm256_set1_ps(mx);
  __m256 vsum = _mm256_setzero_ps();
  for (i = 0; i + 8 <= n; i += 8) {
    const __m256 e = exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), vmx));
    _mm256_storeu_ps(x + i, e);
    vsum = _mm256_add_ps(vsum, e);
  }
  if (i < n) {
    const __m256i m = tail8(n - i);
    const __m256 e = _mm256_and_ps(exp_ps(_mm256_sub_ps(_mm256_maskload_ps(x + i, m), vmx)),
                                   _mm256_castsi256_ps(m));
    _mm256_maskstore_ps(x + i, m, e);
    vsum = _mm256_add_ps(vsum, e);
  }
  const __m256 inv = _mm256_set1_ps(1.0f / hsum_ps_256(vsum));
  map_in_place(x, n, [&](__m256 v) { return _mm256_mul_ps(v, inv); });
}

void swiglu(const float* gate, const float* up, float* out, int64_t n) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const auto f = [&](__m256 g, __m256 u) {
    const __m256 sig =
        _mm256_div_ps(one, _mm256_add_ps(one, exp_ps(_mm256_sub_ps(_mm256_setzero_ps(), g))));
    return _mm256_mul_ps(_mm256_mul_ps(g, sig), u);
  };
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(out + i, f(_mm256_loadu_ps(gate + i), _mm256_loadu_ps(up + i)));
  }
  if (i < n) {
    const __m256i m = tail8(n - i);
    _mm256_maskstore_ps(out + i, m,
                        f(_mm256_maskload_ps(gate + i, m), _mm256_maskload_ps(up + i, m)));
  }
}

void gelu_tanh(float* x, int64_t n) {
  // 0.5x(1 + tanh(u)) = x / (1 + e^(-2u)), u = sqrt(2/pi)(x + 0.044715x^3).
  const __m256 c = _mm256_set1_ps(-2.0f * 0.7978845608028654f), k = _mm256_set1_ps(0.044715f);
  const __m256 one = _mm256_set1_ps(1.0f);
  map_in_place(x, n, [&](__m256 v) {
    const __m256 inner = _mm256_fmadd_ps(_mm256_mul_ps(k, v), _mm256_mul_ps(v, v), v);
    return _mm256_div_ps(v, _mm256_add_ps(one, exp_ps(_mm256_mul_ps(c, inner))));
  });
}

void gelu_erf(float* x, int64_t n) {
  const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
  const __m256 inv_sqrt2 = _mm256_set1_ps(0.70710678118654752f);
  map_in_place(x, n, [&](__m256 v) {
    return _mm256_mul_ps(_mm256_mul_ps(half, v),
                         _mm256_add_ps(one, erf_ps(_mm256_mul_ps(v, inv_sqrt2))));
  });
}

// ---- attention: out[h] = sum_p w[h][p] * v[p] ------------------------------

namespace {

inline __m256 load_v(const void* v, bool f16, int64_t at, __m256i m, bool full) {
  if (f16) {
    const uint16_t* p = static_cast<const uint16_t*>(v) + at;
    if (full) return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    alignas(16) uint16_t tmp[8] = {};
    const int k = _mm256_movemask_ps(_mm256_castsi256_ps(m));
    for (int i = 0; i < 8; ++i)
      if (k & (1 << i)) tmp[i] = p[i];
    return _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(tmp)));
  }
  const float* p = static_cast<const float*>(v) + at;
  return full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, m);
}

// Up to kHeads outputs x 4 vectors of 8 columns kept in registers (12
// accumulators, 3 broadcast weights and the loaded chunk: all 16 registers) while all rows stream
// past: each row chunk is loaded once and used kHeads times.
template <int kHeads>
void weighted_block(const float* w, int64_t w_stride, const void* v, bool f16, int64_t v_row_stride,
                    int64_t n_rows, float* out, int64_t out_stride, int64_t c0, int64_t n_cols) {
  __m256i m[4];
  bool full[4];
  int n_vec = 0;
  for (int j = 0; j < 4; ++j) {
    const int64_t left = n_cols - c0 - 8 * j;
    m[j] = tail8(std::max<int64_t>(left, 0));
    full[j] = left >= 8;
    if (left > 0) n_vec = j + 1;
  }
  __m256 acc[kHeads][4];
  for (int h = 0; h < kHeads; ++h)
    for (int j = 0; j < 4; ++j) acc[h][j] = _mm256_setzero_ps();
  for (int64_t p = 0; p < n_rows; ++p) {
    __m256 wv[kHeads];
    for (int h = 0; h < kHeads; ++h) wv[h] = _mm256_broadcast_ss(w + h * w_stride + p);
    for (int j = 0; j < n_vec; ++j) {
      const __m256 x = load_v(v, f16, p * v_row_stride + c0 + 8 * j, m[j], full[j]);
      for (int h = 0; h < kHeads; ++h) acc[h][j] = _mm256_fmadd_ps(wv[h], x, acc[h][j]);
    }
  }
  for (int h = 0; h < kHeads; ++h) {
    for (int j = 0; j < n_vec; ++j) {
      float* o = out + h * out_stride + c0 + 8 * j;
      if (full[j]) {
        _mm256_storeu_ps(o, acc[h][j]);
      } else {
        _mm256_maskstore_ps(o, m[j], acc[h][j]);
      }
    }
  }
}

template <bool kF16>
inline __m256 load_v8(const void* v, int64_t at) {
  if constexpr (kF16) {
    return _mm256_cvtph_ps(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(v) + at)));
  } else {
    return _mm256_loadu_ps(static_cast<const float*>(v) + at);
  }
}

// The common case, 32 whole columns: every loop bound is a constant, so the
// kHeads x 4 accumulators stay in registers. (weighted_block's runtime column
// count made GCC keep them on the stack: a load and a store around every
// FMA, 4.7 MACs per cycle instead of ~14.)
template <int kHeads, bool kF16>
void weighted_block_32(const float* w, int64_t w_stride, const void* v, int64_t v_row_stride,
                       int64_t n_rows, float* out, int64_t out_stride, int64_t c0) {
  __m256 acc[kHeads][4];
#pragma GCC unroll 4
  for (int h = 0; h < kHeads; ++h)
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) acc[h][j] = _mm256_setzero_ps();
  for (int64_t p = 0; p < n_rows; ++p) {
    __m256 wv[kHeads];
#pragma GCC unroll 4
    for (int h = 0; h < kHeads; ++h) wv[h] = _mm256_broadcast_ss(w + h * w_stride + p);
    const int64_t at = p * v_row_stride + c0;
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      const __m256 x = load_v8<kF16>(v, at + 8 * j);
#pragma GCC unroll 4
      for (int h = 0; h < kHeads; ++h) {
        acc[h][j] = _mm256_fmadd_ps(wv[h], x, acc[h][j]);
      }
    }
  }
#pragma GCC unroll 4
  for (int h = 0; h < kHeads; ++h)
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) _mm256_storeu_ps(out + h * out_stride + c0 + 8 * j, acc[h][j]);
}

using Block32 = void (*)(const float*, int64_t, const void*, int64_t, int64_t, float*, int64_t,
                         int64_t);
template <bool kF16>
constexpr Block32 kBlocks32[] = {nullptr, weighted_block_32<1, kF16>, weighted_block_32<2, kF16>,
                                 weighted_block_32<3, kF16>};

}  // namespace

void weighted_row_sum(const float* w, int64_t w_stride, int64_t n_out, const void* v, bool v_f16,
                      int64_t v_row_stride, int64_t n_rows, float* out, int64_t out_stride,
                      int64_t n_cols) {
  using Block = void (*)(const float*, int64_t, const void*, bool, int64_t, int64_t, float*,
                         int64_t, int64_t, int64_t);
  static constexpr Block kBlocks[] = {nullptr, weighted_block<1>, weighted_block<2>,
                                      weighted_block<3>};
  for (int64_t c0 = 0; c0 < n_cols; c0 += 32) {
    for (int64_t h = 0; h < n_out; h += 3) {
      const int64_t heads = std::min<int64_t>(3, n_out - h);
      if (c0 + 32 <= n_cols) {
        (v_f16 ? kBlocks32<true> : kBlocks32<false>)[heads](w + h * w_stride, w_stride, v,
                                                            v_row_stride, n_rows,
                                                            out + h * out_stride, out_stride, c0);
        continue;
      }
      kBlocks[std::min<int64_t>(3, n_out - h)](w + h * w_stride, w_stride, v, v_f16, v_row_stride,
                                               n_rows, out + h * out_stride, out_stride, c0,
                                               n_cols);
    }
  }
}

}  // namespace mosaic::kernels::avx2
