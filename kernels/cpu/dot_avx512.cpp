// AVX-512 (F, BW, VL, DQ, VNNI) dot products for one weight row against one
// activation row: the decode path, where each weight byte is used once and
// the job is to keep up with memory bandwidth.
#include <immintrin.h>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/isa.h"
#include "kernels/cpu/simd_common.h"

namespace mosaic::kernels::avx512 {
namespace {

inline __mmask16 tail_mask16(int64_t left) {
  return left >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
}

float dot_f32(int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const float*>(wv);
  const auto* x = static_cast<const float*>(xv);
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = _mm512_fmadd_ps(_mm512_loadu_ps(w + i), _mm512_loadu_ps(x + i), a0);
    a1 = _mm512_fmadd_ps(_mm512_loadu_ps(w + i + 16), _mm512_loadu_ps(x + i + 16), a1);
    a2 = _mm512_fmadd_ps(_mm512_loadu_ps(w + i + 32), _mm512_loadu_ps(x + i + 32), a2);
    a3 = _mm512_fmadd_ps(_mm512_loadu_ps(w + i + 48), _mm512_loadu_ps(x + i + 48), a3);
  }
  for (; i < n; i += 16) {
    const __mmask16 m = tail_mask16(n - i);
    a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w + i), _mm512_maskz_loadu_ps(m, x + i), a0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
}

inline __m512 load_f16(const uint16_t* p) {
  return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
inline __m512 load_bf16(const uint16_t* p) {
  const __m512i v = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  return _mm512_castsi512_ps(_mm512_slli_epi32(v, 16));
}

template <bool kBf16>
float dot_half(int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const uint16_t*>(wv);
  const auto* x = static_cast<const float*>(xv);
  auto load = [](const uint16_t* p) { return kBf16 ? load_bf16(p) : load_f16(p); };
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = _mm512_fmadd_ps(load(w + i), _mm512_loadu_ps(x + i), a0);
    a1 = _mm512_fmadd_ps(load(w + i + 16), _mm512_loadu_ps(x + i + 16), a1);
    a2 = _mm512_fmadd_ps(load(w + i + 32), _mm512_loadu_ps(x + i + 32), a2);
    a3 = _mm512_fmadd_ps(load(w + i + 48), _mm512_loadu_ps(x + i + 48), a3);
  }
  for (; i < n; i += 16) {
    const __mmask16 m = tail_mask16(n - i);
    const __m256i h = _mm256_maskz_loadu_epi16(m, w + i);
    const __m512 wf = kBf16 ? _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16))
                            : _mm512_cvtph_ps(h);
    a0 = _mm512_fmadd_ps(wf, _mm512_maskz_loadu_ps(m, x + i), a0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
}

// Products of d(w) * d(x) for up to 16 consecutive 32-element blocks: one
// gather per operand instead of 32 scalar fp16 conversions.
template <typename BW, typename BX>
inline __m512 block_scales(const BW* w, const BX* x, __mmask16 m) {
  const __m512i step_w =
      _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                         _mm512_set1_epi32(static_cast<int>(sizeof(BW))));
  const __m512i step_x =
      _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                         _mm512_set1_epi32(static_cast<int>(sizeof(BX))));
  // Each gathered dword starts with the block's fp16 d; vpmovdw keeps it.
  const __m512i gw = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, step_w, w, 1);
  const __m512i gx = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, step_x, x, 1);
  return _mm512_mul_ps(_mm512_cvtph_ps(_mm512_cvtepi32_epi16(gw)),
                       _mm512_cvtph_ps(_mm512_cvtepi32_epi16(gx)));
}

// 32 int8 of two consecutive blocks in one register (the second may be
// absent at the end of a row).
inline __m512i load_pair(const int8_t* a, const int8_t* b) {
  const __m512i lo =
      _mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a)));
  if (!b) return _mm512_zextsi256_si512(_mm512_castsi512_si256(lo));
  return _mm512_inserti64x4(lo, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b)), 1);
}

// Lanes 0..7 take scale p, lanes 8..15 scale p + 1.
inline __m512i pair_index(int p) {
  return _mm512_add_epi32(_mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1),
                          _mm512_set1_epi32(p));
}

float dot_q8_0(int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const BlockQ8_0*>(wv);
  const auto* x = static_cast<const BlockQ8_0*>(xv);
  const int64_t nb = n / kQK8_0;
  __m512 acc0 = _mm512_setzero_ps(), acc1 = acc0;
  const __m512i zero = _mm512_setzero_si512();
  for (int64_t b0 = 0; b0 < nb; b0 += 16) {
    const int cnt = static_cast<int>(nb - b0 < 16 ? nb - b0 : 16);
    const __m512 s = block_scales(w + b0, x + b0, tail_mask16(cnt));
    for (int p = 0; p < cnt; p += 2) {
      const bool two = p + 1 < cnt;
      const __m512i wq = load_pair(w[b0 + p].qs, two ? w[b0 + p + 1].qs : nullptr);
      const __m512i xq = load_pair(x[b0 + p].qs, two ? x[b0 + p + 1].qs : nullptr);
      // vpdpbusd wants one unsigned operand: use |w| and move w's sign onto x
      // (x is never -128, the quantizer keeps it in [-127, 127]).
      const __mmask64 neg = _mm512_movepi8_mask(wq);
      const __m512i sx = _mm512_mask_sub_epi8(xq, neg, zero, xq);
      const __m512i dot = _mm512_dpbusd_epi32(zero, _mm512_abs_epi8(wq), sx);
      const __m512 sp = _mm512_permutexvar_ps(pair_index(p), s);
      if (p & 2) {
        acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), sp, acc1);
      } else {
        acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), sp, acc0);
      }
    }
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

float dot_q4_0(int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const BlockQ4_0*>(wv);
  const auto* x = static_cast<const BlockQ8_0*>(xv);
  const int64_t nb = n / kQK4_0;
  __m512 acc0 = _mm512_setzero_ps(), acc1 = acc0;
  const __m512i zero = _mm512_setzero_si512();
  const __m512i low4 = _mm512_set1_epi8(0x0F);
  const __m512i eight = _mm512_set1_epi8(8);
  // Per 16-byte lane: [block p low nibbles, block p high, block p+1 low, high].
  const __m512i shifts = _mm512_setr_epi64(0, 0, 4, 4, 0, 0, 4, 4);
  for (int64_t b0 = 0; b0 < nb; b0 += 16) {
    const int cnt = static_cast<int>(nb - b0 < 16 ? nb - b0 : 16);
    const __m512 s = block_scales(w + b0, x + b0, tail_mask16(cnt));
    for (int p = 0; p < cnt; p += 2) {
      const bool two = p + 1 < cnt;
      const __m128i q0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b0 + p].qs));
      const __m128i q1 = two ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b0 + p + 1].qs))
                             : _mm_setzero_si128();
      const __m512i q01 = _mm512_castsi256_si512(_mm256_set_m128i(q1, q0));
      const __m512i qq = _mm512_and_si512(
          _mm512_srlv_epi64(_mm512_shuffle_i64x2(q01, q01, _MM_SHUFFLE(1, 1, 0, 0)), shifts), low4);
      const __m512i xq = load_pair(x[b0 + p].qs, two ? x[b0 + p + 1].qs : nullptr);
      // sum (q - 8) * x = sum q * x - 8 * sum x, both with unsigned first operand.
      __m512i dot = _mm512_dpbusd_epi32(zero, qq, xq);
      dot = _mm512_sub_epi32(dot, _mm512_dpbusd_epi32(zero, eight, xq));
      const __m512 sp = _mm512_permutexvar_ps(pair_index(p), s);
      if (p & 2) {
        acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), sp, acc1);
      } else {
        acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), sp, acc0);
      }
    }
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

// Index vectors for vpermw: lanes 0..15 take word 2c, lanes 16..31 word 2c+1.
inline __m512i q4k_scale_index(int c) {
  return _mm512_add_epi16(_mm512_set_epi16(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0,
                                           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                          _mm512_set1_epi16(static_cast<int16_t>(2 * c)));
}

float dot_q4_K(int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const BlockQ4_K*>(wv);
  const auto* x = static_cast<const BlockQ8_K*>(xv);
  const int64_t nb = n / kQK_K;
  const __m512i low4 = _mm512_set1_epi8(0x0F);
  // One 32-byte chunk of qs broadcast to both halves: shift the upper half by
  // 4 to get the high nibbles (the next 32 elements).
  const __m512i shifts = _mm512_setr_epi64(0, 0, 0, 0, 4, 4, 4, 4);
  const __m512i idx0 = q4k_scale_index(0), idx1 = q4k_scale_index(1), idx2 = q4k_scale_index(2),
                idx3 = q4k_scale_index(3);
  // [m0, m0, m1, m1, ...]: mins are words 8..15 of the unpacked scales.
  const __m256i min_dup =
      _mm256_setr_epi16(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15);
  __m512 acc = _mm512_setzero_ps();
  __m256 acc_min = _mm256_setzero_ps();
  for (int64_t b = 0; b < nb; ++b) {
    const __m256i sm16 = _mm256_cvtepu8_epi16(q4k_unpack_scales_v(w[b].scales));
    const __m256i bsums = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].bsums));
    const __m256i pm = _mm256_madd_epi16(bsums, _mm256_permutexvar_epi16(min_dup, sm16));
    const float dx = x[b].d;
    acc_min = _mm256_fmadd_ps(_mm256_cvtepi32_ps(pm), _mm256_set1_ps(f16c_to_float(w[b].dmin) * dx),
                              acc_min);
    const __m512i sc = _mm512_castsi256_si512(sm16);
    __m512i sumi = _mm512_setzero_si512();
    const uint8_t* qs = w[b].qs;
    const int8_t* xq = x[b].qs;
#define MOSAIC_Q4K_CHUNK(c, idx)                                                                  \
  {                                                                                               \
    const __m512i q =                                                                             \
        _mm512_and_si512(_mm512_srlv_epi64(_mm512_broadcast_i64x4(_mm256_loadu_si256(             \
                                               reinterpret_cast<const __m256i*>(qs + 32 * (c)))), \
                                           shifts),                                               \
                         low4);                                                                   \
    const __m512i p = _mm512_maddubs_epi16(q, _mm512_loadu_si512(xq + 64 * (c)));                 \
    sumi = _mm512_dpwssd_epi32(sumi, p, _mm512_permutexvar_epi16(idx, sc));                       \
  }
    MOSAIC_Q4K_CHUNK(0, idx0)
    MOSAIC_Q4K_CHUNK(1, idx1)
    MOSAIC_Q4K_CHUNK(2, idx2)
    MOSAIC_Q4K_CHUNK(3, idx3)
#undef MOSAIC_Q4K_CHUNK
    acc =
        _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(f16c_to_float(w[b].d) * dx), acc);
  }
  return _mm512_reduce_add_ps(acc) - hsum_ps_256(acc_min);
}

// Index vectors for vpermw: lane l takes scale 4 * part + l / 8.
inline __m512i q6k_scale_index(int part) {
  return _mm512_add_epi16(
      _mm512_srli_epi16(_mm512_set_epi16(31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
                                         16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                        3),
      _mm512_set1_epi16(static_cast<int16_t>(4 * part)));
}

float dot_q6_K(int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const BlockQ6_K*>(wv);
  const auto* x = static_cast<const BlockQ8_K*>(xv);
  const int64_t nb = n / kQK_K;
  const __m512i low4 = _mm512_set1_epi8(0x0F);
  const __m512i bits45 = _mm512_set1_epi8(0x30);
  // qh is broadcast to both 256-bit halves. Elements 0..31 of a half take qh
  // bits 0-1, 32..63 bits 2-3, 64..95 bits 4-5, 96..127 bits 6-7; move each
  // pair to bits 4-5.
  const __m512i shl_a = _mm512_setr_epi64(4, 4, 4, 4, 2, 2, 2, 2);
  const __m512i shr_b = _mm512_setr_epi64(0, 0, 0, 0, 2, 2, 2, 2);
  const __m512i idx0 = q6k_scale_index(0), idx1 = q6k_scale_index(1), idx2 = q6k_scale_index(2),
                idx3 = q6k_scale_index(3);
  __m512 acc = _mm512_setzero_ps();
  for (int64_t b = 0; b < nb; ++b) {
    const __m256i sc16 =
        _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].scales)));
    // The codes are stored +32: subtract 32 * sum(sc * bsum) at the end.
    const __m256i off =
        _mm256_madd_epi16(sc16, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].bsums)));
    const __m512i sc = _mm512_castsi256_si512(sc16);
    __m512i sumi = _mm512_setzero_si512();
    for (int h = 0; h < 2; ++h) {
      const __m512i ql = _mm512_loadu_si512(w[b].ql + 64 * h);
      const __m512i qh = _mm512_broadcast_i64x4(
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b].qh + 32 * h)));
      const __m512i qa = _mm512_or_si512(_mm512_and_si512(ql, low4),
                                         _mm512_and_si512(_mm512_sllv_epi64(qh, shl_a), bits45));
      const __m512i qb = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), low4),
                                         _mm512_and_si512(_mm512_srlv_epi64(qh, shr_b), bits45));
      const int8_t* xq = x[b].qs + 128 * h;
      sumi = _mm512_dpwssd_epi32(sumi, _mm512_maddubs_epi16(qa, _mm512_loadu_si512(xq)),
                                 _mm512_permutexvar_epi16(h ? idx2 : idx0, sc));
      sumi = _mm512_dpwssd_epi32(sumi, _mm512_maddubs_epi16(qb, _mm512_loadu_si512(xq + 64)),
                                 _mm512_permutexvar_epi16(h ? idx3 : idx1, sc));
    }
    sumi = _mm512_sub_epi32(sumi, _mm512_zextsi256_si512(_mm256_slli_epi32(off, 5)));
    acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(f16c_to_float(w[b].d) * x[b].d),
                          acc);
  }
  return _mm512_reduce_add_ps(acc);
}

}  // namespace

void fill_kernels(IsaKernels& k) {
  k.dot[slot(DType::F32)] = dot_f32;
  k.dot[slot(DType::F16)] = dot_half<false>;
  k.dot[slot(DType::BF16)] = dot_half<true>;
  k.dot[slot(DType::Q8_0)] = dot_q8_0;
  k.dot[slot(DType::Q4_0)] = dot_q4_0;
  k.dot[slot(DType::Q4_K)] = dot_q4_K;
  k.dot[slot(DType::Q6_K)] = dot_q6_K;
  k.dequant[slot(DType::F16)] = dequant_f16;
  k.quantize[slot(DType::Q8_0)] = quantize_q8_0;
  k.quantize[slot(DType::Q8_K)] = quantize_q8_K;
  k.axpy_f16 = axpy_f16;
  k.axpy = axpy_f32;
  k.weighted_row_sum = weighted_row_sum;
  k.fp32_to_fp16_row = fp32_to_fp16_row;
  k.softmax = softmax;
  k.swiglu = swiglu;
  k.gelu_tanh = gelu_tanh;
  k.gelu_erf = gelu_erf;
  fill_gemm(k);
  fill_gemv(k);
}

}  // namespace mosaic::kernels::avx512
