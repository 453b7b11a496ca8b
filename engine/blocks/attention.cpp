#include "engine/blocks/attention.h"

#include <algorithm>
#include <cstring>

#include "kernels/cpu/dot.h"
#include "kernels/cpu/ops.h"

namespace mosaic {

void AttentionScratch::prepare(int n_threads, int64_t ctx, int64_t heads) {
  n_ctx = ctx;
  heads_per_task = std::max<int64_t>(1, heads);
  scores.assign(static_cast<size_t>(n_threads) * heads_per_task * ctx, 0.0f);
}

// Work is split by (token, key/value head, slice of its query heads): the
// query heads sharing a key/value head read each cached key and value row
// once for all of them (the value sum is one weighted_row_sum over the rows,
// not an axpy per row). The heads are sliced only when there are too few
// tasks for the threads (decode with few key/value heads).
void attend_cached(kernels::ThreadPool& pool, const KvCache& kv, int64_t layer,
                   const AttentionShape& shape, const float* q, int64_t ldq, int64_t n_tok,
                   int64_t pos0, float* out, int64_t ldo, AttentionScratch& scratch) {
  const int64_t group = shape.n_head / shape.n_head_kv;
  const kernels::DType kv_type = kv.type();
  const bool f16 = kv_type == kernels::DType::F16;
  const size_t elem = f16 ? 2 : 4;
  const auto v_stride = static_cast<int64_t>(kv.v_row_bytes() / elem);
  const int64_t base_tasks = n_tok * shape.n_head_kv;
  const int64_t want = 2 * static_cast<int64_t>(pool.size());
  const int64_t n_slices =
      std::min(group, std::max<int64_t>(1, (want + base_tasks - 1) / base_tasks));
  const int64_t slice = std::min((group + n_slices - 1) / n_slices, scratch.heads_per_task);
  const int64_t slices = (group + slice - 1) / slice;
  pool.parallel_for(base_tasks * slices, [&](int64_t task, int thread) {
    const int64_t t = task / (shape.n_head_kv * slices);
    const int64_t g = task / slices % shape.n_head_kv;
    const int64_t h0 = g * group + task % slices * slice;
    const int64_t n_h = std::min(slice, (g + 1) * group - h0);
    const int64_t n_keys = pos0 + t + 1;
    const int64_t n_ctx = scratch.n_ctx;
    float* scores =
        scratch.scores.data() + static_cast<size_t>(thread) * scratch.heads_per_task * n_ctx;

    const size_t k_off = static_cast<size_t>(g) * shape.head_dim * elem;
    const float* qt = q + t * ldq + h0 * shape.head_dim;
    for (int64_t p = 0; p < n_keys; ++p) {
      const uint8_t* k = kv.k_row(layer, p) + k_off;
      for (int64_t j = 0; j < n_h; ++j) {
        scores[j * n_ctx + p] =
            kernels::vec_dot(kv_type, shape.head_dim, k, qt + j * shape.head_dim) * shape.scale;
      }
    }
    for (int64_t j = 0; j < n_h; ++j) kernels::softmax(scores + j * n_ctx, n_keys);

    const size_t v_off = static_cast<size_t>(g) * shape.v_head_dim * elem;
    kernels::weighted_row_sum(scores, n_ctx, n_h, kv.v_row(layer, 0) + v_off, f16, v_stride, n_keys,
                              out + t * ldo + h0 * shape.v_head_dim, shape.v_head_dim,
                              shape.v_head_dim);
  });
}

}  // namespace mosaic
