// Dense SwiGLU feed-forward: down(silu(gate x) * up x). Used by the leading
// dense layers of deepseek2 and by shared experts, which run on every token.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/blocks/linear.h"
#include "engine/model/weights.h"
#include "kernels/cpu/thread_pool.h"

namespace mosaic {

struct FfnWeights {
  Weight gate;  // {n_embd, n_ff}
  Weight up;    // {n_embd, n_ff}
  Weight down;  // {n_ff, n_embd}
  bool present() const { return down.present(); }
  int64_t n_ff() const { return down.ne[0]; }
};

struct FfnScratch {
  std::vector<float> gate, up, out;
  LinearInput hidden;
};

// accumulate_into[t] += FFN(input row t) for the input's n_tok rows; `input`
// may already hold conversions of x that other products made (router).
void swiglu_ffn(kernels::ThreadPool& pool, const FfnWeights& w, LinearInput& input, int64_t n_embd,
                float* accumulate_into, FfnScratch& scratch);

}  // namespace mosaic
