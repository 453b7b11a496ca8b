// AVX2 matrix-vector products for the decode path (one token, weights
// streamed once). Without VNNI a byte product takes vpmaddubsw, which needs
// one unsigned operand; the activation row is therefore prepared once per
// call (gemv_prep) as |x| and x, so each weight block costs one vpsignb
// (w takes x's sign) instead of two, and its scale d_x is a float.
//
// The per-block scales are applied eight blocks at a time: the eight int32
// partial-sum vectors are folded into one vector of eight block sums, which
// is converted once and multiplied by the eight d_w * d_x at once, instead
// of a conversion, a broadcast and an FMA per block (llama.cpp's AVX2 loop).
//
//  Q8_0 prep layout: [|x| codes nb*32][x codes nb*32][d_x nb floats], each
//  part 32-byte aligned, nb rounded up to 8 with zero blocks.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/isa.h"
#include "kernels/cpu/prefetch_rows.h"
#include "kernels/cpu/simd_common.h"

namespace mosaic::kernels::avx2 {
namespace {

inline size_t align32(size_t n) { return (n + 31) & ~size_t{31}; }

struct Q80Layout {
  int64_t nb, nb8;
  explicit Q80Layout(int64_t n_in) : nb(n_in / 32), nb8((n_in / 32 + 7) / 8 * 8) {}
  size_t codes_bytes() const { return static_cast<size_t>(nb8) * 32; }
  size_t bytes() const { return 2 * codes_bytes() + align32(static_cast<size_t>(nb8) * 4); }
};

void prep_q8_0(int64_t n_in, const uint8_t* x_row, uint8_t* out) {
  const Q80Layout L(n_in);
  const auto* x = reinterpret_cast<const BlockQ8_0*>(x_row);
  std::memset(out, 0, L.bytes());
  uint8_t* ux = out;
  uint8_t* sx = out + L.codes_bytes();
  auto* dx = reinterpret_cast<float*>(out + 2 * L.codes_bytes());
  for (int64_t b = 0; b < L.nb; ++b) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qs));
    _mm256_store_si256(reinterpret_cast<__m256i*>(ux + 32 * b), _mm256_abs_epi8(v));
    _mm256_store_si256(reinterpret_cast<__m256i*>(sx + 32 * b), v);
    dx[b] = f16c_to_float(x[b].d);
  }
}

// Eight int32 lanes of partial sums of one block's 32 products.
inline __m256i block_dot(const int8_t* wq, const uint8_t* ux, const uint8_t* sx) {
  const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wq));
  const __m256i s = _mm256_sign_epi8(w, _mm256_load_si256(reinterpret_cast<const __m256i*>(sx)));
  const __m256i p =
      _mm256_maddubs_epi16(_mm256_load_si256(reinterpret_cast<const __m256i*>(ux)), s);
  return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

// Lane i of the result: the sum of the eight lanes of v[i].
inline __m256i fold8(const __m256i v[8]) {
  const __m256i a = _mm256_hadd_epi32(_mm256_hadd_epi32(v[0], v[1]), _mm256_hadd_epi32(v[2], v[3]));
  const __m256i b = _mm256_hadd_epi32(_mm256_hadd_epi32(v[4], v[5]), _mm256_hadd_epi32(v[6], v[7]));
  // a = [v0..v3 low-half sums | v0..v3 high-half sums], b likewise for v4..v7.
  return _mm256_add_epi32(_mm256_permute2x128_si256(a, b, 0x20),
                          _mm256_permute2x128_si256(a, b, 0x31));
}

// d of eight consecutive blocks (fp16 at the start of each) as floats.
inline __m256 load_d8(const BlockQ8_0* w) {
  __m128i h = _mm_cvtsi32_si128(w[0].d);
  h = _mm_insert_epi16(h, w[1].d, 1);
  h = _mm_insert_epi16(h, w[2].d, 2);
  h = _mm_insert_epi16(h, w[3].d, 3);
  h = _mm_insert_epi16(h, w[4].d, 4);
  h = _mm_insert_epi16(h, w[5].d, 5);
  h = _mm_insert_epi16(h, w[6].d, 6);
  h = _mm_insert_epi16(h, w[7].d, 7);
  return _mm256_cvtph_ps(h);
}

float gemv_row_q8_0(const Q80Layout& L, const uint8_t* w_row, const uint8_t* xp) {
  const auto* w = reinterpret_cast<const BlockQ8_0*>(w_row);
  const uint8_t* ux = xp;
  const uint8_t* sx = xp + L.codes_bytes();
  const auto* dx = reinterpret_cast<const float*>(xp + 2 * L.codes_bytes());
  __m256 acc = _mm256_setzero_ps();
  int64_t b = 0;
  for (; b + 8 <= L.nb; b += 8) {
    __m256i v[8];
    for (int i = 0; i < 8; ++i) v[i] = block_dot(w[b + i].qs, ux + 32 * (b + i), sx + 32 * (b + i));
    const __m256 s = _mm256_mul_ps(load_d8(w + b), _mm256_load_ps(dx + b));
    acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(fold8(v)), s, acc);
  }
  for (; b < L.nb; ++b) {  // row tail: one block at a time
    const __m256i v = block_dot(w[b].qs, ux + 32 * b, sx + 32 * b);
    acc =
        _mm256_fmadd_ps(_mm256_cvtepi32_ps(v), _mm256_set1_ps(f16c_to_float(w[b].d) * dx[b]), acc);
  }
  return hsum_ps_256(acc);
}

// ---- Q4_K: [codes nsb*256][d_x nsb floats][bsum pairs nsb*8 int16] -------
// The codes keep Q8_K's order (one 32-byte load of nibbles pairs with the
// codes 64c..64c+31 and 64c+32..64c+63), now 32-byte aligned; the pairs of
// bsums are what the eight mins multiply.

// Prepared K-quant activations: [codes nsb*256][d_x nsb floats][kSideBytes
// of bsum data per block].
template <size_t kSideBytes>
struct KQuantLayout {
  int64_t nsb;
  explicit KQuantLayout(int64_t n_in) : nsb(n_in / kQK_K) {}
  size_t codes_bytes() const { return static_cast<size_t>(nsb) * kQK_K; }
  size_t d_bytes() const { return align32(static_cast<size_t>(nsb) * 4); }
  size_t bytes() const { return codes_bytes() + d_bytes() + static_cast<size_t>(nsb) * kSideBytes; }
};
using Q4KLayout = KQuantLayout<16>;  // eight int16 bsum pairs

void prep_q4_K(int64_t n_in, const uint8_t* x_row, uint8_t* out) {
  const Q4KLayout L(n_in);
  const auto* x = reinterpret_cast<const BlockQ8_K*>(x_row);
  auto* d = reinterpret_cast<float*>(out + L.codes_bytes());
  auto* pairs = reinterpret_cast<int16_t*>(out + L.codes_bytes() + L.d_bytes());
  for (int64_t b = 0; b < L.nsb; ++b) {
    std::memcpy(out + b * kQK_K, x[b].qs, kQK_K);
    d[b] = x[b].d;
    for (int j = 0; j < 8; ++j)
      pairs[8 * b + j] = static_cast<int16_t>(x[b].bsums[2 * j] + x[b].bsums[2 * j + 1]);
  }
}

float gemv_row_q4_K(const Q4KLayout& L, const uint8_t* w_row, const uint8_t* xp) {
  const auto* w = reinterpret_cast<const BlockQ4_K*>(w_row);
  const auto* xd = reinterpret_cast<const float*>(xp + L.codes_bytes());
  const auto* pairs = reinterpret_cast<const int16_t*>(xp + L.codes_bytes() + L.d_bytes());
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  __m256 acc = _mm256_setzero_ps();
  __m128 accm = _mm_setzero_ps();
  for (int64_t b = 0; b < L.nsb; ++b) {
    const __m128i smb = q4k_unpack_scales_v(w[b].scales);  // sc[0..7] | m[0..7]
    const float dx = xd[b];
    const __m128i pm =
        _mm_madd_epi16(_mm_cvtepu8_epi16(_mm_srli_si128(smb, 8)),
                       _mm_loadu_si128(reinterpret_cast<const __m128i*>(pairs + 8 * b)));
    accm = _mm_fmadd_ps(_mm_cvtepi32_ps(pm), _mm_set1_ps(f16c_to_float(w[b].dmin) * dx), accm);
    const __m256i sc2 = _mm256_broadcastsi128_si256(smb);
    const uint8_t* xq = xp + b * kQK_K;
    __m256i sumi = _mm256_setzero_si256();
    for (int c = 0; c < 4; ++c) {
      const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b].qs + 32 * c));
      const __m256i lo = _mm256_and_si256(q, low4);
      const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
      const __m256i p0 = _mm256_maddubs_epi16(
          lo, _mm256_load_si256(reinterpret_cast<const __m256i*>(xq + 64 * c)));
      const __m256i p1 = _mm256_maddubs_epi16(
          hi, _mm256_load_si256(reinterpret_cast<const __m256i*>(xq + 64 * c + 32)));
      // int16 lanes all equal to sc[j]: pick byte j, zero-extend (0x80 -> 0).
      const __m256i s0 =
          _mm256_shuffle_epi8(sc2, _mm256_set1_epi16(static_cast<int16_t>(0x8000 | (2 * c))));
      const __m256i s1 =
          _mm256_shuffle_epi8(sc2, _mm256_set1_epi16(static_cast<int16_t>(0x8000 | (2 * c + 1))));
      sumi = _mm256_add_epi32(
          sumi, _mm256_add_epi32(_mm256_madd_epi16(p0, s0), _mm256_madd_epi16(p1, s1)));
    }
    acc =
        _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi), _mm256_set1_ps(f16c_to_float(w[b].d) * dx), acc);
  }
  __m128 m = _mm_add_ps(accm, _mm_movehl_ps(accm, accm));
  m = _mm_add_ss(m, _mm_movehdup_ps(m));
  return hsum_ps_256(acc) - _mm_cvtss_f32(m);
}

// ---- Q6_K: [codes nsb*256][d_x nsb floats][bsums nsb*16 int16] ---------
// Codes and bsums are Q8_K's, 32-byte aligned. One row at a time: computing
// two rows together was faster in cache but slower from memory (the two
// interleaved streams: 25 -> 22 GB/s on the 2048 x 151936 output matrix).

using Q6KLayout = KQuantLayout<32>;  // the sixteen int16 bsums

void prep_q6_K(int64_t n_in, const uint8_t* x_row, uint8_t* out) {
  const Q6KLayout L(n_in);
  const auto* x = reinterpret_cast<const BlockQ8_K*>(x_row);
  auto* d = reinterpret_cast<float*>(out + L.codes_bytes());
  uint8_t* bsums = out + L.codes_bytes() + L.d_bytes();
  for (int64_t b = 0; b < L.nsb; ++b) {
    std::memcpy(out + b * kQK_K, x[b].qs, kQK_K);
    d[b] = x[b].d;
    std::memcpy(bsums + 32 * b, x[b].bsums, 32);
  }
}

float gemv_row_q6_K(const Q6KLayout& L, const uint8_t* w_row, const uint8_t* xp) {
  const auto* w = reinterpret_cast<const BlockQ6_K*>(w_row);
  const auto* xd = reinterpret_cast<const float*>(xp + L.codes_bytes());
  const uint8_t* bsums = xp + L.codes_bytes() + L.d_bytes();
  __m256 acc = _mm256_setzero_ps();
  for (int64_t b = 0; b < L.nsb; ++b) {
    const __m256i bs = _mm256_load_si256(reinterpret_cast<const __m256i*>(bsums + 32 * b));
    const __m256i sumi = q6k_block_dot(w[b], xp + b * kQK_K, bs);
    acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi), _mm256_set1_ps(f16c_to_float(w[b].d) * xd[b]),
                          acc);
  }
  return hsum_ps_256(acc);
}

size_t prep_bytes(DType t, int64_t n_in) {
  switch (t) {
    case DType::Q8_0:
      return Q80Layout(n_in).bytes();
    case DType::Q4_K:
      return Q4KLayout(n_in).bytes();
    case DType::Q6_K:
      return Q6KLayout(n_in).bytes();
    default:
      return 0;
  }
}

void prep(DType t, int64_t n_in, const uint8_t* x_row, uint8_t* out) {
  if (t == DType::Q8_0) prep_q8_0(n_in, x_row, out);
  if (t == DType::Q4_K) prep_q4_K(n_in, x_row, out);
  if (t == DType::Q6_K) prep_q6_K(n_in, x_row, out);
}

void gemv(DType t, int64_t n_in, const uint8_t* w, size_t rb, int64_t n_rows, const uint8_t* xp,
          float* y) {
  if (t == DType::Q8_0) {
    const Q80Layout L(n_in);
    rows_with_prefetch(w, rb, n_rows, y,
                       [&](const uint8_t* row) { return gemv_row_q8_0(L, row, xp); });
  } else if (t == DType::Q4_K) {
    const Q4KLayout L(n_in);
    rows_with_prefetch(w, rb, n_rows, y,
                       [&](const uint8_t* row) { return gemv_row_q4_K(L, row, xp); });
  } else if (t == DType::Q6_K) {
    const Q6KLayout L(n_in);
    rows_with_prefetch(w, rb, n_rows, y,
                       [&](const uint8_t* row) { return gemv_row_q6_K(L, row, xp); });
  }
}

}  // namespace

void fill_gemv(IsaKernels& k) {
  k.gemv_prep_bytes = prep_bytes;
  k.gemv_prep = prep;
  k.gemv = gemv;
}

}  // namespace mosaic::kernels::avx2
