// Internal: the per-ISA kernel tables behind the dispatched entry points.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/cpu/dot.h"
#include "kernels/cpu/types.h"

namespace mosaic::kernels {

// DType values are GGML ids <= 30; tables are indexed by them directly.
constexpr int kDTypeSlots = 31;
constexpr int slot(DType t) { return static_cast<int>(t); }

using DotFn = float (*)(int64_t n, const void* w, const void* x);
using RowFn = void (*)(const void* src, float* dst, int64_t n);

// One (row block x token set) work item of a blocked matrix product. The ISA
// kernel repacks the weight block once and reuses it for every token.
struct GemmItem {
  int64_t n_in = 0;
  const uint8_t* w = nullptr;  // first weight row of the block
  size_t w_row_bytes = 0;
  int64_t n_rows = 0;                 // rows in this block, <= IsaKernels::gemm_rows
  const uint8_t* const* x = nullptr;  // n_tok activation rows (vec_dot_type)
  float* const* y = nullptr;          // n_tok output rows, offset to the block's first row
  int64_t n_tok = 0;
  uint8_t* scratch = nullptr;  // 64-byte aligned, >= gemm_scratch(type, n_in, n_tok) bytes
  // Per-token side data from gemm_prep (quantized types), laid out
  // [sub-block][token]: entry (j, t) at index j * meta_stride + t, already
  // offset to this item's first token.
  const int32_t* x_start = nullptr;
  const float* x_dx = nullptr;
  const float* x_mdx = nullptr;
  int64_t meta_stride = 0;
};

using GemmFn = void (*)(const GemmItem& item);
// Sub-blocks per row that gemm_prep describes (0: the type needs no prep).
using GemmSubsFn = int64_t (*)(DType type, int64_t n_in);
// Side data of one activation row for the blocked kernel: the integer
// accumulator's start value, the activation scale and the min factor of
// every sub-block, written at start[j * stride] etc.
using GemmPrepFn = void (*)(DType type, int64_t n_in, const uint8_t* x_row, int32_t* start,
                            float* dx, float* mdx, int64_t stride);

// Decode path: the activation row is rearranged once per matmul call into an
// ISA-specific layout (gemv_prep) so that each weight block needs fewer
// instructions; gemv then computes y[r] for n_rows consecutive weight rows.
using GemvPrepBytesFn = size_t (*)(DType w_type, int64_t n_in);  // 0: no gemv for the type
using GemvPrepFn = void (*)(DType w_type, int64_t n_in, const uint8_t* x_row, uint8_t* out);
using GemvFn = void (*)(DType w_type, int64_t n_in, const uint8_t* w, size_t w_row_bytes,
                        int64_t n_rows, const uint8_t* x_prepared, float* y);
using GemmScratchFn = size_t (*)(DType type, int64_t n_in, int64_t n_tok);

struct IsaKernels {
  DotFn dot[kDTypeSlots] = {};      // weight type -> dot with vec_dot_type row
  RowFn dequant[kDTypeSlots] = {};  // null: use the reference
  // Activation quantizers (same bytes as the reference); null: reference.
  void (*quantize[kDTypeSlots])(const float* src, void* dst, int64_t n) = {};
  GemmFn gemm[kDTypeSlots] = {};  // null: no blocked kernel for that type
  GemmScratchFn gemm_scratch = nullptr;
  GemmSubsFn gemm_subs = nullptr;
  GemmPrepFn gemm_prep = nullptr;
  GemvPrepBytesFn gemv_prep_bytes = nullptr;
  GemvPrepFn gemv_prep = nullptr;
  GemvFn gemv = nullptr;
  int gemm_rows = 0;        // row block granularity of the blocked kernels
  int gemm_min_tokens = 0;  // below this many tokens, per-row dots are faster
  void (*axpy_f16)(float* y, float a, const uint16_t* x, int64_t n) = nullptr;
  void (*axpy)(float* y, float a, const float* x, int64_t n) = nullptr;
  void (*weighted_row_sum)(const float* w, int64_t w_stride, int64_t n_out, const void* v,
                           bool v_f16, int64_t v_row_stride, int64_t n_rows, float* out,
                           int64_t out_stride, int64_t n_cols) = nullptr;
  void (*fp32_to_fp16_row)(const float* x, uint16_t* y, int64_t n) = nullptr;
  // Element-wise functions built on exp (null: the portable loops in ops.cpp).
  void (*softmax)(float* x, int64_t n) = nullptr;
  void (*swiglu)(const float* gate, const float* up, float* out, int64_t n) = nullptr;
  void (*gelu_tanh)(float* x, int64_t n) = nullptr;
  void (*gelu_erf)(float* x, int64_t n) = nullptr;
};

// Table for the active ISA (never null; entries may be null as documented).
const IsaKernels& active_kernels();
const IsaKernels& kernels_for(CpuIsa isa);

// Filled by the per-ISA translation units (only built on x86): dot_*.cpp
// fill the dot/row entries and call fill_gemm (matmul_*.cpp) and fill_gemv
// (gemv_*.cpp).
#define MOSAIC_DECLARE_ISA(ns)                                                          \
  namespace ns {                                                                        \
  void fill_kernels(IsaKernels& k);                                                     \
  void fill_gemm(IsaKernels& k);                                                        \
  void fill_gemv(IsaKernels& k);                                                        \
  void axpy_f16(float* y, float a, const uint16_t* x, int64_t n);                       \
  void axpy_f32(float* y, float a, const float* x, int64_t n);                          \
  void weighted_row_sum(const float* w, int64_t w_stride, int64_t n_out, const void* v, \
                        bool v_f16, int64_t v_row_stride, int64_t n_rows, float* out,   \
                        int64_t out_stride, int64_t n_cols);                            \
  void fp32_to_fp16_row(const float* x, uint16_t* y, int64_t n);                        \
  void softmax(float* x, int64_t n);                                                    \
  void swiglu(const float* gate, const float* up, float* out, int64_t n);               \
  void gelu_tanh(float* x, int64_t n);                                                  \
  void gelu_erf(float* x, int64_t n);                                                   \
  void dequant_f16(const void* src, float* dst, int64_t n);                             \
  void quantize_q8_0(const float* x, void* dst, int64_t n);                             \
  void quantize_q8_K(const float* x, void* dst, int64_t n);                             \
  }
MOSAIC_DECLARE_ISA(avx2)
MOSAIC_DECLARE_ISA(avx512)
#undef MOSAIC_DECLARE_ISA

}  // namespace mosaic::kernels
