// F16C row kernels for the AVX-512 table.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/isa.h"

namespace mosaic::kernels::avx512 {

void axpy_f16(float* y, float a, const uint16_t* x, int64_t n) {
  const __m512 va = _mm512_set1_ps(a);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 xv = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i)));
    _mm512_storeu_ps(y + i, _mm512_fmadd_ps(va, xv, _mm512_loadu_ps(y + i)));
  }
  for (; i < n; ++i) y[i] += a * half_to_float(x[i]);
}

void axpy_f32(float* y, float a, const float* x, int64_t n) {
  const __m512 va = _mm512_set1_ps(a);
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 y0 = _mm512_fmadd_ps(va, _mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i));
    const __m512 y1 = _mm512_fmadd_ps(va, _mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(y + i + 16));
    _mm512_storeu_ps(y + i, y0);
    _mm512_storeu_ps(y + i + 16, y1);
  }
  for (; i + 16 <= n; i += 16) {
    _mm512_storeu_ps(y + i, _mm512_fmadd_ps(va, _mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i)));
  }
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    const __m512 r =
        _mm512_fmadd_ps(va, _mm512_maskz_loadu_ps(m, x + i), _mm512_maskz_loadu_ps(m, y + i));
    _mm512_mask_storeu_ps(y + i, m, r);
  }
}

namespace {

// Loads 16 values of row `v` from column c (masked), widening halves.
inline __m512 load_v(const void* v, bool f16, int64_t at, __mmask16 m) {
  if (f16) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, static_cast<const uint16_t*>(v) + at));
  }
  return _mm512_maskz_loadu_ps(m, static_cast<const float*>(v) + at);
}

__mmask16 tail_mask(int64_t remaining) {
  return remaining >= 16 ? static_cast<__mmask16>(0xFFFF)
                         : static_cast<__mmask16>((1u << remaining) - 1);
}

// Up to kHeads outputs x 4 vectors of 16 columns kept in registers while all
// rows stream past: each row chunk is loaded once and used kHeads times.
template <int kHeads>
void weighted_block(const float* w, int64_t w_stride, const void* v, bool f16, int64_t v_row_stride,
                    int64_t n_rows, float* out, int64_t out_stride, int64_t c0, int64_t n_cols) {
  __mmask16 m[4];
  for (int j = 0; j < 4; ++j) m[j] = c0 + 16 * j < n_cols ? tail_mask(n_cols - c0 - 16 * j) : 0;
  // Every loop over the accumulators is unrolled by pragma: one that GCC
  // leaves rolled (the stores at the end were) makes it keep acc in memory
  // and store all of it on every row.
  __m512 acc[kHeads][4];
#pragma GCC unroll 8
  for (int h = 0; h < kHeads; ++h) {
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) acc[h][j] = _mm512_setzero_ps();
  }
  for (int64_t p = 0; p < n_rows; ++p) {
    __m512 x[4];
    for (int j = 0; j < 4; ++j) x[j] = load_v(v, f16, p * v_row_stride + c0 + 16 * j, m[j]);
    for (int h = 0; h < kHeads; ++h) {
      const __m512 wv = _mm512_set1_ps(w[h * w_stride + p]);
      for (int j = 0; j < 4; ++j) acc[h][j] = _mm512_fmadd_ps(wv, x[j], acc[h][j]);
    }
  }
#pragma GCC unroll 8
  for (int h = 0; h < kHeads; ++h) {
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j)
      _mm512_mask_storeu_ps(out + h * out_stride + c0 + 16 * j, m[j], acc[h][j]);
  }
}

}  // namespace

void weighted_row_sum(const float* w, int64_t w_stride, int64_t n_out, const void* v, bool v_f16,
                      int64_t v_row_stride, int64_t n_rows, float* out, int64_t out_stride,
                      int64_t n_cols) {
  using Block = void (*)(const float*, int64_t, const void*, bool, int64_t, int64_t, float*,
                         int64_t, int64_t, int64_t);
  // Indexed by the number of outputs in the block (at most 6 in registers).
  static constexpr Block kBlocks[] = {nullptr,           weighted_block<1>, weighted_block<2>,
                                      weighted_block<3>, weighted_block<4>, weighted_block<5>,
                                      weighted_block<6>};
  for (int64_t c0 = 0; c0 < n_cols; c0 += 64) {
    for (int64_t h = 0; h < n_out; h += 6) {
      kBlocks[std::min<int64_t>(6, n_out - h)](w + h * w_stride, w_stride, v, v_f16, v_row_stride,
                                               n_rows, out + h * out_stride, out_stride, c0,
                                               n_cols);
    }
  }
}

void fp32_to_fp16_row(const float* x, uint16_t* y, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i h = _mm512_cvtps_ph(_mm512_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + i), h);
  }
  for (; i < n; ++i) y[i] = float_to_half(x[i]);
}

void dequant_f16(const void* src, float* dst, int64_t n) {
  const auto* x = static_cast<const uint16_t*>(src);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm512_storeu_ps(dst + i,
                     _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i))));
  }
  for (; i < n; ++i) dst[i] = half_to_float(x[i]);
}

// Activation quantizers. Same arithmetic as quant_ref.cpp (x * id rounded
// to nearest even by vcvtps2dq, as nearest_int does), so the bytes match.
void quantize_q8_0(const float* x, void* dst, int64_t n) {
  auto* y = static_cast<BlockQ8_0*>(dst);
  const __m512 sign = _mm512_set1_ps(-0.f);
  for (int64_t b = 0; b < n / kQK8_0; ++b, x += kQK8_0) {
    const __m512 v0 = _mm512_loadu_ps(x), v1 = _mm512_loadu_ps(x + 16);
    const float amax =
        _mm512_reduce_max_ps(_mm512_max_ps(_mm512_andnot_ps(sign, v0), _mm512_andnot_ps(sign, v1)));
    const float d = amax / 127.f;
    const float id = d != 0.f ? 1.f / d : 0.f;
    y[b].d = float_to_half(d);
    const __m512 vid = _mm512_set1_ps(id);
    const __m512i q0 = _mm512_cvtps_epi32(_mm512_mul_ps(v0, vid));
    const __m512i q1 = _mm512_cvtps_epi32(_mm512_mul_ps(v1, vid));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y[b].qs), _mm512_cvtsepi32_epi8(q0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y[b].qs + 16), _mm512_cvtsepi32_epi8(q1));
  }
}

void quantize_q8_K(const float* x, void* dst, int64_t n) {
  auto* y = static_cast<BlockQ8_K*>(dst);
  const __m512 sign = _mm512_set1_ps(-0.f);
  for (int64_t b = 0; b < n / kQK_K; ++b, x += kQK_K) {
    __m512 m = _mm512_setzero_ps();
    for (int i = 0; i < kQK_K; i += 16)
      m = _mm512_max_ps(m, _mm512_andnot_ps(sign, _mm512_loadu_ps(x + i)));
    const float amax = _mm512_reduce_max_ps(m);
    if (amax == 0.f) {
      std::memset(&y[b], 0, sizeof(BlockQ8_K));
      continue;
    }
    const float iscale = 127.f / amax;
    const __m512 vs = _mm512_set1_ps(iscale);
    const __m512i lim = _mm512_set1_epi32(127);
    for (int g = 0; g < 16; ++g) {
      __m512i q = _mm512_cvtps_epi32(_mm512_mul_ps(vs, _mm512_loadu_ps(x + 16 * g)));
      q = _mm512_max_epi32(_mm512_min_epi32(q, lim), _mm512_sub_epi32(_mm512_setzero_si512(), lim));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(y[b].qs + 16 * g), _mm512_cvtepi32_epi8(q));
      y[b].bsums[g] = static_cast<int16_t>(_mm512_reduce_add_epi32(q));
    }
    y[b].d = 1.f / iscale;
  }
}

}  // namespace mosaic::kernels::avx512

// ---- exp and the functions built on it -------------------------------------

namespace mosaic::kernels::avx512 {
namespace {

// e^x for 16 floats: x = n ln2 + r with |r| <= ln2/2, e^r by its Taylor
// series to r^7 (truncation below 6e-9 relative), scaled by 2^n with scalef
// (which also underflows to 0 and overflows to inf cleanly). NaN stays NaN:
// min/max return their second operand when one is NaN, so x goes second.
inline __m512 exp_ps(__m512 x) {
  const __m512 log2e = _mm512_set1_ps(1.44269504088896341f);
  const __m512 ln2_hi = _mm512_set1_ps(0.693359375f);
  const __m512 ln2_lo = _mm512_set1_ps(-2.12194440e-4f);
  x = _mm512_max_ps(_mm512_set1_ps(-104.0f), _mm512_min_ps(_mm512_set1_ps(88.8f), x));
  const __m512 n =
      _mm512_roundscale_ps(_mm512_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, ln2_hi, x);
  r = _mm512_fnmadd_ps(n, ln2_lo, r);
  __m512 p = _mm512_set1_ps(1.0f / 5040.0f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

// erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): with t = 1/(1 + p|x|),
// erf(|x|) = 1 - t(a1 + t(a2 + t(a3 + t(a4 + t a5)))) e^(-x^2), sign restored.
inline __m512 erf_ps(__m512 x) {
  const __m512 ax = _mm512_abs_ps(x);
  const __m512 t = _mm512_div_ps(
      _mm512_set1_ps(1.0f), _mm512_fmadd_ps(_mm512_set1_ps(0.3275911f), ax, _mm512_set1_ps(1.0f)));
  __m512 poly = _mm512_set1_ps(1.061405429f);
  poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(-1.453152027f));
  poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(1.421413741f));
  poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(-0.284496736f));
  poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(0.254829592f));
  poly = _mm512_mul_ps(poly, t);
  const __m512 e = exp_ps(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_mul_ps(ax, ax)));
  const __m512 y = _mm512_fnmadd_ps(poly, e, _mm512_set1_ps(1.0f));
  // Copy x's sign onto y (y >= 0).
  return _mm512_or_ps(y, _mm512_and_ps(x, _mm512_set1_ps(-0.0f)));
}

inline __mmask16 tail16(int64_t remaining) {
  return remaining >= 16 ? static_cast<__mmask16>(0xFFFF)
                         : static_cast<__mmask16>((1u << remaining) - 1);
}

// Applies f to n floats of x in place, 16 at a time (masked tail).
template <typename F>
inline void map_in_place(float* x, int64_t n, F f) {
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = tail16(n - i);
    _mm512_mask_storeu_ps(x + i, m, f(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

}  // namespace

void softmax(float* x, int64_t n) {
  __m512 vmax = _mm512_set1_ps(-INFINITY);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = tail16(n - i);
    vmax = _mm512_mask_max_ps(vmax, m, vmax, _mm512_maskz_loadu_ps(m, x + i));
  }
  const float mx = _mm512_reduce_max_ps(vmax);
  const __m512 vmx = _mm512_set1_ps(mx);
  __m512 vsum = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = tail16(n - i);
    const __m512 e = exp_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), vmx));
    _mm512_mask_storeu_ps(x + i, m, e);
    vsum = _mm512_mask_add_ps(vsum, m, vsum, e);
  }
  const __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(vsum));
  map_in_place(x, n, [&](__m512 v) { return _mm512_mul_ps(v, inv); });
}

void swiglu(const float* gate, const float* up, float* out, int64_t n) {
  const __m512 one = _mm512_set1_ps(1.0f);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = tail16(n - i);
    const __m512 g = _mm512_maskz_loadu_ps(m, gate + i);
    const __m512 sig =
        _mm512_div_ps(one, _mm512_add_ps(one, exp_ps(_mm512_sub_ps(_mm512_setzero_ps(), g))));
    _mm512_mask_storeu_ps(out + i, m,
                          _mm512_mul_ps(_mm512_mul_ps(g, sig), _mm512_maskz_loadu_ps(m, up + i)));
  }
}

void gelu_tanh(float* x, int64_t n) {
  // 0.5x(1 + tanh(u)) = x / (1 + e^(-2u)), u = sqrt(2/pi)(x + 0.044715x^3).
  const __m512 c = _mm512_set1_ps(-2.0f * 0.7978845608028654f), k = _mm512_set1_ps(0.044715f);
  const __m512 one = _mm512_set1_ps(1.0f);
  map_in_place(x, n, [&](__m512 v) {
    const __m512 inner = _mm512_fmadd_ps(_mm512_mul_ps(k, v), _mm512_mul_ps(v, v), v);
    return _mm512_div_ps(v, _mm512_add_ps(one, exp_ps(_mm512_mul_ps(c, inner))));
  });
}

void gelu_erf(float* x, int64_t n) {
  const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f);
  const __m512 inv_sqrt2 = _mm512_set1_ps(0.70710678118654752f);
  map_in_place(x, n, [&](__m512 v) {
    return _mm512_mul_ps(_mm512_mul_ps(half, v),
                         _mm512_add_ps(one, erf_ps(_mm512_mul_ps(v, inv_sqrt2))));
  });
}

}  // namespace mosaic::kernels::avx512
