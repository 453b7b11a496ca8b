// Multi-head latent attention in the expanded form (see latent_attention.h):
// keys and values decompressed per head once per call, then plain attention
// made of matrix products.
#include <algorithm>
#include <cstring>

#include "engine/blocks/latent_attention.h"
#include "engine/blocks/rows.h"
#include "kernels/cpu/ops.h"
#include "kernels/cpu/quant.h"

namespace mosaic {
namespace {

using kernels::DType;

// The expanded scratch is allocated on demand: beyond this the call keeps
// the absorbed form (DeepSeek-V3's 128 heads reach it at about 1600 keys).
constexpr uint64_t kExpandedBudgetBytes = uint64_t{256} << 20;
// At most this many tokens' score rows at once (score_chunk_tokens).
constexpr int64_t kMaxChunkTokens = 64;

struct Dims {
  int64_t H, L, C, R, nope, v, Dk;
  Dims(const LatentAttentionShape& s, const LatentUpProjections& up)
      : H(s.n_head),
        L(s.latent),
        C(s.kv_lora),
        R(s.latent - s.kv_lora),
        nope(up.nope()),
        v(up.v_dim()),
        Dk(up.nope() + s.latent - s.kv_lora) {}
};

uint64_t expanded_bytes(const Dims& d, int64_t n_keys) {
  const int64_t chunk = score_chunk_tokens(d.H, n_keys, kMaxChunkTokens);
  const int64_t floats = n_keys * d.L + d.H * d.nope * d.C + d.H * d.v * d.L + d.H * n_keys * d.Dk +
                         d.H * d.v * n_keys + chunk * d.H * n_keys;
  return static_cast<uint64_t>(floats) * sizeof(float);
}

template <typename T>
T* grown(std::vector<T>& v, int64_t n) {
  if (static_cast<int64_t>(v.size()) < n) v.resize(static_cast<size_t>(n));
  return v.data();
}

}  // namespace

LatentForm cheaper_latent_form(const LatentAttentionShape& shape, const LatentUpProjections& up,
                               int64_t n_tok, int64_t pos0) {
  const Dims d(shape, up);
  const int64_t n_keys = pos0 + n_tok;
  if (expanded_bytes(d, n_keys) > kExpandedBudgetBytes) return LatentForm::Absorbed;
  // Multiply-adds per head. The absorbed value sum runs on weighted_row_sum,
  // about a third of the matrix products' speed (mosaic-kernel-bench:
  // 56-59 vs 155-161 GFLOP/s on AVX2), hence its weight.
  constexpr double kValueSumWeight = 2.8;
  const double pairs = static_cast<double>(n_tok) * static_cast<double>(pos0) +
                       0.5 * static_cast<double>(n_tok) * static_cast<double>(n_tok + 1);
  const double absorbed =
      static_cast<double>(n_tok) * static_cast<double>(d.C) * static_cast<double>(d.nope + d.v) +
      pairs * (static_cast<double>(d.L) + kValueSumWeight * d.C);
  const double expanded =
      static_cast<double>(n_keys) * static_cast<double>(d.nope * d.C + d.v * d.L) +
      pairs * static_cast<double>(d.Dk) +
      static_cast<double>(n_tok) * static_cast<double>(n_keys) * static_cast<double>(d.v);
  return expanded < absorbed ? LatentForm::Expanded : LatentForm::Absorbed;
}

void attend_latent_expanded(kernels::ThreadPool& pool, const KvCache& kv, int64_t layer,
                            const LatentAttentionShape& shape, const LatentUpProjections& up,
                            const float* q, int64_t n_tok, int64_t pos0, float* out,
                            ExpandedLatentScratch& s) {
  const Dims d(shape, up);
  const int64_t n_keys = pos0 + n_tok;
  const DType kv_type = kv.type();

  // Cached rows as floats: the keys' matrix product reads them as activations.
  const float* latent = nullptr;
  if (kv_type == DType::F32) {
    latent = reinterpret_cast<const float*>(kv.k_row(layer, 0));
  } else {
    float* rows = grown(s.latent, n_keys * d.L);
    for_each_row(pool, n_keys, [&](int64_t p) {
      kernels::dequantize_row(kv_type, kv.k_row(layer, p), rows + p * d.L, d.L);
    });
    latent = rows;
  }

  // Weights as float rows the products need: k_b[h] transposed (its rows
  // run over nope, the keys need rows over kv_lora), v_b[h] rows padded to
  // the cached row width so the cache itself can be the matrix.
  float* k_b_t = grown(s.k_b_t, d.H * d.nope * d.C);
  float* v_b_rows = grown(s.v_b_rows, d.H * d.v * d.L);
  pool.parallel_for(d.H, [&](int64_t h, int) {
    std::vector<float> row(static_cast<size_t>(std::max(d.nope, d.C)));
    const Weight& kb = *up.k_b;
    for (int64_t c = 0; c < d.C; ++c) {
      kernels::dequantize_row(kb.type, kb.matrix(h) + c * kb.row_bytes(), row.data(), d.nope);
      for (int64_t i = 0; i < d.nope; ++i) k_b_t[(h * d.nope + i) * d.C + c] = row[i];
    }
    const Weight& vb = *up.v_b;
    for (int64_t j = 0; j < d.v; ++j) {
      float* dst = v_b_rows + (h * d.v + j) * d.L;
      kernels::dequantize_row(vb.type, vb.matrix(h) + j * vb.row_bytes(), dst, d.C);
      std::fill(dst + d.C, dst + d.L, 0.0f);
    }
  });

  // keys[h][p] = [k_b[h]^T c_kv[p], k_pe[p]].
  float* keys = grown(s.keys, d.H * n_keys * d.Dk);
  s.tasks.clear();
  for (int64_t h = 0; h < d.H; ++h) {
    s.tasks.push_back({k_b_t + h * d.nope * d.C, reinterpret_cast<const uint8_t*>(latent),
                       static_cast<size_t>(d.L) * sizeof(float), nullptr, n_keys,
                       keys + h * n_keys * d.Dk, d.Dk});
  }
  kernels::matmul_tasks(pool, DType::F32, d.C, d.nope, s.tasks);
  for_each_row(pool, n_keys, [&](int64_t p) {
    for (int64_t h = 0; h < d.H; ++h) {
      std::memcpy(keys + (h * n_keys + p) * d.Dk + d.nope, latent + p * d.L + d.C,
                  static_cast<size_t>(d.R) * sizeof(float));
    }
  });

  // values_t[h * v + j][p] = v_b[h][j] . c_kv[p]: the cache is the matrix.
  float* values_t = grown(s.values_t, d.H * d.v * n_keys);
  const kernels::MatmulTask value_task{kv.k_row(layer, 0),
                                       reinterpret_cast<const uint8_t*>(v_b_rows),
                                       static_cast<size_t>(d.L) * sizeof(float),
                                       nullptr,
                                       d.H * d.v,
                                       values_t,
                                       n_keys};
  kernels::matmul_tasks(pool, kv_type, d.L, n_keys, {&value_task, 1});

  const int64_t chunk_tokens = score_chunk_tokens(d.H, n_keys, kMaxChunkTokens);
  float* scores = grown(s.scores, chunk_tokens * d.H * n_keys);
  for (int64_t t0 = 0; t0 < n_tok; t0 += chunk_tokens) {
    const int64_t n_chunk = std::min(chunk_tokens, n_tok - t0);
    const int64_t chunk_keys = pos0 + t0 + n_chunk;
    s.tasks.clear();
    for (int64_t h = 0; h < d.H; ++h) {
      s.tasks.push_back({keys + h * n_keys * d.Dk,
                         reinterpret_cast<const uint8_t*>(q + (t0 * d.H + h) * d.Dk),
                         static_cast<size_t>(d.H * d.Dk) * sizeof(float), nullptr, n_chunk,
                         scores + h * n_keys, d.H * n_keys});
    }
    kernels::matmul_tasks(pool, DType::F32, d.Dk, chunk_keys, s.tasks);

    // Each token sees its causal prefix; the rest of its row (keys of later
    // tokens, and of later chunks, which the value product also reads) is 0.
    for_each_row(pool, n_chunk * d.H, [&](int64_t r) {
      const int64_t n_valid = pos0 + t0 + r / d.H + 1;
      float* sc = scores + r * n_keys;
      kernels::scale(sc, shape.scale, n_valid);
      kernels::softmax(sc, n_valid);
      std::fill(sc + n_valid, sc + n_keys, 0.0f);
    });

    s.tasks.clear();
    for (int64_t h = 0; h < d.H; ++h) {
      s.tasks.push_back({values_t + h * d.v * n_keys,
                         reinterpret_cast<const uint8_t*>(scores + h * n_keys),
                         static_cast<size_t>(d.H * n_keys) * sizeof(float), nullptr, n_chunk,
                         out + (t0 * d.H + h) * d.v, d.H * d.v});
    }
    kernels::matmul_tasks(pool, DType::F32, n_keys, d.v, s.tasks);
  }
}

}  // namespace mosaic
