#include "engine/blocks/ffn.h"

#include "engine/blocks/rows.h"
#include "kernels/cpu/ops.h"

namespace mosaic {

void swiglu_ffn(kernels::ThreadPool& pool, const FfnWeights& w, LinearInput& input, int64_t n_embd,
                float* accumulate_into, FfnScratch& s) {
  const int64_t n_tok = input.n_tok();
  const int64_t n_ff = w.n_ff();
  // resize() keeps capacity: after the first (largest) batch no allocation.
  s.gate.resize(n_tok * n_ff);
  s.up.resize(n_tok * n_ff);
  s.out.resize(n_tok * n_embd);
  if (w.gate.type == w.up.type) {
    // One parallel region for both products (decode: one wake-up, not two).
    size_t stride = 0;
    const uint8_t* x = input.rows(pool, kernels::type_traits(w.gate.type).vec_dot_type, &stride);
    const kernels::MatmulTask tasks[2] = {
        {w.gate.data, x, stride, nullptr, n_tok, s.gate.data(), n_ff},
        {w.up.data, x, stride, nullptr, n_tok, s.up.data(), n_ff}};
    kernels::matmul_tasks(pool, w.gate.type, n_embd, n_ff, tasks);
  } else {
    linear(pool, w.gate, input, s.gate.data(), n_ff);
    linear(pool, w.up, input, s.up.data(), n_ff);
  }
  for_each_row(pool, n_tok, [&](int64_t t) {
    kernels::swiglu(s.gate.data() + t * n_ff, s.up.data() + t * n_ff, s.gate.data() + t * n_ff,
                    n_ff);
  });
  s.hidden.set(s.gate.data(), n_tok, n_ff, n_ff);
  linear(pool, w.down, s.hidden, s.out.data(), n_embd);
  for_each_row(pool, n_tok, [&](int64_t t) {
    kernels::axpy(accumulate_into + t * n_embd, 1.0f, s.out.data() + t * n_embd, n_embd);
  });
}

}  // namespace mosaic
