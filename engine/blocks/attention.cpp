#include "engine/blocks/attention.h"

#include <cstring>

#include "kernels/cpu/dot.h"
#include "kernels/cpu/ops.h"

namespace mosaic {

void AttentionScratch::prepare(int n_threads, int64_t ctx) {
  n_ctx = ctx;
  scores.assign(static_cast<size_t>(n_threads) * ctx, 0.0f);
}

void attend_cached(kernels::ThreadPool& pool, const KvCache& kv, int64_t layer,
                   const AttentionShape& shape, const float* q, int64_t ldq, int64_t n_tok,
                   int64_t pos0, float* out, int64_t ldo, AttentionScratch& scratch) {
  const int64_t group = shape.n_head / shape.n_head_kv;
  const kernels::DType kv_type = kv.type();
  const size_t elem = kv_type == kernels::DType::F16 ? 2 : 4;
  pool.parallel_for(n_tok * shape.n_head, [&](int64_t task, int thread) {
    const int64_t t = task / shape.n_head;
    const int64_t h = task % shape.n_head;
    const int64_t g = h / group;
    const int64_t n_keys = pos0 + t + 1;
    const float* qh = q + t * ldq + h * shape.head_dim;
    float* scores = scratch.scores.data() + static_cast<size_t>(thread) * scratch.n_ctx;

    const size_t k_off = static_cast<size_t>(g) * shape.head_dim * elem;
    for (int64_t p = 0; p < n_keys; ++p) {
      scores[p] =
          kernels::vec_dot(kv_type, shape.head_dim, kv.k_row(layer, p) + k_off, qh) * shape.scale;
    }
    kernels::softmax(scores, n_keys);

    float* oh = out + t * ldo + h * shape.v_head_dim;
    std::memset(oh, 0, shape.v_head_dim * sizeof(float));
    const size_t v_off = static_cast<size_t>(g) * shape.v_head_dim * elem;
    for (int64_t p = 0; p < n_keys; ++p) {
      const uint8_t* v = kv.v_row(layer, p) + v_off;
      if (kv_type == kernels::DType::F16) {
        kernels::axpy_f16(oh, scores[p], reinterpret_cast<const uint16_t*>(v), shape.v_head_dim);
      } else {
        kernels::axpy(oh, scores[p], reinterpret_cast<const float*>(v), shape.v_head_dim);
      }
    }
  });
}

}  // namespace mosaic
