#include "engine/blocks/output_head.h"

#include "engine/blocks/rows.h"
#include "kernels/cpu/ops.h"

namespace mosaic {

void compute_logits(kernels::ThreadPool& pool, const Weight& norm, float eps, const Weight& head,
                    const float* x, int64_t n_tok, int64_t n_embd, const ForwardBatch& batch,
                    OutputHeadScratch& s) {
  if (batch.logits_wanted == LogitsWanted::None) return;
  const bool all = batch.logits_wanted == LogitsWanted::AllPositions;
  const int64_t first = all ? 0 : n_tok - 1;
  const int64_t n_rows = n_tok - first;
  s.normed.resize(n_rows * n_embd);
  for_each_row(pool, n_rows, [&](int64_t r) {
    kernels::rms_norm(x + (first + r) * n_embd, norm.f32(), s.normed.data() + r * n_embd, n_embd,
                      eps);
  });
  s.input.set(s.normed.data(), n_rows, n_embd, n_embd);
  linear(pool, head, s.input, batch.logits, head.ne[1]);
}

}  // namespace mosaic
