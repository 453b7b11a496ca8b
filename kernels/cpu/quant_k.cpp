// Reference quantizers and dequantizers for the K-quants (Q4_K, Q6_K).
//
// The quantizers search a handful of candidate scales per sub-block and keep
// the one with the least squared error. They exist to write test models and
// converted weights: correct and reasonably fast (~1e9 values in a few
// minutes), not the best achievable quality.
#include <algorithm>
#include <cmath>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/quant_internal.h"

namespace mosaic::kernels::ref {
namespace {

// Fits x[i] ~= a * q[i] - m with q in [0, nmax] and m >= 0 (the Q4_K form).
// Tries several inverse scales around (nmax / range), refits (a, m) by least
// squares for the codes each produces and keeps the best.
void fit_affine(const float* x, int n, int nmax, float* a_out, float* m_out) {
  float xmin = x[0], xmax = x[0];
  for (int i = 1; i < n; ++i) {
    xmin = std::min(xmin, x[i]);
    xmax = std::max(xmax, x[i]);
  }
  xmin = std::min(xmin, 0.f);  // the offset may only move values down
  if (!(xmax > xmin)) {        // constant (or all-zero) sub-block
    *a_out = 0.f;
    *m_out = -xmin;
    return;
  }
  const float range = xmax - xmin;
  float best_a = range / nmax, best_b = xmin, best_err = INFINITY;
  uint8_t q[32];
  for (int step = -5; step <= 5; ++step) {
    const float iscale = (static_cast<float>(nmax) + 0.1f * step) / range;
    float sq = 0, sqq = 0, sx = 0, sqx = 0;
    for (int i = 0; i < n; ++i) {
      const int v = std::clamp(nearest_int((x[i] - xmin) * iscale), 0, nmax);
      q[i] = static_cast<uint8_t>(v);
      sq += v;
      sqq += static_cast<float>(v * v);
      sx += x[i];
      sqx += v * x[i];
    }
    // Least squares for x ~= a*q + b, with b <= 0 (b = -min).
    const float det = n * sqq - sq * sq;
    float a, b;
    if (det > 0) {
      a = (n * sqx - sq * sx) / det;
      b = (sqq * sx - sq * sqx) / det;
    } else {
      a = 0;
      b = sx / n;
    }
    if (b > 0) {
      b = 0;
      a = sqq > 0 ? sqx / sqq : 0.f;
    }
    if (a < 0) continue;
    float err = 0;
    for (int i = 0; i < n; ++i) {
      const float e = a * q[i] + b - x[i];
      err += e * e;
    }
    if (err < best_err) {
      best_err = err;
      best_a = a;
      best_b = b;
    }
  }
  *a_out = best_a;
  *m_out = -best_b;
}

// Fits x[i] ~= s * q[i] with q in [-32, 31] (signed scale, the Q6_K form).
float fit_symmetric6(const float* x, int n) {
  float amax = 0, vmax = 0;
  for (int i = 0; i < n; ++i) {
    if (std::fabs(x[i]) > amax) {
      amax = std::fabs(x[i]);
      vmax = x[i];
    }
  }
  if (amax == 0) return 0.f;
  float best_s = vmax / -32.f, best_err = INFINITY;
  // Map the extreme value to -32 (uses the extra negative step) or to +31,
  // with a few stretched variants of each; refit s for the resulting codes.
  for (int step = -4; step <= 4; ++step) {
    for (const float target : {-32.f, 31.f}) {
      const float iscale = (target + (target < 0 ? -0.125f : 0.125f) * step) / vmax;
      float sqq = 0, sqx = 0;
      for (int i = 0; i < n; ++i) {
        const int v = std::clamp(nearest_int(x[i] * iscale), -32, 31);
        sqq += static_cast<float>(v * v);
        sqx += v * x[i];
      }
      if (sqq == 0) continue;
      const float s = sqx / sqq;
      // Error of the refitted scale, evaluated with the codes it produces.
      const float is = s != 0 ? 1.f / s : 0.f;
      float err = 0;
      for (int i = 0; i < n; ++i) {
        const int v = std::clamp(nearest_int(x[i] * is), -32, 31);
        const float e = s * v - x[i];
        err += e * e;
      }
      if (err < best_err) {
        best_err = err;
        best_s = s;
      }
    }
  }
  return best_s;
}

}  // namespace

void quantize_q4_K(const float* x, BlockQ4_K* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK_K; ++b, x += kQK_K) {
    float a[8], m[8];
    float max_a = 0, max_m = 0;
    for (int j = 0; j < 8; ++j) {
      fit_affine(x + 32 * j, 32, 15, &a[j], &m[j]);
      max_a = std::max(max_a, a[j]);
      max_m = std::max(max_m, m[j]);
    }
    BlockQ4_K& blk = y[b];
    blk.d = float_to_half(max_a / 63.f);
    blk.dmin = float_to_half(max_m / 63.f);
    // Quantize the sub-block scales against the stored (fp16) super scales.
    const float d = half_to_float(blk.d), dmin = half_to_float(blk.dmin);
    uint8_t ls[8], lm[8];
    for (int j = 0; j < 8; ++j) {
      ls[j] = static_cast<uint8_t>(d > 0 ? std::clamp(nearest_int(a[j] / d), 0, 63) : 0);
      lm[j] = static_cast<uint8_t>(dmin > 0 ? std::clamp(nearest_int(m[j] / dmin), 0, 63) : 0);
    }
    q4k_pack_scales(ls, lm, blk.scales);
    // Codes against the scales actually stored, so rounding of the scales
    // does not add to the error.
    uint8_t q[kQK_K];
    for (int j = 0; j < 8; ++j) {
      const float dj = d * ls[j], mj = dmin * lm[j];
      const float idj = dj > 0 ? 1.f / dj : 0.f;
      for (int i = 0; i < 32; ++i) {
        q[32 * j + i] =
            static_cast<uint8_t>(std::clamp(nearest_int((x[32 * j + i] + mj) * idj), 0, 15));
      }
    }
    for (int c = 0; c < 4; ++c) {
      for (int l = 0; l < 32; ++l) {
        blk.qs[32 * c + l] = static_cast<uint8_t>(q[64 * c + l] | (q[64 * c + 32 + l] << 4));
      }
    }
  }
}

void dequantize_q4_K(const BlockQ4_K* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float d = half_to_float(x[b].d), dmin = half_to_float(x[b].dmin);
    const uint8_t* qs = x[b].qs;
    for (int c = 0; c < 4; ++c, qs += 32) {
      uint8_t sc0, m0, sc1, m1;
      q4k_scale_min(2 * c, x[b].scales, &sc0, &m0);
      q4k_scale_min(2 * c + 1, x[b].scales, &sc1, &m1);
      const float d0 = d * sc0, mm0 = dmin * m0, d1 = d * sc1, mm1 = dmin * m1;
      for (int l = 0; l < 32; ++l) *y++ = d0 * static_cast<float>(qs[l] & 0x0F) - mm0;
      for (int l = 0; l < 32; ++l) *y++ = d1 * static_cast<float>(qs[l] >> 4) - mm1;
    }
  }
}

// Q6_K code layout, per half of 128 elements (ql advances 64, qh 32):
// element l (0..31)      : ql[l] low nibble,      qh[l] bits 0-1
// element l + 32         : ql[l + 32] low nibble, qh[l] bits 2-3
// element l + 64         : ql[l] high nibble,     qh[l] bits 4-5
// element l + 96         : ql[l + 32] high nibble, qh[l] bits 6-7
void quantize_q6_K(const float* x, BlockQ6_K* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK_K; ++b, x += kQK_K) {
    float s[16];
    float amax = 0;
    for (int j = 0; j < 16; ++j) {
      s[j] = fit_symmetric6(x + 16 * j, 16);
      amax = std::max(amax, std::fabs(s[j]));
    }
    BlockQ6_K& blk = y[b];
    blk.d = float_to_half(amax / 127.f);
    const float d = half_to_float(blk.d);
    uint8_t q[kQK_K];
    for (int j = 0; j < 16; ++j) {
      const int ls = d > 0 ? std::clamp(nearest_int(s[j] / d), -128, 127) : 0;
      blk.scales[j] = static_cast<int8_t>(ls);
      const float dj = d * ls;
      const float idj = dj != 0 ? 1.f / dj : 0.f;
      for (int i = 0; i < 16; ++i) {
        q[16 * j + i] =
            static_cast<uint8_t>(std::clamp(nearest_int(x[16 * j + i] * idj), -32, 31) + 32);
      }
    }
    for (int h = 0; h < 2; ++h) {
      const uint8_t* qq = q + 128 * h;
      uint8_t* ql = blk.ql + 64 * h;
      uint8_t* qh = blk.qh + 32 * h;
      for (int l = 0; l < 32; ++l) {
        ql[l] = static_cast<uint8_t>((qq[l] & 0x0F) | ((qq[l + 64] & 0x0F) << 4));
        ql[l + 32] = static_cast<uint8_t>((qq[l + 32] & 0x0F) | ((qq[l + 96] & 0x0F) << 4));
        qh[l] = static_cast<uint8_t>((qq[l] >> 4) | ((qq[l + 32] >> 4) << 2) |
                                     ((qq[l + 64] >> 4) << 4) | ((qq[l + 96] >> 4) << 6));
      }
    }
  }
}

void dequantize_q6_K(const BlockQ6_K* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float d = half_to_float(x[b].d);
    for (int h = 0; h < 2; ++h) {
      const uint8_t* ql = x[b].ql + 64 * h;
      const uint8_t* qh = x[b].qh + 32 * h;
      const int8_t* sc = x[b].scales + 8 * h;
      float* yy = y + 128 * h;
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const int q1 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        yy[l] = (d * sc[is + 0]) * static_cast<float>(q1);
        yy[l + 32] = (d * sc[is + 2]) * static_cast<float>(q2);
        yy[l + 64] = (d * sc[is + 4]) * static_cast<float>(q3);
        yy[l + 96] = (d * sc[is + 6]) * static_cast<float>(q4);
      }
    }
    y += kQK_K;
  }
}

}  // namespace mosaic::kernels::ref
