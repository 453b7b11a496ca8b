// A deliberately plain qwen3moe forward pass (deepseek2: reference_forward_deepseek2.cpp): double
// precision, simple loops, the whole prompt recomputed at once, no KV cache, no grouping of
// experts, no quantized activations. It shares nothing with the engine but the GGUF reader and the
// scalar dequantization, so agreement means the engine's blocks, kernels and bookkeeping compute
// the model as written.
#include "tests/engine/reference_forward.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "engine/gguf/gguf_reader.h"
#include "kernels/cpu/quant.h"
#include "tests/engine/reference_math.h"

namespace mosaic::testing {
namespace {

using namespace refmath;  // NOLINT: the reference reads best with short names

// NEOX rotation of one head: dims i and i + n_rot/2 form a pair; the
// rotation is scaled by `magnitude` (YaRN's temperature for qwen).
void rope(double* x, const Vec& freq, int64_t pos, double magnitude) {
  const int64_t half = static_cast<int64_t>(freq.size());
  for (int64_t i = 0; i < half; ++i) {
    const double theta = pos * freq[i];
    const double c = std::cos(theta) * magnitude, s = std::sin(theta) * magnitude;
    const double a = x[i], b = x[i + half];
    x[i] = a * c - b * s;
    x[i + half] = a * s + b * c;
  }
}

}  // namespace

ReferenceResult reference_forward(const std::string& path, const std::vector<int32_t>& tokens,
                                  Activations activations, KvStorage kv) {
  const gguf::GgufFile f = gguf::GgufFile::open(path);
  const gguf::Metadata& md = f.metadata();
  const std::string a = md.get_string("general.architecture").value();
  if (a == "deepseek2") return reference_forward_deepseek2(f, tokens, activations, kv);
  if (a != "qwen3moe") throw std::runtime_error("reference: only qwen3moe and deepseek2");
  auto matvec = [activations](const Matrix& m, const Vec& x) {
    return refmath::matvec(m, x, activations);
  };
  auto num = [&](const std::string& k) { return *md.get_int(a + "." + k); };
  const int64_t n_layer = num("block_count"), n_head = num("attention.head_count");
  const int64_t n_kv = num("attention.head_count_kv"), hd = num("attention.key_length");
  const int64_t n_exp = num("expert_count"), k_used = num("expert_used_count");
  const int64_t n_ff = num("expert_feed_forward_length");
  const double eps = *md.get_float(a + ".attention.layer_norm_rms_epsilon");
  const double base = *md.get_float(a + ".rope.freq_base");
  YarnSpec yarn;
  if (md.get_string(a + ".rope.scaling.type").value_or("none") == "yarn") {
    yarn = {true, *md.get_float(a + ".rope.scaling.factor"),
            num("rope.scaling.original_context_length")};
  }
  const int64_t T = static_cast<int64_t>(tokens.size());
  const Reader r(f);
  const Vec freq = rope_frequencies(hd, base, yarn);
  const double magnitude = yarn_temperature(yarn, 1.0);

  const Matrix embd = r.matrix("token_embd.weight");
  const int64_t E = embd.n_in;
  std::vector<Vec> x(T);
  ReferenceResult result;
  result.routing_margin.assign(T, 1.0);
  for (int64_t t = 0; t < T; ++t) x[t].assign(embd.row(tokens[t]), embd.row(tokens[t]) + E);

  for (int64_t il = 0; il < n_layer; ++il) {
    const std::string b = fmt::format("blk.{}.", il);
    const Matrix wq = r.matrix(b + "attn_q.weight"), wk = r.matrix(b + "attn_k.weight"),
                 wv = r.matrix(b + "attn_v.weight"), wo = r.matrix(b + "attn_output.weight");
    const Vec qn = r.vector(b + "attn_q_norm.weight"), kn = r.vector(b + "attn_k_norm.weight");
    std::vector<Vec> q(T), k(T), v(T);
    for (int64_t t = 0; t < T; ++t) {
      const Vec xn = rms_norm(x[t], r.vector(b + "attn_norm.weight"), eps);
      q[t] = matvec(wq, xn);
      k[t] = matvec(wk, xn);
      v[t] = matvec(wv, xn);
      for (int64_t h = 0; h < n_head; ++h) {
        Vec head(q[t].begin() + h * hd, q[t].begin() + (h + 1) * hd);
        head = rms_norm(head, qn, eps);
        rope(head.data(), freq, t, magnitude);
        std::copy(head.begin(), head.end(), q[t].begin() + h * hd);
      }
      for (int64_t h = 0; h < n_kv; ++h) {
        Vec head(k[t].begin() + h * hd, k[t].begin() + (h + 1) * hd);
        head = rms_norm(head, kn, eps);
        rope(head.data(), freq, t, magnitude);
        std::copy(head.begin(), head.end(), k[t].begin() + h * hd);
      }
      if (kv == KvStorage::Half) {
        for (double& e : k[t]) e = to_half(e);
        for (double& e : v[t]) e = to_half(e);
      }
    }
    for (int64_t t = 0; t < T; ++t) {
      Vec attn(n_head * hd, 0.0);
      for (int64_t h = 0; h < n_head; ++h) {
        const int64_t g = h / (n_head / n_kv);
        Vec s(t + 1);
        for (int64_t p = 0; p <= t; ++p) {
          double d = 0;
          for (int64_t i = 0; i < hd; ++i) d += q[t][h * hd + i] * k[p][g * hd + i];
          s[p] = d / std::sqrt(static_cast<double>(hd));
        }
        softmax(s);
        for (int64_t p = 0; p <= t; ++p) {
          for (int64_t i = 0; i < hd; ++i) attn[h * hd + i] += s[p] * v[p][g * hd + i];
        }
      }
      const Vec o = matvec(wo, attn);
      for (int64_t i = 0; i < E; ++i) x[t][i] += o[i];
    }

    // Mixture of experts, one token and one expert at a time.
    const Matrix router = r.matrix(b + "ffn_gate_inp.weight");
    const bool merged = r.has(b + "ffn_gate_up_exps.weight");
    for (int64_t t = 0; t < T; ++t) {
      const Vec xn = rms_norm(x[t], r.vector(b + "ffn_norm.weight"), eps);
      Vec probs = matvec(router, xn);
      softmax(probs);
      std::vector<int64_t> order(n_exp);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t i, int64_t j) { return probs[i] > probs[j]; });
      if (k_used < n_exp) {
        const double margin = probs[order[k_used - 1]] - probs[order[k_used]];
        result.routing_margin[t] = std::min(result.routing_margin[t], margin);
      }
      double sum = 0;
      for (int64_t j = 0; j < k_used; ++j) sum += probs[order[j]];
      for (int64_t j = 0; j < k_used; ++j) {
        const int64_t e = order[j];
        Vec gate, up;
        if (merged) {
          const Vec gu = matvec(r.matrix(b + "ffn_gate_up_exps.weight", e), xn);
          gate.assign(gu.begin(), gu.begin() + n_ff);
          up.assign(gu.begin() + n_ff, gu.end());
        } else {
          gate = matvec(r.matrix(b + "ffn_gate_exps.weight", e), xn);
          up = matvec(r.matrix(b + "ffn_up_exps.weight", e), xn);
        }
        Vec h(n_ff);
        for (int64_t i = 0; i < n_ff; ++i) h[i] = gate[i] / (1.0 + std::exp(-gate[i])) * up[i];
        const Vec down = matvec(r.matrix(b + "ffn_down_exps.weight", e), h);
        const double w = probs[e] / sum;
        for (int64_t i = 0; i < E; ++i) x[t][i] += w * down[i];
      }
    }
  }

  const Vec out_norm = r.vector("output_norm.weight");
  const Matrix head = r.has("output.weight") ? r.matrix("output.weight") : embd;
  result.logits.resize(T);
  for (int64_t t = 0; t < T; ++t) result.logits[t] = matvec(head, rms_norm(x[t], out_norm, eps));
  return result;
}

}  // namespace mosaic::testing
