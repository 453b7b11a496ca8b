// Matrix products of quantized weights with float activations: the bulk of
// inference time.
//
// Layout follows GGUF: a weight matrix is n_out rows of n_in elements, each
// row stored contiguously in its DType (row_bytes(type, n_in) bytes). The
// result is y[t][o] = sum_i W[o][i] * x[t][i].
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/cpu/thread_pool.h"
#include "kernels/cpu/types.h"

namespace mosaic::kernels {

// Reusable buffers so the decode path makes no allocations after warm-up.
struct MatmulScratch {
  std::vector<uint8_t> activations;  // x converted to the weights' vec_dot_type
};

// Converts n_rows rows of x (float, row stride ldx floats, n_in used) to
// `type` into `out` (resized as needed), row stride row_bytes(type, n_in).
void quantize_rows(ThreadPool& pool, DType type, const float* x, int64_t n_rows, int64_t n_in,
                   int64_t ldx, std::vector<uint8_t>& out);

// Dense product: y (n_tok rows, stride ldy) = x (n_tok rows, stride ldx) * W^T.
void matmul(ThreadPool& pool, DType w_type, const void* w, int64_t n_in, int64_t n_out,
            const float* x, int64_t n_tok, int64_t ldx, float* y, int64_t ldy,
            MatmulScratch& scratch);

// One weight matrix applied to a set of activation rows that are already in
// the weights' vec_dot_type. Used for mixture-of-experts layers, where each
// expert sees only the tokens routed to it.
struct MatmulTask {
  const void* w;             // n_out rows of row_bytes(w_type, n_in) bytes
  const uint8_t* x;          // activation rows in vec_dot_type
  size_t x_stride_bytes;     // bytes between consecutive activation rows
  const int32_t* x_rows;     // row r uses activation row x_rows[r]; nullptr = row r
  int64_t n_rows;            // number of activation rows (tokens) for this task
  float* y;                  // output row r starts at y + r * ldy
  int64_t ldy;
};

// Runs all tasks (same weight type and shape) in one parallel region, split
// into (task, block of output rows) work items so that a few busy experts and
// many idle ones still balance across threads.
void matmul_tasks(ThreadPool& pool, DType w_type, int64_t n_in, int64_t n_out,
                  std::span<const MatmulTask> tasks);

namespace ref {
// Plain reference: dequantize each row, double accumulation.
void matmul(DType w_type, const void* w, int64_t n_in, int64_t n_out, const float* x,
            int64_t n_tok, int64_t ldx, float* y, int64_t ldy);
}  // namespace ref

}  // namespace mosaic::kernels
