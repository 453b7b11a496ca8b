#include "engine/blocks/latent_attention.h"

#include <algorithm>

#include "kernels/cpu/ops.h"
#include "kernels/cpu/quant.h"

namespace mosaic {

// Score rows of a chunk are kept under about 8 MiB: 16 tokens of 16 heads
// at a 4096-token context; a single token for DeepSeek-V3's 128 heads from a
// 16k context on (its per-token rows alone are 8 MiB there).
constexpr int64_t kScoreFloatsBudget = int64_t{2} << 20;
constexpr int64_t kMaxChunkTokens = 16;

int64_t score_chunk_tokens(int64_t n_head, int64_t n_keys, int64_t max_tokens) {
  return std::clamp<int64_t>(kScoreFloatsBudget / std::max<int64_t>(1, n_head * n_keys), 1,
                             max_tokens);
}

void LatentAttentionScratch::prepare(int64_t n_head, int64_t ctx) {
  n_ctx = ctx;
  chunk_tokens = score_chunk_tokens(n_head, ctx, kMaxChunkTokens);
  scores.assign(static_cast<size_t>(chunk_tokens * n_head * ctx), 0.0f);
}

void attend_latent(kernels::ThreadPool& pool, const KvCache& kv, int64_t layer,
                   const LatentAttentionShape& shape, const float* q, int64_t n_tok, int64_t pos0,
                   float* out, LatentAttentionScratch& s) {
  const int64_t H = shape.n_head, L = shape.latent, C = shape.kv_lora;
  const kernels::DType kv_type = kv.type();
  const bool f16 = kv_type == kernels::DType::F16;
  // Heads summed together per work item: up to 8 reuse each converted row,
  // fewer when that would leave threads idle (V2-Lite has 16 heads).
  const int64_t heads_per_item = std::clamp<int64_t>(H / pool.size(), 1, 8);
  const int64_t row_stride = static_cast<int64_t>(kv.k_row_bytes() / (f16 ? 2 : 4));
  for (int64_t t0 = 0; t0 < n_tok; t0 += s.chunk_tokens) {
    const int64_t n_chunk = std::min(s.chunk_tokens, n_tok - t0);
    // Scores of every head of every token in the chunk against the rows the
    // chunk's last token sees; each token then uses only its causal prefix
    // (pos0 + t + 1 rows), so the extra columns are never read.
    const kernels::MatmulTask task{kv.k_row(layer, 0),
                                   reinterpret_cast<const uint8_t*>(q + t0 * H * L),
                                   static_cast<size_t>(L) * sizeof(float),
                                   nullptr,
                                   n_chunk * H,
                                   s.scores.data(),
                                   s.n_ctx};
    kernels::matmul_tasks(pool, kv_type, L, pos0 + t0 + n_chunk, {&task, 1});

    const int64_t items_per_token = (H + heads_per_item - 1) / heads_per_item;
    auto run = [&](int64_t item, int) {
      const int64_t t = t0 + item / items_per_token;
      const int64_t n_keys = pos0 + t + 1;
      const int64_t h0 = (item % items_per_token) * heads_per_item;
      const int64_t h1 = std::min(H, h0 + heads_per_item);
      float* token_scores = s.scores.data() + (t - t0) * H * s.n_ctx;
      for (int64_t h = h0; h < h1; ++h) {
        float* sc = token_scores + h * s.n_ctx;
        kernels::scale(sc, shape.scale, n_keys);
        kernels::softmax(sc, n_keys);
      }
      // The value sum, every head of the item at once: each cached latent
      // row is read once for all of them.
      kernels::weighted_row_sum(token_scores + h0 * s.n_ctx, s.n_ctx, h1 - h0, kv.k_row(layer, 0),
                                f16, row_stride, n_keys, out + t * H * C + h0 * C, C, C);
    };
    const int64_t n_items = n_chunk * items_per_token;
    if (n_items == 1) {
      run(0, 0);
    } else {
      pool.parallel_for(n_items, run);
    }
  }
}

}  // namespace mosaic
