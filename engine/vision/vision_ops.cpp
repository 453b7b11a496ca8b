#include "engine/vision/vision_ops.h"

#include <algorithm>
#include <cmath>

#include "engine/blocks/linear.h"
#include "engine/blocks/rows.h"
#include "kernels/cpu/ops.h"

namespace mosaic::vision {

void layer_norm_rows(kernels::ThreadPool& pool, const float* x, int64_t n_rows, int64_t n,
                     const NormWeights& norm, float eps, float* y) {
  for_each_row(pool, n_rows, [&](int64_t r) {
    const float* xr = x + r * n;
    float* yr = y + r * n;
    double mean = 0.0;
    for (int64_t i = 0; i < n; ++i) mean += xr[i];
    mean /= static_cast<double>(n);
    double var = 0.0;
    for (int64_t i = 0; i < n; ++i) var += (xr[i] - mean) * (xr[i] - mean);
    var /= static_cast<double>(n);
    const auto inv = static_cast<float>(1.0 / std::sqrt(var + eps));
    const auto m = static_cast<float>(mean);
    for (int64_t i = 0; i < n; ++i) {
      const auto k = static_cast<size_t>(i);
      yr[i] = (xr[i] - m) * inv * norm.w[k] + norm.b[k];
    }
  });
}

void linear_rows(kernels::ThreadPool& pool, const LinearWeights& l, const float* x, int64_t n_rows,
                 int64_t n_in, float* y, int64_t ldy) {
  LinearInput input;
  input.set(x, n_rows, n_in, n_in);
  linear(pool, l.w, input, y, ldy);
  const int64_t n_out = l.n_out();
  for_each_row(pool, n_rows, [&](int64_t r) {
    for (int64_t o = 0; o < n_out; ++o) y[r * ldy + o] += l.b[static_cast<size_t>(o)];
  });
}

void gelu_rows(kernels::ThreadPool& pool, float* x, int64_t n_rows, int64_t n, Gelu kind) {
  for_each_row(pool, n_rows, [&](int64_t r) {
    if (kind == Gelu::Erf) {
      kernels::gelu_erf(x + r * n, n);
    } else {
      kernels::gelu_tanh(x + r * n, n);
    }
  });
}

void rope_2d_rows(kernels::ThreadPool& pool, float* rows, int64_t ld, int64_t n_head,
                  int64_t head_dim, const std::vector<PatchPos>& order) {
  const int64_t half = head_dim / 2, quarter = head_dim / 4;
  std::vector<float> inv_freq(static_cast<size_t>(quarter));
  for (int64_t j = 0; j < quarter; ++j)
    inv_freq[static_cast<size_t>(j)] = static_cast<float>(
        std::pow(10000.0, -4.0 * static_cast<double>(j) / static_cast<double>(head_dim)));
  for_each_row(pool, static_cast<int64_t>(order.size()), [&](int64_t t) {
    const PatchPos pp = order[static_cast<size_t>(t)];
    for (int64_t p = 0; p < half; ++p) {
      const bool by_row = p < quarter;
      const float pos = static_cast<float>(by_row ? pp.y : pp.x);
      const float angle = pos * inv_freq[static_cast<size_t>(by_row ? p : p - quarter)];
      const float c = std::cos(angle), s = std::sin(angle);
      for (int64_t h = 0; h < n_head; ++h) {
        float* v = rows + t * ld + h * head_dim;
        const float a = v[p], b = v[p + half];
        v[p] = a * c - b * s;
        v[p + half] = b * c + a * s;
      }
    }
  });
}

void full_attention_reference(kernels::ThreadPool& pool, const float* q, const float* k,
                              const float* v, int64_t ld_in, int64_t n_tok, int64_t n_head,
                              int64_t head_dim, float* out, int64_t ld_out) {
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  std::vector<std::vector<float>> scores(static_cast<size_t>(pool.size()));
  for (auto& s : scores) s.resize(static_cast<size_t>(n_tok));
  pool.parallel_for(n_tok * n_head, [&](int64_t task, int thread) {
    const int64_t t = task / n_head, h = task % n_head;
    float* s = scores[static_cast<size_t>(thread)].data();
    const float* qi = q + t * ld_in + h * head_dim;
    float max_s = -INFINITY;
    for (int64_t j = 0; j < n_tok; ++j) {
      const float* kj = k + j * ld_in + h * head_dim;
      float dot = 0.0f;
      for (int64_t d = 0; d < head_dim; ++d) dot += qi[d] * kj[d];
      s[j] = dot * scale;
      max_s = std::max(max_s, s[j]);
    }
    float sum = 0.0f;
    for (int64_t j = 0; j < n_tok; ++j) {
      s[j] = std::exp(s[j] - max_s);
      sum += s[j];
    }
    float* o = out + t * ld_out + h * head_dim;
    std::fill(o, o + head_dim, 0.0f);
    for (int64_t j = 0; j < n_tok; ++j) {
      const float a = s[j] / sum;
      const float* vj = v + j * ld_in + h * head_dim;
      for (int64_t d = 0; d < head_dim; ++d) o[d] += a * vj[d];
    }
  });
}

void full_attention(kernels::ThreadPool& pool, const float* q, const float* k, const float* v,
                    int64_t ld_in, int64_t n_tok, int64_t n_head, int64_t head_dim, float* out,
                    int64_t ld_out) {
  // Query rows per block: bounds the score matrix to block x n_tok floats.
  constexpr int64_t kBlock = 512;
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  const int64_t block = std::min(kBlock, n_tok);
  std::vector<float> keys(static_cast<size_t>(n_tok * head_dim));
  std::vector<float> values_t(static_cast<size_t>(head_dim * n_tok));
  std::vector<float> scores(static_cast<size_t>(block * n_tok));
  LinearInput queries, probs;
  for (int64_t h = 0; h < n_head; ++h) {
    // K of this head as a contiguous F32 "weight" (n_tok outputs of
    // head_dim inputs), V transposed likewise (head_dim outputs of n_tok).
    for_each_row(pool, n_tok, [&](int64_t j) {
      const float* kj = k + j * ld_in + h * head_dim;
      std::copy(kj, kj + head_dim, keys.data() + j * head_dim);
    });
    for_each_row(pool, head_dim, [&](int64_t d) {
      for (int64_t j = 0; j < n_tok; ++j) values_t[d * n_tok + j] = v[j * ld_in + h * head_dim + d];
    });
    Weight key_weight, value_weight;
    key_weight.ne = {head_dim, n_tok, 1, 1};
    key_weight.data = reinterpret_cast<const uint8_t*>(keys.data());
    value_weight.ne = {n_tok, head_dim, 1, 1};
    value_weight.data = reinterpret_cast<const uint8_t*>(values_t.data());
    for (int64_t t0 = 0; t0 < n_tok; t0 += block) {
      const int64_t rows = std::min(block, n_tok - t0);
      queries.set(q + t0 * ld_in + h * head_dim, rows, head_dim, ld_in);
      linear(pool, key_weight, queries, scores.data(), n_tok);
      for_each_row(pool, rows, [&](int64_t r) {
        float* s = scores.data() + r * n_tok;
        kernels::scale(s, scale, n_tok);
        kernels::softmax(s, n_tok);
      });
      probs.set(scores.data(), rows, n_tok, n_tok);
      linear(pool, value_weight, probs, out + t0 * ld_out + h * head_dim, ld_out);
    }
  }
}

}  // namespace mosaic::vision
