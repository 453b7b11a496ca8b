// Element-wise and row-wise operations. Plain loops the compiler vectorizes;
// only axpy, axpy_f16 and the fp16 row conversion go through the ISA tables
// (F16C converts 8-16 halves per instruction, the scalar path bit by bit).
#include "kernels/cpu/ops.h"

#include <algorithm>
#include <cmath>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/isa.h"

namespace mosaic::kernels {
namespace {

// Sum of squares with 8 independent partial sums: vectorizes without
// -ffast-math and is more accurate than one long serial sum.
float sum_squares(const float* x, int64_t n) {
  float acc[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) acc[k] += x[i + k] * x[i + k];
  }
  float s = 0;
  for (; i < n; ++i) s += x[i] * x[i];
  for (int k = 0; k < 8; ++k) s += acc[k];
  return s;
}

}  // namespace

void rms_norm(const float* x, const float* weight, float* y, int64_t n, float eps) {
  const float scale = 1.f / std::sqrt(sum_squares(x, n) / static_cast<float>(n) + eps);
  if (weight) {
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] * scale * weight[i];
  } else {
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] * scale;
  }
}

void rope_neox(float* x, int64_t n_heads, int64_t head_dim, int64_t rope_dims, int64_t pos,
               float freq_base, float freq_scale) {
  const int64_t half = rope_dims / 2;
  // The angles are shared by all heads: compute them once (in double, they
  // are few) and rotate every head with them.
  constexpr int64_t kMaxHalf = 512;
  float cs[kMaxHalf], sn[kMaxHalf];
  if (half > kMaxHalf)
    return ref::rope_neox(x, n_heads, head_dim, rope_dims, pos, freq_base, freq_scale);
  for (int64_t i = 0; i < half; ++i) {
    const double theta = static_cast<double>(pos) * freq_scale *
                         std::pow(static_cast<double>(freq_base), -2.0 * i / rope_dims);
    cs[i] = static_cast<float>(std::cos(theta));
    sn[i] = static_cast<float>(std::sin(theta));
  }
  for (int64_t h = 0; h < n_heads; ++h) {
    float* v = x + h * head_dim;
    for (int64_t i = 0; i < half; ++i) {
      const float a = v[i], b = v[i + half];
      v[i] = a * cs[i] - b * sn[i];
      v[i + half] = a * sn[i] + b * cs[i];
    }
  }
}

void softmax(float* x, int64_t n) {
  if (n <= 0) return;
  if (auto f = active_kernels().softmax) return f(x, n);
  float mx = x[0];
  for (int64_t i = 1; i < n; ++i) mx = std::max(mx, x[i]);
  float sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - mx);
    sum += x[i];
  }
  const float inv = 1.f / sum;
  for (int64_t i = 0; i < n; ++i) x[i] *= inv;
}

void swiglu(const float* gate, const float* up, float* out, int64_t n) {
  if (auto f = active_kernels().swiglu) return f(gate, up, out, n);
  for (int64_t i = 0; i < n; ++i) {
    const float g = gate[i];
    out[i] = g / (1.f + std::exp(-g)) * up[i];
  }
}

void gelu_tanh(float* x, int64_t n) {
  if (auto f = active_kernels().gelu_tanh) return f(x, n);
  constexpr float kSqrt2OverPi = 0.7978845608028654f;
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    x[i] = 0.5f * v * (1.0f + std::tanh(kSqrt2OverPi * (v + 0.044715f * v * v * v)));
  }
}

void gelu_erf(float* x, int64_t n) {
  if (auto f = active_kernels().gelu_erf) return f(x, n);
  for (int64_t i = 0; i < n; ++i) x[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * 0.70710678f));
}

void axpy(float* y, float a, const float* x, int64_t n) {
  if (auto f = active_kernels().axpy) return f(y, a, x, n);
  ref::axpy(y, a, x, n);
}

void axpy_f16(float* y, float a, const uint16_t* x, int64_t n) {
  if (auto f = active_kernels().axpy_f16) return f(y, a, x, n);
  ref::axpy_f16(y, a, x, n);
}

void weighted_row_sum(const float* w, int64_t w_stride, int64_t n_out, const void* v, bool v_f16,
                      int64_t v_row_stride, int64_t n_rows, float* out, int64_t out_stride,
                      int64_t n_cols) {
  if (auto f = active_kernels().weighted_row_sum) {
    return f(w, w_stride, n_out, v, v_f16, v_row_stride, n_rows, out, out_stride, n_cols);
  }
  ref::weighted_row_sum(w, w_stride, n_out, v, v_f16, v_row_stride, n_rows, out, out_stride,
                        n_cols);
}

void scale(float* y, float a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] *= a;
}

void fp32_to_fp16_row(const float* x, uint16_t* y, int64_t n) {
  if (auto f = active_kernels().fp32_to_fp16_row) return f(x, y, n);
  for (int64_t i = 0; i < n; ++i) y[i] = float_to_half(x[i]);
}

namespace ref {

void rms_norm(const float* x, const float* weight, float* y, int64_t n, float eps) {
  double ss = 0;
  for (int64_t i = 0; i < n; ++i) ss += static_cast<double>(x[i]) * x[i];
  const double scale = 1.0 / std::sqrt(ss / static_cast<double>(n) + eps);
  for (int64_t i = 0; i < n; ++i) {
    y[i] = static_cast<float>(x[i] * scale * (weight ? weight[i] : 1.f));
  }
}

void rope_neox(float* x, int64_t n_heads, int64_t head_dim, int64_t rope_dims, int64_t pos,
               float freq_base, float freq_scale) {
  const int64_t half = rope_dims / 2;
  for (int64_t h = 0; h < n_heads; ++h) {
    float* v = x + h * head_dim;
    for (int64_t i = 0; i < half; ++i) {
      const double theta = static_cast<double>(pos) * freq_scale *
                           std::pow(static_cast<double>(freq_base), -2.0 * i / rope_dims);
      const double a = v[i], b = v[i + half];
      v[i] = static_cast<float>(a * std::cos(theta) - b * std::sin(theta));
      v[i + half] = static_cast<float>(a * std::sin(theta) + b * std::cos(theta));
    }
  }
}

void softmax(float* x, int64_t n) {
  if (n <= 0) return;
  double mx = x[0];
  for (int64_t i = 1; i < n; ++i) mx = std::max<double>(mx, x[i]);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += std::exp(x[i] - mx);
  for (int64_t i = 0; i < n; ++i) x[i] = static_cast<float>(std::exp(x[i] - mx) / sum);
}

void swiglu(const float* gate, const float* up, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double g = gate[i];
    out[i] = static_cast<float>(g / (1.0 + std::exp(-g)) * up[i]);
  }
}

void gelu_tanh(float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double v = x[i];
    x[i] = static_cast<float>(
        0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v))));
  }
}

void gelu_erf(float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double v = x[i];
    x[i] = static_cast<float>(0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))));
  }
}

void axpy_f16(float* y, float a, const uint16_t* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += a * half_to_float(x[i]);
}

void axpy(float* y, float a, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

void weighted_row_sum(const float* w, int64_t w_stride, int64_t n_out, const void* v, bool v_f16,
                      int64_t v_row_stride, int64_t n_rows, float* out, int64_t out_stride,
                      int64_t n_cols) {
  for (int64_t h = 0; h < n_out; ++h) {
    for (int64_t c = 0; c < n_cols; ++c) {
      float sum = 0.0f;
      for (int64_t p = 0; p < n_rows; ++p) {
        const int64_t at = p * v_row_stride + c;
        const float x = v_f16 ? half_to_float(static_cast<const uint16_t*>(v)[at])
                              : static_cast<const float*>(v)[at];
        sum += w[h * w_stride + p] * x;
      }
      out[h * out_stride + c] = sum;
    }
  }
}

}  // namespace ref
}  // namespace mosaic::kernels
