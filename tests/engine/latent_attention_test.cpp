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

// Cached rows 0..n_rows-1 of layer 1 (the layer every check reads).
void fill_rows(KvCache& kv, int64_t n_rows) {
  const int64_t L = kv.layout().k_width;
  std::vector<float> row(L);
  for (int64_t p = 0; p < n_rows; ++p) {
    for (int64_t i = 0; i < L; ++i) row[i] = std::sin(0.37f * p + 0.11f * i);
    kv.store_k(1, p, row.data());
  }
}

std::vector<float> queries(int64_t n) {
  std::vector<float> q(n);
  for (size_t i = 0; i < q.size(); ++i) q[i] = std::cos(0.23f * i);
  return q;
}

// Element i of cached row p as stored (rounded to f16 when the cache is f16).
double cached(const KvCache& kv, int64_t p, int64_t i) {
  const uint8_t* r = kv.k_row(1, p);
  if (kv.type() == kernels::DType::F16) {
    return kernels::fp16_to_fp32(reinterpret_cast<const uint16_t*>(r)[i]);
  }
  return reinterpret_cast<const float*>(r)[i];
}

void check(kernels::DType kv_type, int64_t n_head, int64_t pos0, int64_t n_tok, int n_threads) {
  const int64_t C = 64, R = 16, L = C + R, n_ctx = 40;
  KvCache kv({2, L, 0}, n_ctx, kv_type);
  fill_rows(kv, pos0 + n_tok);
  const std::vector<float> q = queries(n_tok * n_head * L);
  const float scale = 0.3f;

  kernels::ThreadPool pool(n_threads);
  LatentAttentionScratch scratch;
  scratch.prepare(n_head, n_ctx);
  std::vector<float> out(n_tok * n_head * C, -1.0f);
  attend_latent(pool, kv, 1, {n_head, L, C, scale}, q.data(), n_tok, pos0, out.data(), scratch);

  for (int64_t t = 0; t < n_tok; ++t) {
    const int64_t n_keys = pos0 + t + 1;
    for (int64_t h = 0; h < n_head; ++h) {
      const float* qh = q.data() + (t * n_head + h) * L;
      std::vector<double> s(n_keys);
      double mx = -1e300, z = 0;
      for (int64_t p = 0; p < n_keys; ++p) {
        double d = 0;
        for (int64_t i = 0; i < L; ++i) d += qh[i] * cached(kv, p, i);
        s[p] = d * scale;
        mx = std::max(mx, s[p]);
      }
      for (double& v : s) z += (v = std::exp(v - mx));
      for (int64_t c = 0; c < C; ++c) {
        double o = 0;
        for (int64_t p = 0; p < n_keys; ++p) o += s[p] / z * cached(kv, p, c);
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

// The expanded form against the textbook formula with decompressed keys and
// values, for every weight type deepseek2 files store k_b / v_b in. The
// weights' own values (after their rounding) are the truth: the expanded
// form only reorders exact arithmetic.
struct UpWeights {
  std::vector<uint8_t> k_b, v_b;
  Weight kb, vb;
};

UpWeights make_up(kernels::DType type, int64_t H, int64_t nope, int64_t C, int64_t v) {
  UpWeights u;
  auto fill = [&](std::vector<uint8_t>& bytes, Weight& w, int64_t n_in, int64_t n_out, float f) {
    w.type = type;
    w.ne = {n_in, n_out, H, 1};
    bytes.resize(w.n_bytes());
    std::vector<float> row(n_in);
    for (int64_t r = 0; r < n_out * H; ++r) {
      for (int64_t i = 0; i < n_in; ++i) row[i] = 0.2f * std::sin(f * r + 0.7f * i);
      kernels::quantize_row(type, row.data(), bytes.data() + r * w.row_bytes(), n_in);
    }
    w.data = bytes.data();
  };
  fill(u.k_b, u.kb, nope, C, 0.13f);
  fill(u.v_b, u.vb, C, v, 0.29f);
  return u;
}

double weight_at(const Weight& w, int64_t h, int64_t r, int64_t i) {
  std::vector<float> row(w.ne[0]);
  kernels::dequantize_row(w.type, w.matrix(h) + r * w.row_bytes(), row.data(), w.ne[0]);
  return row[i];
}

void check_expanded(kernels::DType w_type, kernels::DType kv_type, int64_t n_head, int64_t pos0,
                    int64_t n_tok) {
  const int64_t C = 64, R = 16, L = C + R, nope = 32, v = 32, Dk = nope + R, n_ctx = 160;
  KvCache kv({2, L, 0}, n_ctx, kv_type);
  fill_rows(kv, pos0 + n_tok);
  const std::vector<float> q = queries(n_tok * n_head * Dk);
  const float scale = 0.3f;
  const UpWeights u = make_up(w_type, n_head, nope, C, v);
  const LatentUpProjections up{&u.kb, &u.vb};

  kernels::ThreadPool pool(2);
  ExpandedLatentScratch scratch;
  std::vector<float> out(n_tok * n_head * v, -1.0f);
  attend_latent_expanded(pool, kv, 1, {n_head, L, C, scale}, up, q.data(), n_tok, pos0, out.data(),
                         scratch);

  const int64_t n_keys = pos0 + n_tok;
  for (int64_t h = 0; h < n_head; ++h) {
    // Textbook keys and values of this head.
    std::vector<double> k(n_keys * Dk), val(n_keys * v);
    for (int64_t p = 0; p < n_keys; ++p) {
      for (int64_t i = 0; i < nope; ++i) {
        double d = 0;
        for (int64_t c = 0; c < C; ++c) d += weight_at(u.kb, h, c, i) * cached(kv, p, c);
        k[p * Dk + i] = d;
      }
      for (int64_t i = 0; i < R; ++i) k[p * Dk + nope + i] = cached(kv, p, C + i);
      for (int64_t j = 0; j < v; ++j) {
        double d = 0;
        for (int64_t c = 0; c < C; ++c) d += weight_at(u.vb, h, j, c) * cached(kv, p, c);
        val[p * v + j] = d;
      }
    }
    for (int64_t t = 0; t < n_tok; ++t) {
      const int64_t n_valid = pos0 + t + 1;
      const float* qh = q.data() + (t * n_head + h) * Dk;
      std::vector<double> sc(n_valid);
      double mx = -1e300, z = 0;
      for (int64_t p = 0; p < n_valid; ++p) {
        double d = 0;
        for (int64_t i = 0; i < Dk; ++i) d += qh[i] * k[p * Dk + i];
        sc[p] = d * scale;
        mx = std::max(mx, sc[p]);
      }
      for (double& x : sc) z += (x = std::exp(x - mx));
      for (int64_t j = 0; j < v; ++j) {
        double o = 0;
        for (int64_t p = 0; p < n_valid; ++p) o += sc[p] / z * val[p * v + j];
        EXPECT_NEAR(out[(t * n_head + h) * v + j], o, 2e-4)
            << kernels::type_traits(w_type).name << " t" << t << " h" << h << " j" << j;
      }
    }
  }
}

TEST(LatentAttentionTest, ExpandedFormMatchesTextbookAttention) {
  for (kernels::DType w : {kernels::DType::F32, kernels::DType::F16, kernels::DType::Q8_0}) {
    check_expanded(w, kernels::DType::F16, 4, 0, 9);
    check_expanded(w, kernels::DType::F32, 3, 6, 5);  // after a cached prefix
  }
  // More tokens than one chunk of scores (64), odd key counts.
  check_expanded(kernels::DType::Q8_0, kernels::DType::F16, 2, 7, 70);
}

}  // namespace
}  // namespace mosaic
