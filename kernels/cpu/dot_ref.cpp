// Scalar reference dot products. Integer sums inside a block are exact; the
// per-block scale products are accumulated in double, so these are the
// yardstick the SIMD kernels are tested against.
#include <cassert>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/dot.h"

namespace mosaic::kernels::ref {
namespace {

double dot_f32(int64_t n, const float* w, const float* x) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += static_cast<double>(w[i]) * x[i];
  return s;
}

double dot_f16(int64_t n, const uint16_t* w, const float* x) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += static_cast<double>(half_to_float(w[i])) * x[i];
  return s;
}

double dot_bf16(int64_t n, const uint16_t* w, const float* x) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += static_cast<double>(bf16_bits_to_float(w[i])) * x[i];
  return s;
}

double dot_q8_0(int64_t n, const BlockQ8_0* w, const BlockQ8_0* x) {
  double s = 0;
  for (int64_t b = 0; b < n / kQK8_0; ++b) {
    int32_t isum = 0;
    for (int i = 0; i < kQK8_0; ++i) isum += w[b].qs[i] * x[b].qs[i];
    s += static_cast<double>(half_to_float(w[b].d)) * half_to_float(x[b].d) * isum;
  }
  return s;
}

double dot_q4_0(int64_t n, const BlockQ4_0* w, const BlockQ8_0* x) {
  double s = 0;
  for (int64_t b = 0; b < n / kQK4_0; ++b) {
    int32_t isum = 0;
    for (int i = 0; i < kQK4_0 / 2; ++i) {
      isum += ((w[b].qs[i] & 0x0F) - 8) * x[b].qs[i];
      isum += ((w[b].qs[i] >> 4) - 8) * x[b].qs[i + 16];
    }
    s += static_cast<double>(half_to_float(w[b].d)) * half_to_float(x[b].d) * isum;
  }
  return s;
}

double dot_q4_K(int64_t n, const BlockQ4_K* w, const BlockQ8_K* x) {
  double s = 0;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    int64_t sum_scaled = 0, sum_mins = 0;
    for (int j = 0; j < 8; ++j) {
      uint8_t sc, m;
      q4k_scale_min(j, w[b].scales, &sc, &m);
      const uint8_t* qs = w[b].qs + 32 * (j / 2);
      const int shift = (j % 2) * 4;
      int32_t isum = 0;
      for (int i = 0; i < 32; ++i) isum += ((qs[i] >> shift) & 0x0F) * x[b].qs[32 * j + i];
      sum_scaled += static_cast<int64_t>(sc) * isum;
      sum_mins += static_cast<int64_t>(m) * (x[b].bsums[2 * j] + x[b].bsums[2 * j + 1]);
    }
    const double d = half_to_float(w[b].d), dmin = half_to_float(w[b].dmin);
    s += static_cast<double>(x[b].d) * (d * sum_scaled - dmin * sum_mins);
  }
  return s;
}

double dot_q6_K(int64_t n, const BlockQ6_K* w, const BlockQ8_K* x) {
  double s = 0;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    int64_t sum_scaled = 0;
    for (int h = 0; h < 2; ++h) {
      const uint8_t* ql = w[b].ql + 64 * h;
      const uint8_t* qh = w[b].qh + 32 * h;
      int32_t isum[8] = {};  // per 16-element group of this half
      const int8_t* xq = x[b].qs + 128 * h;
      for (int l = 0; l < 32; ++l) {
        const int q1 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        isum[(l) / 16] += q1 * xq[l];
        isum[(l + 32) / 16] += q2 * xq[l + 32];
        isum[(l + 64) / 16] += q3 * xq[l + 64];
        isum[(l + 96) / 16] += q4 * xq[l + 96];
      }
      for (int g = 0; g < 8; ++g)
        sum_scaled += static_cast<int64_t>(w[b].scales[8 * h + g]) * isum[g];
    }
    s += static_cast<double>(x[b].d) * half_to_float(w[b].d) * static_cast<double>(sum_scaled);
  }
  return s;
}

double dot_q8_K(int64_t n, const BlockQ8_K* w, const BlockQ8_K* x) {
  double s = 0;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    int32_t isum = 0;
    for (int i = 0; i < kQK_K; ++i) isum += w[b].qs[i] * x[b].qs[i];
    s += static_cast<double>(w[b].d) * x[b].d * isum;
  }
  return s;
}

}  // namespace

float vec_dot(DType weight_type, int64_t n, const void* w_row, const void* x_row) {
  assert(n % type_traits(weight_type).block_elems == 0);
  switch (weight_type) {
    case DType::F32:
      return static_cast<float>(
          dot_f32(n, static_cast<const float*>(w_row), static_cast<const float*>(x_row)));
    case DType::F16:
      return static_cast<float>(
          dot_f16(n, static_cast<const uint16_t*>(w_row), static_cast<const float*>(x_row)));
    case DType::BF16:
      return static_cast<float>(
          dot_bf16(n, static_cast<const uint16_t*>(w_row), static_cast<const float*>(x_row)));
    case DType::Q8_0:
      return static_cast<float>(
          dot_q8_0(n, static_cast<const BlockQ8_0*>(w_row), static_cast<const BlockQ8_0*>(x_row)));
    case DType::Q4_0:
      return static_cast<float>(
          dot_q4_0(n, static_cast<const BlockQ4_0*>(w_row), static_cast<const BlockQ8_0*>(x_row)));
    case DType::Q4_K:
      return static_cast<float>(
          dot_q4_K(n, static_cast<const BlockQ4_K*>(w_row), static_cast<const BlockQ8_K*>(x_row)));
    case DType::Q6_K:
      return static_cast<float>(
          dot_q6_K(n, static_cast<const BlockQ6_K*>(w_row), static_cast<const BlockQ8_K*>(x_row)));
    case DType::Q8_K:
      return static_cast<float>(
          dot_q8_K(n, static_cast<const BlockQ8_K*>(w_row), static_cast<const BlockQ8_K*>(x_row)));
  }
  assert(false && "vec_dot: unsupported weight type");
  return 0.f;
}

}  // namespace mosaic::kernels::ref
