#include "engine/blocks/latent_attention.h"

#include <algorithm>

#include "kernels/cpu/ops.h"
#include "kernels/cpu/quant.h"

namespace mosaic {

void LatentAttentionScratch::prepare(int64_t n_head, int64_t ctx) {
  n_ctx = ctx;
  scores.assign(static_cast<size_t>(n_head) * ctx, 0.0f);
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
  // One token at a time: its keys are pos0 + t + 1 rows, the same for all
  // heads, and the score buffer stays n_head x n_ctx.
  for (int64_t t = 0; t < n_tok; ++t) {
    const int64_t n_keys = pos0 + t + 1;
    const float* qt = q + t * H * L;
    float* ot = out + t * H * C;

    // Scores of all heads: the cached rows act as the weight matrix.
    const kernels::MatmulTask task{kv.k_row(layer, 0),
                                   reinterpret_cast<const uint8_t*>(qt),
                                   static_cast<size_t>(L) * sizeof(float),
                                   nullptr,
                                   H,
                                   s.scores.data(),
                                   s.n_ctx};
    kernels::matmul_tasks(pool, kv_type, L, n_keys, {&task, 1});

    const int64_t n_items = (H + heads_per_item - 1) / heads_per_item;
    auto run = [&](int64_t item, int) {
      const int64_t h0 = item * heads_per_item, h1 = std::min(H, h0 + heads_per_item);
      for (int64_t h = h0; h < h1; ++h) {
        float* sc = s.scores.data() + h * s.n_ctx;
        kernels::scale(sc, shape.scale, n_keys);
        kernels::softmax(sc, n_keys);
      }
      // The value sum, every head of the item at once: each cached latent
      // row is read once for all of them.
      const int64_t row_stride = static_cast<int64_t>(kv.k_row_bytes() / (f16 ? 2 : 4));
      kernels::weighted_row_sum(s.scores.data() + h0 * s.n_ctx, s.n_ctx, h1 - h0,
                                kv.k_row(layer, 0), f16, row_stride, n_keys, ot + h0 * C, C, C);
    };
    if (n_items == 1) {
      run(0, 0);
    } else {
      pool.parallel_for(n_items, run);
    }
  }
}

}  // namespace mosaic
