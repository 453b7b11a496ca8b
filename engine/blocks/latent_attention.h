// Causal attention of multi-head latent attention (deepseek2) in its absorbed
// form: every head attends to the same cached rows [c_kv (kv_lora), k_pe
// (rope)] with a query already mapped into that space, and its output is the
// weighted sum of the c_kv parts.
//
// Because all heads share the rows, the scores of all heads of a chunk of
// tokens are one matrix product with the cache as the weight matrix (the
// optimized kernels: the cached rows are repacked once per chunk, not once
// per token), and the weighted sum reads each row once per group of heads
// instead of once per head.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/model/kv_cache.h"
#include "kernels/cpu/matmul.h"
#include "kernels/cpu/thread_pool.h"

namespace mosaic {

struct LatentAttentionShape {
  int64_t n_head = 0;
  int64_t latent = 0;   // cached floats per position (kv_lora + rope)
  int64_t kv_lora = 0;  // leading part of a row that is also the value
  float scale = 1.0f;   // applied to q.k
};

struct LatentAttentionScratch {
  std::vector<float> scores;  // chunk_tokens * n_head rows of n_ctx
  int64_t n_ctx = 0;
  int64_t chunk_tokens = 1;  // tokens whose scores are computed together
  void prepare(int64_t n_head, int64_t n_ctx);
};

// For each token t (position pos0 + t) and head h:
//   out[t][h] = sum_p softmax_p(q[t][h] . row[p] * scale) * row[p][0..kv_lora)
// over p <= pos0 + t. q rows: n_head * latent floats per token; out rows:
// n_head * kv_lora floats per token. Rows up to pos0 + n_tok - 1 must be
// cached already.
void attend_latent(kernels::ThreadPool& pool, const KvCache& kv, int64_t layer,
                   const LatentAttentionShape& shape, const float* q, int64_t n_tok, int64_t pos0,
                   float* out, LatentAttentionScratch& scratch);

}  // namespace mosaic
