// Element-wise and row-wise operations around the matrix products. Each has a
// scalar reference in namespace ref; the dispatched versions may vectorize.
#pragma once

#include <cstdint>

namespace mosaic::kernels {

// y = x / sqrt(mean(x^2) + eps) * weight (weight may be nullptr: no scale).
// y may alias x.
void rms_norm(const float* x, const float* weight, float* y, int64_t n, float eps);

// NEOX-style rotary embedding in place on n_heads vectors of head_dim floats
// (stride head_dim): the first rope_dims dims are rotated as pairs
// (i, i + rope_dims/2) with angle pos * freq_base^(-2i/rope_dims) * freq_scale.
void rope_neox(float* x, int64_t n_heads, int64_t head_dim, int64_t rope_dims, int64_t pos,
               float freq_base, float freq_scale);

// In-place numerically stable softmax over n values.
void softmax(float* x, int64_t n);

// out[i] = silu(gate[i]) * up[i]. out may alias gate or up.
void swiglu(const float* gate, const float* up, float* out, int64_t n);

// GELU in place: the tanh approximation 0.5x(1 + tanh(sqrt(2/pi)(x +
// 0.044715x^3))) and the exact 0.5x(1 + erf(x/sqrt(2))).
void gelu_tanh(float* x, int64_t n);
void gelu_erf(float* x, int64_t n);

// y[i] += a * x[i]
void axpy(float* y, float a, const float* x, int64_t n);
// y[i] += a * x[i] with x in IEEE half precision (KV cache rows).
void axpy_f16(float* y, float a, const uint16_t* x, int64_t n);
// y[i] *= a
void scale(float* y, float a, int64_t n);

// The value sum of attention as one small product: for h < n_out and
// c < n_cols, out[h * out_stride + c] = sum over p < n_rows of
// w[h * w_stride + p] * v_p[c], where v_p is row p of v, stored as F32 or
// (v_f16 == true) IEEE half, rows v_row_stride elements apart. out is
// overwritten. Each v row is read once for all n_out outputs.
void weighted_row_sum(const float* w, int64_t w_stride, int64_t n_out, const void* v, bool v_f16,
                      int64_t v_row_stride, int64_t n_rows, float* out, int64_t out_stride,
                      int64_t n_cols);

// Converts n floats to half precision (rounding to nearest even).
void fp32_to_fp16_row(const float* x, uint16_t* y, int64_t n);

namespace ref {
void rms_norm(const float* x, const float* weight, float* y, int64_t n, float eps);
void rope_neox(float* x, int64_t n_heads, int64_t head_dim, int64_t rope_dims, int64_t pos,
               float freq_base, float freq_scale);
void softmax(float* x, int64_t n);
void swiglu(const float* gate, const float* up, float* out, int64_t n);
void gelu_tanh(float* x, int64_t n);
void gelu_erf(float* x, int64_t n);
void axpy_f16(float* y, float a, const uint16_t* x, int64_t n);
void axpy(float* y, float a, const float* x, int64_t n);
void weighted_row_sum(const float* w, int64_t w_stride, int64_t n_out, const void* v, bool v_f16,
                      int64_t v_row_stride, int64_t n_rows, float* out, int64_t out_stride,
                      int64_t n_cols);
}  // namespace ref

}  // namespace mosaic::kernels
