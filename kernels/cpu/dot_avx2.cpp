// AVX2 + FMA + F16C dot products (one weight row against one activation
// row). No VNNI here: 8-bit products go through vpmaddubsw/vpmaddwd.
#include <immintrin.h>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/isa.h"
#include "kernels/cpu/simd_common.h"

namespace mosaic::kernels::avx2 {
namespace {

float dot_f32(int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const float*>(wv);
  const auto* x = static_cast<const float*>(xv);
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), a0);
    a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 8), _mm256_loadu_ps(x + i + 8), a1);
    a2 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 16), _mm256_loadu_ps(x + i + 16), a2);
    a3 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 24), _mm256_loadu_ps(x + i + 24), a3);
  }
  for (; i + 8 <= n; i += 8)
    a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), a0);
  float s = hsum_ps_256(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  for (; i < n; ++i) s += w[i] * x[i];
  return s;
}

template <bool kBf16>
inline __m256 load_half8(const uint16_t* p) {
  const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  if (kBf16) return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  return _mm256_cvtph_ps(h);
}

template <bool kBf16>
float dot_half(int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const uint16_t*>(wv);
  const auto* x = static_cast<const float*>(xv);
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 = _mm256_fmadd_ps(load_half8<kBf16>(w + i), _mm256_loadu_ps(x + i), a0);
    a1 = _mm256_fmadd_ps(load_half8<kBf16>(w + i + 8), _mm256_loadu_ps(x + i + 8), a1);
    a2 = _mm256_fmadd_ps(load_half8<kBf16>(w + i + 16), _mm256_loadu_ps(x + i + 16), a2);
    a3 = _mm256_fmadd_ps(load_half8<kBf16>(w + i + 24), _mm256_loadu_ps(x + i + 24), a3);
  }
  for (; i + 8 <= n; i += 8)
    a0 = _mm256_fmadd_ps(load_half8<kBf16>(w + i), _mm256_loadu_ps(x + i), a0);
  float s = hsum_ps_256(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  for (; i < n; ++i) s += (kBf16 ? bf16_bits_to_float(w[i]) : half_to_float(w[i])) * x[i];
  return s;
}

// sum of 32 products of signed bytes, as 8 int32 lanes. vpmaddubsw needs an
// unsigned operand: |a| with a's sign moved onto b (b is never -128).
inline __m256i dot_i8_32(__m256i a, __m256i b) {
  const __m256i p16 = _mm256_maddubs_epi16(_mm256_sign_epi8(a, a), _mm256_sign_epi8(b, a));
  return _mm256_madd_epi16(p16, _mm256_set1_epi16(1));
}

inline __m256i load256(const void* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

float dot_q8_0(int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const BlockQ8_0*>(wv);
  const auto* x = static_cast<const BlockQ8_0*>(xv);
  const int64_t nb = n / kQK8_0;
  __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0;
  int64_t b = 0;
  for (; b + 2 <= nb; b += 2) {
    const __m256i d0 = dot_i8_32(load256(w[b].qs), load256(x[b].qs));
    const __m256i d1 = dot_i8_32(load256(w[b + 1].qs), load256(x[b + 1].qs));
    const float s0 = f16c_to_float(w[b].d) * f16c_to_float(x[b].d);
    const float s1 = f16c_to_float(w[b + 1].d) * f16c_to_float(x[b + 1].d);
    acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(d0), _mm256_set1_ps(s0), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(d1), _mm256_set1_ps(s1), acc1);
  }
  if (b < nb) {
    const __m256i d0 = dot_i8_32(load256(w[b].qs), load256(x[b].qs));
    const float s0 = f16c_to_float(w[b].d) * f16c_to_float(x[b].d);
    acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(d0), _mm256_set1_ps(s0), acc0);
  }
  return hsum_ps_256(_mm256_add_ps(acc0, acc1));
}

// 32 Q4_0 codes as bytes in element order, minus 8 (signed, -8..7).
inline __m256i unpack_q4_0(const uint8_t* qs) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
  const __m128i low4 = _mm_set1_epi8(0x0F);
  const __m256i q =
      _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(v, 4), low4), _mm_and_si128(v, low4));
  return _mm256_sub_epi8(q, _mm256_set1_epi8(8));
}

float dot_q4_0(int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const BlockQ4_0*>(wv);
  const auto* x = static_cast<const BlockQ8_0*>(xv);
  const int64_t nb = n / kQK4_0;
  __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0;
  int64_t b = 0;
  for (; b + 2 <= nb; b += 2) {
    const __m256i d0 = dot_i8_32(unpack_q4_0(w[b].qs), load256(x[b].qs));
    const __m256i d1 = dot_i8_32(unpack_q4_0(w[b + 1].qs), load256(x[b + 1].qs));
    const float s0 = f16c_to_float(w[b].d) * f16c_to_float(x[b].d);
    const float s1 = f16c_to_float(w[b + 1].d) * f16c_to_float(x[b + 1].d);
    acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(d0), _mm256_set1_ps(s0), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(d1), _mm256_set1_ps(s1), acc1);
  }
  if (b < nb) {
    const __m256i d0 = dot_i8_32(unpack_q4_0(w[b].qs), load256(x[b].qs));
    const float s0 = f16c_to_float(w[b].d) * f16c_to_float(x[b].d);
    acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(d0), _mm256_set1_ps(s0), acc0);
  }
  return hsum_ps_256(_mm256_add_ps(acc0, acc1));
}

float dot_q4_K(int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const BlockQ4_K*>(wv);
  const auto* x = static_cast<const BlockQ8_K*>(xv);
  const int64_t nb = n / kQK_K;
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  __m256 acc = _mm256_setzero_ps();
  float acc_min = 0.f;
  for (int64_t b = 0; b < nb; ++b) {
    const __m128i smb = q4k_unpack_scales_v(w[b].scales);
    const float dx = x[b].d;
    // mins: sum_j m[j] * (bsums[2j] + bsums[2j+1])
    const __m256i bs = load256(x[b].bsums);
    const __m128i pair_sums =
        _mm_hadd_epi16(_mm256_castsi256_si128(bs), _mm256_extracti128_si256(bs, 1));
    const __m128i pm = _mm_madd_epi16(_mm_cvtepu8_epi16(_mm_srli_si128(smb, 8)), pair_sums);
    const __m128i pm2 = _mm_add_epi32(pm, _mm_shuffle_epi32(pm, _MM_SHUFFLE(1, 0, 3, 2)));
    const int32_t msum =
        _mm_cvtsi128_si32(_mm_add_epi32(pm2, _mm_shuffle_epi32(pm2, _MM_SHUFFLE(2, 3, 0, 1))));
    acc_min += f16c_to_float(w[b].dmin) * dx * static_cast<float>(msum);

    const __m256i sc2 = _mm256_broadcastsi128_si256(smb);
    __m256i sumi = _mm256_setzero_si256();
    for (int c = 0; c < 4; ++c) {
      const __m256i q = load256(w[b].qs + 32 * c);
      const __m256i lo = _mm256_and_si256(q, low4);
      const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
      const __m256i p0 = _mm256_maddubs_epi16(lo, load256(x[b].qs + 64 * c));
      const __m256i p1 = _mm256_maddubs_epi16(hi, load256(x[b].qs + 64 * c + 32));
      // int16 lanes all equal to sc[j]: pick byte j, zero-extend (0x80 -> 0).
      const __m256i s0 =
          _mm256_shuffle_epi8(sc2, _mm256_set1_epi16(static_cast<int16_t>(0x8000 | (2 * c))));
      const __m256i s1 =
          _mm256_shuffle_epi8(sc2, _mm256_set1_epi16(static_cast<int16_t>(0x8000 | (2 * c + 1))));
      sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p0, s0));
      sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p1, s1));
    }
    acc =
        _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi), _mm256_set1_ps(f16c_to_float(w[b].d) * dx), acc);
  }
  return hsum_ps_256(acc) - acc_min;
}

float dot_q6_K(int64_t n, const void* wv, const void* xv) {
  const auto* w = static_cast<const BlockQ6_K*>(wv);
  const auto* x = static_cast<const BlockQ8_K*>(xv);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const __m256i sumi =
        q6k_block_dot(w[b], reinterpret_cast<const uint8_t*>(x[b].qs), load256(x[b].bsums));
    acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi), _mm256_set1_ps(f16c_to_float(w[b].d) * x[b].d),
                          acc);
  }
  return hsum_ps_256(acc);
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
  k.fp32_to_fp16_row = fp32_to_fp16_row;
  k.weighted_row_sum = weighted_row_sum;
  k.softmax = softmax;
  k.swiglu = swiglu;
  k.gelu_tanh = gelu_tanh;
  k.gelu_erf = gelu_erf;
  fill_gemm(k);
  fill_gemv(k);
}

}  // namespace mosaic::kernels::avx2
