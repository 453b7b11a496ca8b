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
#include "engine/model/weights.h"
#include "kernels/cpu/matmul.h"
#include "kernels/cpu/thread_pool.h"

namespace mosaic {

struct LatentAttentionShape {
  int64_t n_head = 0;
  int64_t latent = 0;   // cached floats per position (kv_lora + rope)
  int64_t kv_lora = 0;  // leading part of a row that is also the value
  float scale = 1.0f;   // applied to q.k
};

// Tokens whose score rows (n_head rows of n_keys floats each) are computed
// together: as many as fit about 8 MiB of scores, at least 1, at most
// max_tokens. Shared by the absorbed and the expanded form.
int64_t score_chunk_tokens(int64_t n_head, int64_t n_keys, int64_t max_tokens);

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

// ---- Expanded form (long prompts) ------------------------------------------
// The absorbed form pays kv_lora + rope multiply-adds per (token, key, head)
// for the scores and kv_lora for the values: cheap per key at decode, where
// the cache is read once, but dear in a long prefill, where every token
// meets every key. The expanded form first decompresses each cached key and
// value per head (k_nope = k_b[h]^T c_kv, v = v_b[h] c_kv: a fixed cost per
// key), after which a (token, key, head) costs nope + rope and v_dim, like
// plain attention. The same cached latents are used, so both forms compute
// the same function.

// Per-head up-projections as deepseek2 files store them.
struct LatentUpProjections {
  const Weight* k_b = nullptr;  // {nope, kv_lora, n_head}: q_nope -> latent
  const Weight* v_b = nullptr;  // {kv_lora, v_dim, n_head}: latent -> value
  int64_t nope() const { return k_b->ne[0]; }
  int64_t v_dim() const { return v_b->ne[1]; }
};

enum class LatentForm { Absorbed, Expanded };

// The form with the lower estimated cost for n_tok tokens after pos0 cached
// ones (multiply-adds, the absorbed value sum weighted by its slower kernel),
// provided the expanded form's scratch fits its memory budget.
LatentForm cheaper_latent_form(const LatentAttentionShape& shape, const LatentUpProjections& up,
                               int64_t n_tok, int64_t pos0);

struct ExpandedLatentScratch {
  std::vector<float> latent;    // cached rows as floats (f16 caches), n_keys x latent
  std::vector<float> k_b_t;     // k_b[h] transposed: n_head * nope rows of kv_lora
  std::vector<float> v_b_rows;  // v_b[h] rows padded with zeros to latent width
  std::vector<float> keys;      // per head: n_keys rows of [k_nope, k_pe]
  std::vector<float> values_t;  // per head: v_dim rows of n_keys (transposed)
  std::vector<float> scores;    // chunk tokens x n_head x n_keys
  std::vector<kernels::MatmulTask> tasks;
};

// For each token t (position pos0 + t) and head h:
//   out[t][h] = sum_p softmax_p(q[t][h] . [k_b[h]^T c_kv[p], k_pe[p]] * scale) v_b[h] c_kv[p]
// over p <= pos0 + t, with [c_kv[p], k_pe[p]] the cached rows. q rows:
// n_head * (nope + rope) floats per token (rope part rotated); out rows:
// n_head * v_dim floats per token. Scratch grows on first use (prefill only).
void attend_latent_expanded(kernels::ThreadPool& pool, const KvCache& kv, int64_t layer,
                            const LatentAttentionShape& shape, const LatentUpProjections& up,
                            const float* q, int64_t n_tok, int64_t pos0, float* out,
                            ExpandedLatentScratch& scratch);

}  // namespace mosaic
