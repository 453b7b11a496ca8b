// The shared-row latent attention against a plain double-precision
// evaluation of the same formula, for prefill and decode shapes and both
// cache types, prompts longer than one chunk of scores included.
#include "engine/blocks/latent_attention.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/cpu/quant.h"

namespace mosaic {
namespace {

void check(kernels::DType kv_type, int64_t n_head, int64_t pos0, int64_t n_tok, int n_threads) {
  const int64_t C = 64, R = 16, L = C + R, n_ctx = 40;
  KvCache kv({2, L, 0}, n_ctx, kv_type);
  std::vector<float> row(L);
  for (int64_t p = 0; p < pos0 + n_tok; ++p) {
    for (int64_t i = 0; i < L; ++i) row[i] = std::sin(0.37f * p + 0.11f * i);
    kv.store_k(1, p, row.data());
  }
  std::vector<float> q(n_tok * n_head * L);
  for (size_t i = 0; i < q.size(); ++i) q[i] = std::cos(0.23f * i);
  const float scale = 0.3f;

  kernels::ThreadPool pool(n_threads);
  LatentAttentionScratch scratch;
  scratch.prepare(n_head, n_ctx);
  std::vector<float> out(n_tok * n_head * C, -1.0f);
  attend_latent(pool, kv, 1, {n_head, L, C, scale}, q.data(), n_tok, pos0, out.data(), scratch);

  // The cache rows as stored (rounded to f16 when the cache is f16).
  auto cached = [&](int64_t p, int64_t i) -> double {
    const uint8_t* r = kv.k_row(1, p);
    if (kv_type == kernels::DType::F16) {
      return kernels::fp16_to_fp32(reinterpret_cast<const uint16_t*>(r)[i]);
    }
    return reinterpret_cast<const float*>(r)[i];
  };
  for (int64_t t = 0; t < n_tok; ++t) {
    const int64_t n_keys = pos0 + t + 1;
    for (int64_t h = 0; h < n_head; ++h) {
      const float* qh = q.data() + (t * n_head + h) * L;
      std::vector<double> s(n_keys);
      double mx = -1e300, z = 0;
      for (int64_t p = 0; p < n_keys; ++p) {
        double d = 0;
        for (int64_t i = 0; i < L; ++i) d += qh[i] * cached(p, i);
        s[p] = d * scale;
        mx = std::max(mx, s[p]);
      }
      for (double& v : s) z += (v = std::exp(v - mx));
      for (int64_t c = 0; c < C; ++c) {
        double o = 0;
        for (int64_t p = 0; p < n_keys; ++p) o += s[p] / z * cached(p, c);
        EXPECT_NEAR(out[(t * n_head + h) * C + c], o, 1e-4)
            << "t" << t << " h" << h << " c" << c << " heads " << n_head;
      }
    }
  }
}

TEST(LatentAttentionTest, MatchesPlainFormula) {
  for (kernels::DType type : {kernels::DType::F32, kernels::DType::F16}) {
    check(type, 4, 0, 7, 2);    // prefill from empty
    check(type, 20, 5, 3, 3);   // prefill after a prefix, several head groups
    check(type, 16, 11, 1, 2);  // decode
    check(type, 3, 0, 1, 1);    // first token
    // Longer prompts than one chunk of scores (16 tokens at this context):
    // each token must still see only its causal prefix.
    check(type, 4, 0, 30, 2);
    check(type, 6, 3, 35, 3);
  }
}

}  // namespace
}  // namespace mosaic
