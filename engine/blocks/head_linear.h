// One small matrix per attention head, applied to that head's slice of every
// token: the k_b / v_b up-projections of multi-head latent attention, whose
// weights are stacked {n_in, n_out, n_head} like experts.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/model/weights.h"
#include "kernels/cpu/matmul.h"

namespace mosaic {

struct HeadLinearScratch {
  std::vector<uint8_t> converted;  // activations in the weights' dot-product type
  std::vector<kernels::MatmulTask> tasks;
};

// For t < n_tok, h < n_head = w.ne[2]:
//   y[(t * n_head + h) * y_stride ..] = W[h] * x[(t * n_head + h) * x_stride ..]
// reading w.ne[0] floats of each x row and writing w.ne[1] floats per y row.
// All heads run in one parallel region.
void per_head_linear(kernels::ThreadPool& pool, const Weight& w, const float* x, int64_t x_stride,
                     int64_t n_tok, float* y, int64_t y_stride, HeadLinearScratch& scratch);

}  // namespace mosaic
