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
// rotation is scaled by `magnitude` (YaRN's temperature for qwen). Pair i
// takes its position from component[i] (0 time, 1 row, 2 column).
void rope(double* x, const Vec& freq, const int64_t pos[3], const std::vector<int>& component,
          double magnitude) {
  const int64_t half = static_cast<int64_t>(freq.size());
  for (int64_t i = 0; i < half; ++i) {
    const double theta = pos[component[i]] * freq[i];
    const double c = std::cos(theta) * magnitude, s = std::sin(theta) * magnitude;
    const double a = x[i], b = x[i + half];
    x[i] = a * c - b * s;
    x[i + half] = a * s + b * c;
  }
}

}  // namespace

ReferenceResult reference_forward(const std::string& path, const std::vector<int32_t>& tokens,
                                  Activations activations, KvStorage kv, LatentForm latent_form) {
  {
    const gguf::GgufFile f = gguf::GgufFile::open(path);
    if (f.metadata().get_string("general.architecture").value() == "deepseek2") {
      return reference_forward_deepseek2(f, tokens, activations, kv, latent_form);
    }
  }
  std::vector<ReferenceInput> inputs(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    const auto p = static_cast<int64_t>(i);
    inputs[i].token = tokens[i];
    inputs[i].t = inputs[i].y = inputs[i].x = p;
  }
  return reference_forward_inputs(path, inputs, activations, kv);
}

ReferenceResult reference_forward_inputs(const std::string& path,
                                         const std::vector<ReferenceInput>& inputs,
                                         Activations activations, KvStorage kv) {
  const gguf::GgufFile f = gguf::GgufFile::open(path);
  const gguf::Metadata& md = f.metadata();
  const std::string a = md.get_string("general.architecture").value();
  if (a != "qwen3moe" && a != "qwen3vlmoe") {
    throw std::runtime_error("reference_forward_inputs: only qwen3moe and qwen3vlmoe");
  }
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
  const int64_t T = static_cast<int64_t>(inputs.size());
  const Reader r(f);
  const Vec freq = rope_frequencies(hd, base, yarn);
  const double magnitude = yarn_temperature(yarn, 1.0);
  // Qwen3-VL's interleaved sections, as its reference code builds them:
  // every pair starts on time; then the row takes indices 1, 4, 7, ... up to
  // 3 * sections[1] and the column 2, 5, 8, ... up to 3 * sections[2].
  std::vector<int> component(freq.size(), 0);
  int64_t n_deepstack = 0;
  if (a == "qwen3vlmoe") {
    const std::vector<int64_t> sec = *md.get_int_array(a + ".rope.dimension_sections");
    for (int dim = 1; dim <= 2; ++dim) {
      for (int64_t i = dim; i < 3 * sec[dim] && i < static_cast<int64_t>(freq.size()); i += 3) {
        component[i] = dim;
      }
    }
    n_deepstack = md.get_int(a + ".n_deepstack_layers").value_or(0);
  }

  const Matrix embd = r.matrix("token_embd.weight");
  const int64_t E = embd.n_in;
  std::vector<Vec> x(T);
  ReferenceResult result;
  result.routing_margin.assign(T, 1.0);
  for (int64_t t = 0; t < T; ++t) {
    const ReferenceInput& in = inputs[t];
    if (in.token >= 0) {
      x[t].assign(embd.row(in.token), embd.row(in.token) + E);
    } else {
      x[t].assign(in.embedding.begin(), in.embedding.begin() + E);
    }
  }
  auto position = [&](int64_t t, int64_t out[3]) {
    out[0] = inputs[t].t;
    out[1] = inputs[t].y;
    out[2] = inputs[t].x;
  };

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
        int64_t pos[3];
        position(t, pos);
        rope(head.data(), freq, pos, component, magnitude);
        std::copy(head.begin(), head.end(), q[t].begin() + h * hd);
      }
      for (int64_t h = 0; h < n_kv; ++h) {
        Vec head(k[t].begin() + h * hd, k[t].begin() + (h + 1) * hd);
        head = rms_norm(head, kn, eps);
        int64_t pos[3];
        position(t, pos);
        rope(head.data(), freq, pos, component, magnitude);
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
    // DeepStack: an image row's slice il + 1 joins the output of layer il.
    for (int64_t t = 0; t < T && il < n_deepstack; ++t) {
      if (inputs[t].token >= 0) continue;
      for (int64_t i = 0; i < E; ++i) x[t][i] += inputs[t].embedding[(il + 1) * E + i];
    }
  }

  const Vec out_norm = r.vector("output_norm.weight");
  const Matrix head = r.has("output.weight") ? r.matrix("output.weight") : embd;
  result.logits.resize(T);
  for (int64_t t = 0; t < T; ++t) result.logits[t] = matvec(head, rms_norm(x[t], out_norm, eps));
  return result;
}

}  // namespace mosaic::testing
