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
};

using GemmFn = void (*)(const GemmItem& item);
using GemmScratchFn = size_t (*)(DType type, int64_t n_in, int64_t n_tok);

struct IsaKernels {
  DotFn dot[kDTypeSlots] = {};      // weight type -> dot with vec_dot_type row
  RowFn dequant[kDTypeSlots] = {};  // null: use the reference
  GemmFn gemm[kDTypeSlots] = {};    // null: no blocked kernel for that type
  GemmScratchFn gemm_scratch = nullptr;
  int gemm_rows = 0;        // row block granularity of the blocked kernels
  int gemm_min_tokens = 0;  // below this many tokens, per-row dots are faster
  void (*axpy_f16)(float* y, float a, const uint16_t* x, int64_t n) = nullptr;
  void (*fp32_to_fp16_row)(const float* x, uint16_t* y, int64_t n) = nullptr;
};

// Table for the active ISA (never null; entries may be null as documented).
const IsaKernels& active_kernels();
const IsaKernels& kernels_for(CpuIsa isa);

// Filled by the per-ISA translation units (only built on x86): dot_*.cpp
// fill the dot/row entries and call fill_gemm from matmul_*.cpp.
#define MOSAIC_DECLARE_ISA(ns)                                    \
  namespace ns {                                                  \
  void fill_kernels(IsaKernels& k);                               \
  void fill_gemm(IsaKernels& k);                                  \
  void axpy_f16(float* y, float a, const uint16_t* x, int64_t n); \
  void fp32_to_fp16_row(const float* x, uint16_t* y, int64_t n);  \
  void dequant_f16(const void* src, float* dst, int64_t n);       \
  }
MOSAIC_DECLARE_ISA(avx2)
MOSAIC_DECLARE_ISA(avx512)
#undef MOSAIC_DECLARE_ISA

}  // namespace mosaic::kernels
