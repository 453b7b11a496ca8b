// AVX-512 blocked matrix kernels for many tokens (prefill, busy experts).
//
// Layout: "rows in lanes". A work item is a block of output rows and a set
// of tokens. Per K chunk its weights are repacked once into panels of 16*NR
// rows where one 64-byte vector holds the same 4 consecutive inputs of 16
// different rows; the micro-kernel keeps NR x T accumulators in registers
// (16*NR rows x T tokens), loads each panel vector once per T tokens and
// broadcasts 4 activation bytes (or 1 float) per token, read in place from
// the activation rows:
//
//   quantized weights: vpdpbusd(int32 acc, u8 codes of 16 rows, 4 x s8 of
//     one token) over one sub-block (16 or 32 inputs), then one scale step
//     in float: acc += float(int) * d_x(token) * d_w(row) [- min terms].
//   float weights: vfmadd(acc, 16 rows of W[k], broadcast x[t][k]).
//
// The outputs of one register are 16 different rows of one token, so no
// horizontal sums are needed and results store straight into y[t].
//
// Codes are made unsigned for vpdpbusd and the offset is folded into the
// integer accumulator's start value, which depends only on the token and is
// computed once per call with the activation scales (gemm_prep):
//   Q8_0: w + 128, start -128 * sum(x)    Q4_0: nibble q, start -8 * sum(x)
//   Q6_K: q (0..63), start -32 * bsum     Q4_K: nibble q, mins in float.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/isa.h"
#include "kernels/cpu/simd_common.h"

namespace mosaic::kernels::avx512 {
namespace {

constexpr int kNrQuant = 2;  // 32 rows per block
constexpr int kTQuant = 6;   // tokens per micro-tile
constexpr int kNrFloat = 4;  // 64 rows per block
constexpr int kTFloat = 6;
constexpr int64_t kQuantKc = 2048;  // inputs per K chunk (panel ~70 KB: stays in L2)
constexpr int64_t kFloatKc = 512;   // (panel 128 KB)
constexpr int kGemmRows = 64;       // rows per work item (multiple of both block heights)

inline size_t align64(size_t n) { return (n + 63) & ~size_t{63}; }

inline int32_t load_i32(const void* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// In-place transpose of a 16 x 16 matrix of 32-bit elements held in r[0..15]
// (r[i] lane j -> r[j] lane i): 64 shuffles.
inline void transpose16(__m512i r[16]) {
  __m512i a[16], b[16];
  for (int i = 0; i < 16; i += 2) {
    a[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
    a[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    b[i + 0] = _mm512_unpacklo_epi64(a[i], a[i + 2]);
    b[i + 1] = _mm512_unpackhi_epi64(a[i], a[i + 2]);
    b[i + 2] = _mm512_unpacklo_epi64(a[i + 1], a[i + 3]);
    b[i + 3] = _mm512_unpackhi_epi64(a[i + 1], a[i + 3]);
  }
  // b[4m + k], 128-bit lane L = column 4L + k of rows 4m..4m+3.
  for (int k = 0; k < 4; ++k) {
    const __m512i c0 = _mm512_shuffle_i32x4(b[k], b[4 + k], 0x88);
    const __m512i c1 = _mm512_shuffle_i32x4(b[k], b[4 + k], 0xDD);
    const __m512i c2 = _mm512_shuffle_i32x4(b[8 + k], b[12 + k], 0x88);
    const __m512i c3 = _mm512_shuffle_i32x4(b[8 + k], b[12 + k], 0xDD);
    r[k] = _mm512_shuffle_i32x4(c0, c2, 0x88);
    r[8 + k] = _mm512_shuffle_i32x4(c0, c2, 0xDD);
    r[4 + k] = _mm512_shuffle_i32x4(c1, c3, 0x88);
    r[12 + k] = _mm512_shuffle_i32x4(c1, c3, 0xDD);
  }
}

// ---------------------------------------------------------------------------
// Quantized formats: how to get 64 unsigned codes (elements 64c .. 64c+63 of
// a row) plus the per-sub-block scales, and how to prepare a token.

// Each format gives the 64 unsigned codes of elements 64c .. 64c+63 of a row
// (codes), and the float scales of a group of sub-blocks as one vector
// (scales): 16 blocks for Q8_0/Q4_0, one super-block for the K-quants (Q4_K:
// lanes 0..7 scales, 8..15 mins). Repacking transposes both 16 rows at a
// time, so it is all vector work. x_offset(j): byte offset of sub-block j's
// activation codes in a Q8_0 / Q8_K row.

inline __m512i iota16() {
  return _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}

// fp16 d at the start of up to 16 consecutive blocks of `stride` bytes.
inline __m512 gather_d16(const uint8_t* first, int stride, int n) {
  const __mmask16 m =
      n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << n) - 1);
  const __m512i idx = _mm512_mullo_epi32(iota16(), _mm512_set1_epi32(stride));
  const __m512i g = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, idx, first, 1);
  return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(g));
}

struct FmtQ8_0 {
  static constexpr int kSub = 32;
  static constexpr bool kMin = false;
  static constexpr int kGroupSubs = 16;    // sub-blocks per scales() vector
  static constexpr int32_t kOffset = 128;  // codes are w + 128
  static int64_t x_offset(int64_t j) { return j * 34 + 2; }
  static __m512i codes(const uint8_t* row, int64_t c, int64_t n_in) {
    const auto* b = reinterpret_cast<const BlockQ8_0*>(row);
    const int64_t b0 = 2 * c;
    __m512i v =
        _mm512_zextsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[b0].qs)));
    if ((b0 + 1) * kQK8_0 < n_in) {
      v = _mm512_inserti64x4(v, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[b0 + 1].qs)),
                             1);
    }
    return _mm512_xor_si512(v, _mm512_set1_epi8(static_cast<char>(0x80)));
  }
  static __m512 scales(const uint8_t* row, int64_t g, int n_subs) {
    return gather_d16(row + g * 16 * sizeof(BlockQ8_0), sizeof(BlockQ8_0), n_subs);
  }
};

struct FmtQ4_0 {
  static constexpr int kSub = 32;
  static constexpr bool kMin = false;
  static constexpr int kGroupSubs = 16;
  static constexpr int32_t kOffset = 8;
  static int64_t x_offset(int64_t j) { return j * 34 + 2; }
  static __m512i codes(const uint8_t* row, int64_t c, int64_t n_in) {
    const auto* b = reinterpret_cast<const BlockQ4_0*>(row);
    const int64_t b0 = 2 * c;
    const __m128i q0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b[b0].qs));
    const __m128i q1 = (b0 + 1) * kQK4_0 < n_in
                           ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(b[b0 + 1].qs))
                           : _mm_setzero_si128();
    const __m512i q01 = _mm512_castsi256_si512(_mm256_set_m128i(q1, q0));
    const __m512i v = _mm512_shuffle_i64x2(q01, q01, _MM_SHUFFLE(1, 1, 0, 0));
    return _mm512_and_si512(_mm512_srlv_epi64(v, _mm512_setr_epi64(0, 0, 4, 4, 0, 0, 4, 4)),
                            _mm512_set1_epi8(0x0F));
  }
  static __m512 scales(const uint8_t* row, int64_t g, int n_subs) {
    return gather_d16(row + g * 16 * sizeof(BlockQ4_0), sizeof(BlockQ4_0), n_subs);
  }
};

struct FmtQ4_K {
  static constexpr int kSub = 32;
  static constexpr bool kMin = true;
  static constexpr int kGroupSubs = 8;
  static constexpr int32_t kOffset = 0;
  static int64_t x_offset(int64_t j) { return (j / 8) * 292 + 4 + (j % 8) * 32; }
  static __m512i codes(const uint8_t* row, int64_t c, int64_t) {
    const auto& b = reinterpret_cast<const BlockQ4_K*>(row)[c / 4];
    const __m512i v = _mm512_broadcast_i64x4(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qs + 32 * (c % 4))));
    return _mm512_and_si512(_mm512_srlv_epi64(v, _mm512_setr_epi64(0, 0, 0, 0, 4, 4, 4, 4)),
                            _mm512_set1_epi8(0x0F));
  }
  // lanes 0..7: d * sc[j], lanes 8..15: dmin * m[j]
  static __m512 scales(const uint8_t* row, int64_t g, int) {
    const auto& b = reinterpret_cast<const BlockQ4_K*>(row)[g];
    const __m512 f = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(q4k_unpack_scales_v(b.scales)));
    const __m512 d =
        _mm512_insertf32x8(_mm512_set1_ps(_cvtsh_ss(b.d)), _mm256_set1_ps(_cvtsh_ss(b.dmin)), 1);
    return _mm512_mul_ps(f, d);
  }
};

struct FmtQ6_K {
  static constexpr int kSub = 16;
  static constexpr bool kMin = false;
  static constexpr int kGroupSubs = 16;
  static constexpr int32_t kOffset = 32;
  static int64_t x_offset(int64_t j) { return (j / 16) * 292 + 4 + (j % 16) * 16; }
  static __m512i codes(const uint8_t* row, int64_t c, int64_t) {
    const auto& b = reinterpret_cast<const BlockQ6_K*>(row)[c / 4];
    const int cc = static_cast<int>(c % 4), h = cc / 2;
    const __m512i ql = _mm512_loadu_si512(b.ql + 64 * h);
    const __m512i qh =
        _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qh + 32 * h)));
    const __m512i low4 = _mm512_set1_epi8(0x0F), bits45 = _mm512_set1_epi8(0x30);
    if (cc % 2 == 0) {
      return _mm512_or_si512(
          _mm512_and_si512(ql, low4),
          _mm512_and_si512(_mm512_sllv_epi64(qh, _mm512_setr_epi64(4, 4, 4, 4, 2, 2, 2, 2)),
                           bits45));
    }
    return _mm512_or_si512(
        _mm512_and_si512(_mm512_srli_epi16(ql, 4), low4),
        _mm512_and_si512(_mm512_srlv_epi64(qh, _mm512_setr_epi64(0, 0, 0, 0, 2, 2, 2, 2)), bits45));
  }
  static __m512 scales(const uint8_t* row, int64_t g, int) {
    const auto& b = reinterpret_cast<const BlockQ6_K*>(row)[g];
    const __m512i sc =
        _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b.scales)));
    return _mm512_mul_ps(_mm512_cvtepi32_ps(sc), _mm512_set1_ps(_cvtsh_ss(b.d)));
  }
};

template <class F, int NR>
struct QuantPanel {
  static constexpr int kG = F::kSub / 4;  // 4-byte groups per sub-block
  static constexpr size_t kCodeBytes = static_cast<size_t>(kG) * NR * 64;
  static constexpr size_t kSubStride = kCodeBytes + NR * 64 * (F::kMin ? 2 : 1);
  static size_t bytes(int64_t kc) {
    // whole scale groups (the repack writes them in one go)
    const int64_t n_sub = (kc + F::kSub - 1) / F::kSub;
    return static_cast<size_t>((n_sub + F::kGroupSubs - 1) / F::kGroupSubs * F::kGroupSubs) *
           kSubStride;
  }
};

// Repacks rows [0, n_rows) (of a block of 16*NR) for inputs [k0, k0 + kc):
// per 16 rows, codes and scales are transposed so one vector holds 16 rows.
template <class F, int NR>
__attribute__((noinline)) void repack_quant(const GemmItem& it, int64_t k0, int64_t kc,
                                            uint8_t* panel) {
  using P = QuantPanel<F, NR>;
  constexpr int64_t kGroupElems = int64_t{F::kGroupSubs} * F::kSub;
  const int64_t n_sub_total = (it.n_in + F::kSub - 1) / F::kSub;
  for (int rz = 0; rz < NR; ++rz) {
    const uint8_t* rows[16];
    for (int i = 0; i < 16; ++i) {
      const int64_t row = rz * 16 + i;
      rows[i] = row < it.n_rows ? it.w + static_cast<size_t>(row) * it.w_row_bytes : nullptr;
    }
    for (int64_t e0 = 0; e0 < kc; e0 += kGroupElems) {
      // Scales of the group's sub-blocks, 16 rows -> one vector per sub-block.
      const int64_t g = (k0 + e0) / kGroupElems;
      const int64_t j_first = (k0 + e0) / F::kSub;
      const int n_subs = static_cast<int>(std::min<int64_t>(F::kGroupSubs, n_sub_total - j_first));
      __m512i r[16];
      for (int i = 0; i < 16; ++i) {
        r[i] =
            rows[i] ? _mm512_castps_si512(F::scales(rows[i], g, n_subs)) : _mm512_setzero_si512();
      }
      transpose16(r);
      const int64_t jl = e0 / F::kSub;  // local sub-block index of the group
      for (int w = 0; w < n_subs; ++w) {
        _mm512_store_si512(panel + (jl + w) * P::kSubStride + P::kCodeBytes + rz * 64, r[w]);
        if constexpr (F::kMin) {
          _mm512_store_si512(panel + (jl + w) * P::kSubStride + P::kCodeBytes + (NR + rz) * 64,
                             r[8 + w]);
        }
      }
      // Codes, 64 inputs at a time.
      const int64_t e_end = std::min(kc, e0 + kGroupElems);
      for (int64_t e = e0; e < e_end; e += 64) {
        const int64_t c = (k0 + e) / 64;
        for (int i = 0; i < 16; ++i)
          r[i] = rows[i] ? F::codes(rows[i], c, it.n_in) : _mm512_setzero_si512();
        transpose16(r);
        for (int w = 0; w < 16; ++w) {
          const int64_t el = e + 4 * w;  // local input index
          _mm512_store_si512(
              panel + (el / F::kSub) * P::kSubStride + ((el % F::kSub) / 4 * NR + rz) * 64, r[w]);
        }
      }
    }
  }
}

inline int32_t sum_i8_32(const int8_t* p) {
  // sum of 32 signed bytes: bias to unsigned, vpsadbw, unbias.
  const __m256i v = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)),
                                     _mm256_set1_epi8(static_cast<char>(0x80)));
  const __m256i s = _mm256_sad_epu8(v, _mm256_setzero_si256());
  const __m128i s2 = _mm_add_epi64(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
  return static_cast<int32_t>(_mm_cvtsi128_si64(s2) + _mm_extract_epi64(s2, 1)) - 128 * 32;
}

// Side data of one activation row (once per call, not per row block): the
// integer start value that removes the code offset, the activation scale
// and (Q4_K) the min factor of each sub-block.
template <class F>
void prep_row(int64_t n_in, const uint8_t* x, int32_t* start, float* dx, float* mdx,
              int64_t stride) {
  const int64_t n_sub = n_in / F::kSub;
  for (int64_t j = 0; j < n_sub; ++j) {
    if constexpr (F::kSub == 32 && !F::kMin) {  // Q8_0 activations
      const auto& b = reinterpret_cast<const BlockQ8_0*>(x)[j];
      start[j * stride] = -F::kOffset * sum_i8_32(b.qs);
      dx[j * stride] = _cvtsh_ss(b.d);
      mdx[j * stride] = 0.f;
    } else {  // Q8_K activations
      const int per = kQK_K / F::kSub;
      const auto& b = reinterpret_cast<const BlockQ8_K*>(x)[j / per];
      const int k = static_cast<int>(j % per);
      dx[j * stride] = b.d;
      if constexpr (F::kMin) {
        start[j * stride] = 0;
        mdx[j * stride] = b.d * static_cast<float>(b.bsums[2 * k] + b.bsums[2 * k + 1]);
      } else {
        start[j * stride] = -F::kOffset * b.bsums[k];
        mdx[j * stride] = 0.f;
      }
    }
  }
}

// One micro-tile: rows of one panel (16*NR) x T tokens over sub-blocks
// [j0, j0 + n_sub). Activation bytes are broadcast straight from the rows.
template <class F, int NR, int T>
__attribute__((noinline)) void kernel_quant(const uint8_t* panel, int64_t j0, int64_t n_sub,
                                            const uint8_t* const* x, const int32_t* start,
                                            const float* dx, const float* mdx, int64_t ms,
                                            float* const* y, int64_t rows, bool accumulate) {
  using P = QuantPanel<F, NR>;
  constexpr int G = P::kG;
  __m512 acc[NR][T];
  __mmask16 mask[NR];
  for (int r = 0; r < NR; ++r) {
    const int64_t left = rows - 16 * r;
    mask[r] = left >= 16 ? static_cast<__mmask16>(0xFFFF)
                         : (left <= 0 ? static_cast<__mmask16>(0)
                                      : static_cast<__mmask16>((1u << left) - 1));
    for (int t = 0; t < T; ++t) {
      acc[r][t] = accumulate ? _mm512_maskz_loadu_ps(mask[r], y[t] + 16 * r) : _mm512_setzero_ps();
    }
  }
  const uint8_t* xt[T];
  for (int t = 0; t < T; ++t) xt[t] = x[t];
  for (int64_t j = 0; j < n_sub; ++j) {
    const int64_t jg = j0 + j;
    const uint8_t* pj = panel + j * P::kSubStride;
    const int64_t xo = F::x_offset(jg);
    const int64_t mi = jg * ms;
    __m512i ia[NR][T];
#pragma GCC unroll 8
    for (int t = 0; t < T; ++t) {
      const __m512i s = _mm512_set1_epi32(start[mi + t]);
      for (int r = 0; r < NR; ++r) ia[r][t] = s;
    }
#pragma GCC unroll 8
    for (int g = 0; g < G; ++g) {
      __m512i wv[NR];
      for (int r = 0; r < NR; ++r) wv[r] = _mm512_load_si512(pj + (g * NR + r) * 64);
#pragma GCC unroll 8
      for (int t = 0; t < T; ++t) {
        const __m512i xb = _mm512_set1_epi32(load_i32(xt[t] + xo + 4 * g));
        for (int r = 0; r < NR; ++r) ia[r][t] = _mm512_dpbusd_epi32(ia[r][t], wv[r], xb);
      }
    }
    const float* sc = reinterpret_cast<const float*>(pj + P::kCodeBytes);
#pragma GCC unroll 8
    for (int t = 0; t < T; ++t) {
      const __m512 d = _mm512_set1_ps(dx[mi + t]);
      for (int r = 0; r < NR; ++r) {
        acc[r][t] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(ia[r][t]), d),
                                    _mm512_load_ps(sc + 16 * r), acc[r][t]);
      }
    }
    if constexpr (F::kMin) {
      const float* mn = sc + NR * 16;
#pragma GCC unroll 8
      for (int t = 0; t < T; ++t) {
        const __m512 m = _mm512_set1_ps(mdx[mi + t]);
        for (int r = 0; r < NR; ++r)
          acc[r][t] = _mm512_fnmadd_ps(_mm512_load_ps(mn + 16 * r), m, acc[r][t]);
      }
    }
  }
  for (int r = 0; r < NR; ++r) {
    for (int t = 0; t < T; ++t) _mm512_mask_storeu_ps(y[t] + 16 * r, mask[r], acc[r][t]);
  }
}

template <class F, int NR, int T>
void kernel_quant_n(int nt, const uint8_t* panel, int64_t j0, int64_t n_sub,
                    const uint8_t* const* x, const int32_t* start, const float* dx,
                    const float* mdx, int64_t ms, float* const* y, int64_t rows, bool accumulate) {
  if constexpr (T > 1) {
    if (nt < T) {
      return kernel_quant_n<F, NR, T - 1>(nt, panel, j0, n_sub, x, start, dx, mdx, ms, y, rows,
                                          accumulate);
    }
  }
  kernel_quant<F, NR, T>(panel, j0, n_sub, x, start, dx, mdx, ms, y, rows, accumulate);
}

// The item's rows are split into panels of 16*NR rows, all repacked for the
// K chunk first; then every token tile runs over all panels while its
// activation bytes are in L1.
template <class F>
void gemm_quant(const GemmItem& it) {
  constexpr int NR = kNrQuant, T = kTQuant, RB = 16 * NR;
  using P = QuantPanel<F, NR>;
  const size_t panel_bytes = align64(P::bytes(kQuantKc));
  float* ys[T];
  for (int64_t k0 = 0; k0 < it.n_in; k0 += kQuantKc) {
    const int64_t kc = it.n_in - k0 < kQuantKc ? it.n_in - k0 : kQuantKc;
    const int64_t n_sub = (kc + F::kSub - 1) / F::kSub;
    const int64_t n_panels = (it.n_rows + RB - 1) / RB;
    for (int64_t p = 0; p < n_panels; ++p) {
      GemmItem sub = it;
      sub.w = it.w + static_cast<size_t>(p * RB) * it.w_row_bytes;
      sub.n_rows = it.n_rows - p * RB < RB ? it.n_rows - p * RB : RB;
      repack_quant<F, NR>(sub, k0, kc, it.scratch + p * panel_bytes);
    }
    for (int64_t t0 = 0; t0 < it.n_tok; t0 += T) {
      const int nt = static_cast<int>(it.n_tok - t0 < T ? it.n_tok - t0 : T);
      for (int64_t p = 0; p < n_panels; ++p) {
        const int64_t rows = it.n_rows - p * RB < RB ? it.n_rows - p * RB : RB;
        for (int t = 0; t < nt; ++t) ys[t] = it.y[t0 + t] + p * RB;
        kernel_quant_n<F, NR, T>(nt, it.scratch + p * panel_bytes, k0 / F::kSub, n_sub, it.x + t0,
                                 it.x_start + t0, it.x_dx + t0, it.x_mdx + t0, it.meta_stride, ys,
                                 rows, k0 > 0);
      }
    }
  }
}

template <class F>
size_t quant_scratch() {
  return align64(QuantPanel<F, kNrQuant>::bytes(kQuantKc)) * (kGemmRows / (16 * kNrQuant)) + 64;
}

// ---------------------------------------------------------------------------
// Float weights: panel[k][16*NR rows] in fp32, converted once per K chunk.

template <DType W>
inline __m512 load16(const uint8_t* row, int64_t k, int64_t valid) {
  const __mmask16 m =
      valid >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << valid) - 1);
  if constexpr (W == DType::F32) {
    return _mm512_maskz_loadu_ps(m, reinterpret_cast<const float*>(row) + k);
  } else {
    const __m256i h = _mm256_maskz_loadu_epi16(m, reinterpret_cast<const uint16_t*>(row) + k);
    if constexpr (W == DType::F16) return _mm512_cvtph_ps(h);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
  }
}

template <DType W, int NR>
void repack_float(const GemmItem& it, int64_t k0, int64_t kc, float* panel) {
  for (int rz = 0; rz < NR; ++rz) {
    for (int64_t k = 0; k < kc; k += 16) {
      __m512i r[16];
      for (int i = 0; i < 16; ++i) {
        const int64_t row = rz * 16 + i;
        r[i] = row < it.n_rows
                   ? _mm512_castps_si512(load16<W>(it.w + static_cast<size_t>(row) * it.w_row_bytes,
                                                   k0 + k, kc - k))
                   : _mm512_setzero_si512();
      }
      transpose16(r);
      for (int i = 0; i < 16; ++i) {
        _mm512_store_si512(panel + (k + i) * (16 * NR) + 16 * rz, r[i]);
      }
    }
  }
}

template <int NR, int T>
void kernel_float(const float* panel, int64_t kc, const float* const* x, float* const* y,
                  int64_t rows, bool accumulate) {
  __m512 acc[NR][T];
  __mmask16 mask[NR];
  for (int r = 0; r < NR; ++r) {
    const int64_t left = rows - 16 * r;
    mask[r] = left >= 16 ? static_cast<__mmask16>(0xFFFF)
                         : (left <= 0 ? static_cast<__mmask16>(0)
                                      : static_cast<__mmask16>((1u << left) - 1));
    for (int t = 0; t < T; ++t) {
      acc[r][t] = accumulate ? _mm512_maskz_loadu_ps(mask[r], y[t] + 16 * r) : _mm512_setzero_ps();
    }
  }
  const float* xt[T];
  for (int t = 0; t < T; ++t) xt[t] = x[t];
  for (int64_t k = 0; k < kc; ++k) {
    const float* pk = panel + k * (16 * NR);
    __m512 wv[NR];
    for (int r = 0; r < NR; ++r) wv[r] = _mm512_load_ps(pk + 16 * r);
#pragma GCC unroll 8
    for (int t = 0; t < T; ++t) {
      const __m512 xb = _mm512_set1_ps(xt[t][k]);
      for (int r = 0; r < NR; ++r) acc[r][t] = _mm512_fmadd_ps(wv[r], xb, acc[r][t]);
    }
  }
  for (int r = 0; r < NR; ++r) {
    for (int t = 0; t < T; ++t) _mm512_mask_storeu_ps(y[t] + 16 * r, mask[r], acc[r][t]);
  }
}

template <int NR, int T>
void kernel_float_n(int nt, const float* panel, int64_t kc, const float* const* x, float* const* y,
                    int64_t rows, bool accumulate) {
  if constexpr (T > 1) {
    if (nt < T) return kernel_float_n<NR, T - 1>(nt, panel, kc, x, y, rows, accumulate);
  }
  kernel_float<NR, T>(panel, kc, x, y, rows, accumulate);
}

template <DType W>
void gemm_float(const GemmItem& it) {
  constexpr int NR = kNrFloat, T = kTFloat, RB = 16 * NR;
  auto* panel = reinterpret_cast<float*>(it.scratch);
  const float* xs[T];
  float* ys[T];
  for (int64_t k0 = 0; k0 < it.n_in; k0 += kFloatKc) {
    const int64_t kc = it.n_in - k0 < kFloatKc ? it.n_in - k0 : kFloatKc;
    for (int64_t r0 = 0; r0 < it.n_rows; r0 += RB) {
      GemmItem sub = it;
      sub.w = it.w + static_cast<size_t>(r0) * it.w_row_bytes;
      sub.n_rows = it.n_rows - r0 < RB ? it.n_rows - r0 : RB;
      repack_float<W, NR>(sub, k0, kc, panel);
      for (int64_t t0 = 0; t0 < it.n_tok; t0 += T) {
        const int nt = static_cast<int>(it.n_tok - t0 < T ? it.n_tok - t0 : T);
        for (int t = 0; t < nt; ++t) {
          xs[t] = reinterpret_cast<const float*>(it.x[t0 + t]) + k0;
          ys[t] = it.y[t0 + t] + r0;
        }
        kernel_float_n<NR, T>(nt, panel, kc, xs, ys, sub.n_rows, k0 > 0);
      }
    }
  }
}

size_t gemm_scratch(DType type, int64_t, int64_t) {
  switch (type) {
    case DType::Q8_0:
      return quant_scratch<FmtQ8_0>();
    case DType::Q4_0:
      return quant_scratch<FmtQ4_0>();
    case DType::Q4_K:
      return quant_scratch<FmtQ4_K>();
    case DType::Q6_K:
      return quant_scratch<FmtQ6_K>();
    default:
      return static_cast<size_t>(kFloatKc + 16) * 16 * kNrFloat * sizeof(float) + 64;
  }
}

int64_t gemm_subs(DType type, int64_t n_in) {
  switch (type) {
    case DType::Q8_0:
    case DType::Q4_0:
    case DType::Q4_K:
      return n_in / 32;
    case DType::Q6_K:
      return n_in / 16;
    default:
      return 0;
  }
}

void gemm_prep(DType type, int64_t n_in, const uint8_t* x, int32_t* start, float* dx, float* mdx,
               int64_t stride) {
  switch (type) {
    case DType::Q8_0:
      return prep_row<FmtQ8_0>(n_in, x, start, dx, mdx, stride);
    case DType::Q4_0:
      return prep_row<FmtQ4_0>(n_in, x, start, dx, mdx, stride);
    case DType::Q4_K:
      return prep_row<FmtQ4_K>(n_in, x, start, dx, mdx, stride);
    case DType::Q6_K:
      return prep_row<FmtQ6_K>(n_in, x, start, dx, mdx, stride);
    default:
      return;
  }
}

}  // namespace

void fill_gemm(IsaKernels& k) {
  k.gemm_subs = gemm_subs;
  k.gemm_prep = gemm_prep;
  k.gemm[slot(DType::Q8_0)] = gemm_quant<FmtQ8_0>;
  k.gemm[slot(DType::Q4_0)] = gemm_quant<FmtQ4_0>;
  k.gemm[slot(DType::Q4_K)] = gemm_quant<FmtQ4_K>;
  k.gemm[slot(DType::Q6_K)] = gemm_quant<FmtQ6_K>;
  k.gemm[slot(DType::F32)] = gemm_float<DType::F32>;
  k.gemm[slot(DType::F16)] = gemm_float<DType::F16>;
  k.gemm[slot(DType::BF16)] = gemm_float<DType::BF16>;
  k.gemm_scratch = gemm_scratch;
  k.gemm_rows = kGemmRows;
  k.gemm_min_tokens = 4;
}

}  // namespace mosaic::kernels::avx512
