#pragma once

#include <cstdint>
#include <vector>

#include "engine/blocks/linear.h"
#include "engine/model/architecture.h"

namespace mosaic {

struct OutputHeadScratch {
  std::vector<float> normed;
  LinearInput input;
};

// logits = head(rms_norm(x) * norm_weight) for the last row of x, or for
// every row, as the batch asks.
void compute_logits(kernels::ThreadPool& pool, const Weight& norm, float eps, const Weight& head,
                    const float* x, int64_t n_tok, int64_t n_embd, const ForwardBatch& batch,
                    OutputHeadScratch& scratch);

}  // namespace mosaic
