// Causal multi-head attention over a session's KV cache, grouped-query
// (several query heads share one key/value head).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/model/kv_cache.h"
#include "kernels/cpu/thread_pool.h"

namespace mosaic {

struct AttentionShape {
  int64_t n_head = 0;
  int64_t n_head_kv = 0;
  int64_t head_dim = 0;    // query/key width per head
  int64_t v_head_dim = 0;  // value width per head
  float scale = 1.0f;      // applied to q.k, usually 1/sqrt(head_dim)
};

struct AttentionScratch {
  std::vector<float> scores;  // per thread, one row of n_ctx per head of a task
  int64_t n_ctx = 0;
  int64_t heads_per_task = 0;
  // heads_per_task: the query heads that share a key/value head (n_head /
  // n_head_kv); a task works on those together.
  void prepare(int n_threads, int64_t n_ctx, int64_t heads_per_task);
};

// For each token t (at position pos0 + t), for each head h:
//   out[t][h] = softmax(q[t][h] . K[0..pos0+t][h / group] * scale) V[...]
// Keys and values of positions up to pos0 + n_tok - 1 must already be in the
// cache. q rows have stride ldq floats, out rows ldo floats.
void attend_cached(kernels::ThreadPool& pool, const KvCache& kv, int64_t layer,
                   const AttentionShape& shape, const float* q, int64_t ldq, int64_t n_tok,
                   int64_t pos0, float* out, int64_t ldo, AttentionScratch& scratch);

}  // namespace mosaic
