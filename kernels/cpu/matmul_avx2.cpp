// AVX2 blocked matrix kernels for many tokens: the design of
// matmul_avx512.cpp ("rows in lanes" panels, several rows x tokens held in
// registers) on 8-lane vectors and 16 registers, without VNNI:
//
//  - codes x activations go through vpmaddubsw (u8 x s8 -> s16 pairs) and
//    vpmaddwd with ones (-> s32). For 4- and 6-bit codes two 4-input groups
//    are summed in 16 bits before widening (max 2 * 2 * 63 * 128 = 32256,
//    no saturation);
//  - Q8_0 codes are signed and would saturate vpmaddubsw as u8: the panel
//    keeps w, the kernel uses |w| and moves w's sign onto x (x is never
//    -128), so no offset is needed for Q8_0 here.
#include <immintrin.h>

#include <cstring>
#include <type_traits>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/isa.h"

namespace mosaic::kernels::avx2 {
namespace {

constexpr int kTQuant = 4;   // tokens per micro-tile (8 rows)
constexpr int kNrFloat = 2;  // 16 rows
constexpr int kTFloat = 6;
constexpr int64_t kQuantKc = 2048;
constexpr int64_t kFloatKc = 512;
constexpr int kGemmRows = 32;

inline size_t align64(size_t n) { return (n + 63) & ~size_t{63}; }

inline int32_t load_i32(const void* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Keeps the add chain on an accumulator in program order. Without it GCC
// reassociates the unrolled chain into a tree, keeps every partial product of
// a sub-block live at once and spills them (32 stores and reloads per
// sub-block and 4-token tile in the Q8_0 kernel).
inline void keep_in_register(__m256i& v) { asm("" : "+x"(v)); }

// In-place transpose of an 8 x 8 matrix of 32-bit elements.
inline void transpose8(__m256i r[8]) {
  __m256i a[8], b[8];
  for (int i = 0; i < 8; i += 2) {
    a[i] = _mm256_unpacklo_epi32(r[i], r[i + 1]);
    a[i + 1] = _mm256_unpackhi_epi32(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    b[i + 0] = _mm256_unpacklo_epi64(a[i], a[i + 2]);
    b[i + 1] = _mm256_unpackhi_epi64(a[i], a[i + 2]);
    b[i + 2] = _mm256_unpacklo_epi64(a[i + 1], a[i + 3]);
    b[i + 3] = _mm256_unpackhi_epi64(a[i + 1], a[i + 3]);
  }
  // b[4m + k], 128-bit lane L = column 4L + k of rows 4m..4m+3.
  for (int k = 0; k < 4; ++k) {
    r[k] = _mm256_permute2x128_si256(b[k], b[4 + k], 0x20);
    r[4 + k] = _mm256_permute2x128_si256(b[k], b[4 + k], 0x31);
  }
}

// ---- formats: 32 codes (elements 32c .. 32c+31) and their sub-block scales ----

struct FmtQ8_0 {
  static constexpr int kSub = 32;
  static constexpr bool kMin = false, kSigned = true;
  static constexpr int32_t kOffset = 0;
  static int64_t x_offset(int64_t j) { return j * 34 + 2; }
  static __m256i codes(const uint8_t* row, int64_t c, float* sc, float*) {
    const auto& b = reinterpret_cast<const BlockQ8_0*>(row)[c];
    sc[0] = _cvtsh_ss(b.d);
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qs));
  }
};

struct FmtQ4_0 {
  static constexpr int kSub = 32;
  static constexpr bool kMin = false, kSigned = false;
  static constexpr int32_t kOffset = 8;
  static int64_t x_offset(int64_t j) { return j * 34 + 2; }
  static __m256i codes(const uint8_t* row, int64_t c, float* sc, float*) {
    const auto& b = reinterpret_cast<const BlockQ4_0*>(row)[c];
    sc[0] = _cvtsh_ss(b.d);
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b.qs));
    const __m128i low4 = _mm_set1_epi8(0x0F);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(v, 4), low4), _mm_and_si128(v, low4));
  }
};

struct FmtQ4_K {
  static constexpr int kSub = 32;
  static constexpr bool kMin = true, kSigned = false;
  static constexpr int32_t kOffset = 0;
  static int64_t x_offset(int64_t j) { return (j / 8) * 292 + 4 + (j % 8) * 32; }
  static __m256i codes(const uint8_t* row, int64_t c, float* sc, float* mn) {
    const auto& b = reinterpret_cast<const BlockQ4_K*>(row)[c / 8];
    const int j = static_cast<int>(c % 8);
    uint8_t s, m;
    q4k_scale_min(j, b.scales, &s, &m);
    sc[0] = _cvtsh_ss(b.d) * s;
    mn[0] = _cvtsh_ss(b.dmin) * m;
    const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qs + 32 * (j / 2)));
    return _mm256_and_si256(j % 2 ? _mm256_srli_epi16(q, 4) : q, _mm256_set1_epi8(0x0F));
  }
};

struct FmtQ6_K {
  static constexpr int kSub = 16;
  static constexpr bool kMin = false, kSigned = false;
  static constexpr int32_t kOffset = 32;
  static int64_t x_offset(int64_t j) { return (j / 16) * 292 + 4 + (j % 16) * 16; }
  static __m256i codes(const uint8_t* row, int64_t c, float* sc, float*) {
    const auto& b = reinterpret_cast<const BlockQ6_K*>(row)[c / 8];
    const int p = static_cast<int>(c % 8), h = p / 4, k = p % 4;
    const float d = _cvtsh_ss(b.d);
    sc[0] = d * b.scales[8 * h + 2 * k];
    sc[1] = d * b.scales[8 * h + 2 * k + 1];
    const __m256i ql =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.ql + 64 * h + 32 * (k % 2)));
    const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qh + 32 * h));
    const __m256i lo =
        _mm256_and_si256(k < 2 ? ql : _mm256_srli_epi16(ql, 4), _mm256_set1_epi8(0x0F));
    // qh bits 2k, 2k+1 -> bits 4, 5 (16-bit shifts; the 0x30 mask drops spill-over)
    const __m256i hb =
        k <= 2 ? _mm256_sll_epi16(qh, _mm_cvtsi32_si128(4 - 2 * k)) : _mm256_srli_epi16(qh, 2);
    return _mm256_or_si256(lo, _mm256_and_si256(hb, _mm256_set1_epi8(0x30)));
  }
};

template <class F>
struct QuantPanel {
  static constexpr int kG = F::kSub / 4;
  static constexpr size_t kCodeBytes = static_cast<size_t>(kG) * 32;
  static constexpr size_t kSubStride = kCodeBytes + 32 * (F::kMin ? 2 : 1);
  static size_t bytes(int64_t kc) {
    return static_cast<size_t>((kc + 31) / 32 * (32 / F::kSub)) * kSubStride;
  }
};

// Repacks rows [0, n_rows) (<= 8) of the block for inputs [k0, k0 + kc).
template <class F>
void repack_quant(const GemmItem& it, int64_t k0, int64_t kc, uint8_t* panel) {
  using P = QuantPanel<F>;
  const int64_t c0 = k0 / 32, n_chunks = kc / 32;
  for (int64_t c = 0; c < n_chunks; ++c) {
    __m256i r[8];
    float sc[8][2] = {}, mn[8][2] = {};
    for (int i = 0; i < 8; ++i) {
      r[i] = i < it.n_rows
                 ? F::codes(it.w + static_cast<size_t>(i) * it.w_row_bytes, c0 + c, sc[i], mn[i])
                 : _mm256_setzero_si256();
    }
    transpose8(r);
    const int64_t j0 = c * (32 / F::kSub);
    for (int w = 0; w < 8; ++w) {
      const int e = 4 * w;
      _mm256_store_si256(reinterpret_cast<__m256i*>(panel + (j0 + e / F::kSub) * P::kSubStride +
                                                    ((e % F::kSub) / 4) * 32),
                         r[w]);
    }
    for (int s = 0; s < 32 / F::kSub; ++s) {
      float* dst = reinterpret_cast<float*>(panel + (j0 + s) * P::kSubStride + P::kCodeBytes);
      for (int i = 0; i < 8; ++i) dst[i] = sc[i][s];
      if constexpr (F::kMin) {
        for (int i = 0; i < 8; ++i) dst[8 + i] = mn[i][s];
      }
    }
  }
}

// Side data of one activation row, once per call (see matmul_avx512.cpp).
template <class F>
void prep_row(int64_t n_in, const uint8_t* x, int32_t* start, float* dx, float* mdx,
              int64_t stride) {
  const int64_t n_sub = n_in / F::kSub;
  for (int64_t j = 0; j < n_sub; ++j) {
    if constexpr (std::is_same_v<F, FmtQ8_0> || std::is_same_v<F, FmtQ4_0>) {
      const auto& b = reinterpret_cast<const BlockQ8_0*>(x)[j];
      int32_t sum = 0;
      if constexpr (F::kOffset != 0) {
        for (int i = 0; i < 32; ++i) sum += b.qs[i];
      }
      start[j * stride] = -F::kOffset * sum;
      dx[j * stride] = _cvtsh_ss(b.d);
      mdx[j * stride] = 0.f;
    } else {
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

template <class F, int T>
void kernel_quant(const uint8_t* panel, int64_t j0, int64_t n_sub, const uint8_t* const* x,
                  const int32_t* start, const float* dx, const float* mdx, int64_t ms,
                  float* const* y, int64_t rows, bool accumulate) {
  using P = QuantPanel<F>;
  constexpr int G = P::kG;
  const __m256i ones = _mm256_set1_epi16(1);
  alignas(32) int32_t lane_mask[8];
  for (int i = 0; i < 8; ++i) lane_mask[i] = i < rows ? -1 : 0;
  const __m256i mask = _mm256_load_si256(reinterpret_cast<const __m256i*>(lane_mask));
  __m256 acc[T];
  for (int t = 0; t < T; ++t)
    acc[t] = accumulate ? _mm256_maskload_ps(y[t], mask) : _mm256_setzero_ps();
  const uint8_t* xt[T];
  for (int t = 0; t < T; ++t) xt[t] = x[t];
  for (int64_t j = 0; j < n_sub; ++j) {
    const int64_t jg = j0 + j;
    const uint8_t* pj = panel + j * P::kSubStride;
    const int64_t xo = F::x_offset(jg);
    const int64_t mi = jg * ms;
    __m256i ia[T];
    for (int t = 0; t < T; ++t) ia[t] = _mm256_set1_epi32(start[mi + t]);
    if constexpr (F::kSigned) {
#pragma GCC unroll 8
      for (int g = 0; g < G; ++g) {
        const __m256i w = _mm256_load_si256(reinterpret_cast<const __m256i*>(pj + g * 32));
        const __m256i aw = _mm256_sign_epi8(w, w);
        for (int t = 0; t < T; ++t) {
          const __m256i xb = _mm256_set1_epi32(load_i32(xt[t] + xo + 4 * g));
          const __m256i p = _mm256_maddubs_epi16(aw, _mm256_sign_epi8(xb, w));
          ia[t] = _mm256_add_epi32(ia[t], _mm256_madd_epi16(p, ones));
          keep_in_register(ia[t]);
        }
      }
    } else {
#pragma GCC unroll 8
      for (int g = 0; g < G; g += 2) {
        const __m256i w0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(pj + g * 32));
        const __m256i w1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(pj + (g + 1) * 32));
        for (int t = 0; t < T; ++t) {
          const __m256i x0 = _mm256_set1_epi32(load_i32(xt[t] + xo + 4 * g));
          const __m256i x1 = _mm256_set1_epi32(load_i32(xt[t] + xo + 4 * g + 4));
          const __m256i p =
              _mm256_add_epi16(_mm256_maddubs_epi16(w0, x0), _mm256_maddubs_epi16(w1, x1));
          ia[t] = _mm256_add_epi32(ia[t], _mm256_madd_epi16(p, ones));
          keep_in_register(ia[t]);
        }
      }
    }
    const __m256 sc = _mm256_load_ps(reinterpret_cast<const float*>(pj + P::kCodeBytes));
    for (int t = 0; t < T; ++t) {
      acc[t] = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(ia[t]), _mm256_set1_ps(dx[mi + t])),
                               sc, acc[t]);
    }
    if constexpr (F::kMin) {
      const __m256 mn = _mm256_load_ps(reinterpret_cast<const float*>(pj + P::kCodeBytes) + 8);
      for (int t = 0; t < T; ++t)
        acc[t] = _mm256_fnmadd_ps(mn, _mm256_set1_ps(mdx[mi + t]), acc[t]);
    }
  }
  for (int t = 0; t < T; ++t) _mm256_maskstore_ps(y[t], mask, acc[t]);
}

template <class F, int T>
void kernel_quant_n(int nt, const uint8_t* panel, int64_t j0, int64_t n_sub,
                    const uint8_t* const* x, const int32_t* start, const float* dx,
                    const float* mdx, int64_t ms, float* const* y, int64_t rows, bool accumulate) {
  if constexpr (T > 1) {
    if (nt < T)
      return kernel_quant_n<F, T - 1>(nt, panel, j0, n_sub, x, start, dx, mdx, ms, y, rows,
                                      accumulate);
  }
  kernel_quant<F, T>(panel, j0, n_sub, x, start, dx, mdx, ms, y, rows, accumulate);
}

// All 8-row panels of the item are repacked per K chunk; each token tile
// then runs over all of them while its activation bytes are in L1.
template <class F>
void gemm_quant(const GemmItem& it) {
  constexpr int T = kTQuant;
  const size_t panel_bytes = align64(QuantPanel<F>::bytes(kQuantKc));
  float* ys[T];
  for (int64_t k0 = 0; k0 < it.n_in; k0 += kQuantKc) {
    const int64_t kc = it.n_in - k0 < kQuantKc ? it.n_in - k0 : kQuantKc;
    const int64_t n_sub = kc / F::kSub;
    const int64_t n_panels = (it.n_rows + 7) / 8;
    for (int64_t p = 0; p < n_panels; ++p) {
      GemmItem sub = it;
      sub.w = it.w + static_cast<size_t>(p * 8) * it.w_row_bytes;
      sub.n_rows = it.n_rows - p * 8 < 8 ? it.n_rows - p * 8 : 8;
      repack_quant<F>(sub, k0, kc, it.scratch + p * panel_bytes);
    }
    for (int64_t t0 = 0; t0 < it.n_tok; t0 += T) {
      const int nt = static_cast<int>(it.n_tok - t0 < T ? it.n_tok - t0 : T);
      for (int64_t p = 0; p < n_panels; ++p) {
        const int64_t rows = it.n_rows - p * 8 < 8 ? it.n_rows - p * 8 : 8;
        for (int t = 0; t < nt; ++t) ys[t] = it.y[t0 + t] + p * 8;
        kernel_quant_n<F, T>(nt, it.scratch + p * panel_bytes, k0 / F::kSub, n_sub, it.x + t0,
                             it.x_start + t0, it.x_dx + t0, it.x_mdx + t0, it.meta_stride, ys, rows,
                             k0 > 0);
      }
    }
  }
}

// ---- float weights ----

template <DType W>
inline __m256 load8(const uint8_t* row, int64_t k, int64_t valid) {
  alignas(32) float tmp[8] = {};
  if (valid < 8) {
    for (int64_t i = 0; i < valid; ++i) {
      if constexpr (W == DType::F32) {
        tmp[i] = reinterpret_cast<const float*>(row)[k + i];
      } else if constexpr (W == DType::F16) {
        tmp[i] = _cvtsh_ss(reinterpret_cast<const uint16_t*>(row)[k + i]);
      } else {
        tmp[i] = bf16_bits_to_float(reinterpret_cast<const uint16_t*>(row)[k + i]);
      }
    }
    return _mm256_load_ps(tmp);
  }
  if constexpr (W == DType::F32) {
    return _mm256_loadu_ps(reinterpret_cast<const float*>(row) + k);
  } else {
    const __m128i h = _mm_loadu_si128(
        reinterpret_cast<const __m128i*>(reinterpret_cast<const uint16_t*>(row) + k));
    if constexpr (W == DType::F16) return _mm256_cvtph_ps(h);
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  }
}

template <DType W, int NR>
void repack_float(const GemmItem& it, int64_t k0, int64_t kc, float* panel) {
  for (int rz = 0; rz < NR; ++rz) {
    for (int64_t k = 0; k < kc; k += 8) {
      __m256i r[8];
      for (int i = 0; i < 8; ++i) {
        const int64_t row = rz * 8 + i;
        r[i] = row < it.n_rows
                   ? _mm256_castps_si256(
                         load8<W>(it.w + static_cast<size_t>(row) * it.w_row_bytes, k0 + k, kc - k))
                   : _mm256_setzero_si256();
      }
      transpose8(r);
      for (int i = 0; i < 8; ++i) {
        _mm256_store_si256(reinterpret_cast<__m256i*>(panel + (k + i) * (8 * NR) + 8 * rz), r[i]);
      }
    }
  }
}

template <int NR, int T>
void kernel_float(const float* panel, int64_t kc, const float* const* x, float* const* y,
                  int64_t rows, bool accumulate) {
  __m256i mask[NR];
  for (int r = 0; r < NR; ++r) {
    alignas(32) int32_t m[8];
    for (int i = 0; i < 8; ++i) m[i] = 8 * r + i < rows ? -1 : 0;
    mask[r] = _mm256_load_si256(reinterpret_cast<const __m256i*>(m));
  }
  __m256 acc[NR][T];
  for (int r = 0; r < NR; ++r) {
    for (int t = 0; t < T; ++t) {
      acc[r][t] = accumulate ? _mm256_maskload_ps(y[t] + 8 * r, mask[r]) : _mm256_setzero_ps();
    }
  }
  const float* xt[T];
  for (int t = 0; t < T; ++t) xt[t] = x[t];
  for (int64_t k = 0; k < kc; ++k) {
    const float* pk = panel + k * (8 * NR);
    __m256 wv[NR];
    for (int r = 0; r < NR; ++r) wv[r] = _mm256_load_ps(pk + 8 * r);
#pragma GCC unroll 8
    for (int t = 0; t < T; ++t) {
      const __m256 xb = _mm256_broadcast_ss(xt[t] + k);
      for (int r = 0; r < NR; ++r) acc[r][t] = _mm256_fmadd_ps(wv[r], xb, acc[r][t]);
    }
  }
  for (int r = 0; r < NR; ++r) {
    for (int t = 0; t < T; ++t) _mm256_maskstore_ps(y[t] + 8 * r, mask[r], acc[r][t]);
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
  constexpr int NR = kNrFloat, T = kTFloat, RB = 8 * NR;
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

template <class F>
size_t quant_scratch() {
  return align64(QuantPanel<F>::bytes(kQuantKc)) * (kGemmRows / 8) + 64;
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
      return static_cast<size_t>(kFloatKc + 8) * 8 * kNrFloat * sizeof(float) + 64;
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

}  // namespace mosaic::kernels::avx2
