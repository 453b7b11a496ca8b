// A deliberately plain deepseek2 forward pass, in the textbook form of
// multi-head latent attention: every position's per-head keys and values are
// expanded from the cached latent (k_nope = k_b^T c_kv, v = v_b c_kv, or the
// single legacy kv_b), then ordinary softmax attention. The engine computes
// the same thing reassociated ("absorbed": queries mapped into latent space)
// for short batches, and in this textbook form ("expanded") for long ones,
// so agreement checks both the algebra and the bookkeeping.
//
// YaRN follows the published formulation (as in DeepSeek's reference code):
// per-frequency blend of original and interpolated frequencies over the
// correction range of beta_fast = 32 / beta_slow = 1 rotations, and the
// softmax scale multiplied by (1 + 0.1 * mscale_all_dim * ln(factor))^2.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <stdexcept>

#include "tests/engine/reference_forward.h"
#include "tests/engine/reference_math.h"

namespace mosaic::testing {
namespace {

using namespace refmath;  // NOLINT: the reference reads best with short names

struct Hparams {
  int64_t n_layer, n_head, q_lora, kv_lora, n_rot, nope, v_dim, n_dense, n_exp, k_used, n_ff_exp;
  int64_t n_shared, n_group = 1, n_group_used = 1;
  bool sigmoid = false, norm_weights = false;
  double scale_weights = 1.0, eps, base;
  bool yarn = false;
  double yarn_factor = 1.0, yarn_log_mul = 0.0;
  int64_t yarn_orig_ctx = 0;
};

Hparams read_hparams(const gguf::Metadata& md) {
  const std::string a = "deepseek2.";
  auto num = [&](const std::string& k) {
    const auto v = md.get_int(a + k);
    if (!v) throw std::runtime_error("reference: missing " + a + k);
    return *v;
  };
  auto num_or = [&](const std::string& k, int64_t d) { return md.get_int(a + k).value_or(d); };
  Hparams h{};
  h.n_layer = num("block_count");
  h.n_head = num("attention.head_count");
  h.q_lora = num_or("attention.q_lora_rank", 0);
  h.kv_lora = num("attention.kv_lora_rank");
  h.n_rot = num("rope.dimension_count");
  const bool mla_keys = md.get_int(a + "attention.key_length_mla").has_value();
  h.nope = (mla_keys ? num("attention.key_length_mla") : num("attention.key_length")) - h.n_rot;
  h.v_dim = mla_keys ? num("attention.value_length_mla") : num("attention.value_length");
  h.n_dense = num_or("leading_dense_block_count", 0);
  h.n_exp = num("expert_count");
  h.k_used = num("expert_used_count");
  h.n_ff_exp = num("expert_feed_forward_length");
  h.n_shared = num_or("expert_shared_count", 0);
  h.n_group = std::max<int64_t>(1, num_or("expert_group_count", 1));
  h.n_group_used = std::max<int64_t>(1, num_or("expert_group_used_count", h.n_group));
  h.sigmoid = num_or("expert_gating_func", 1) == 2;
  h.norm_weights = md.get_bool(a + "expert_weights_norm").value_or(false);
  const double s = md.get_float(a + "expert_weights_scale").value_or(0.0);
  h.scale_weights = s == 0.0 ? 1.0 : s;
  h.eps = *md.get_float(a + "attention.layer_norm_rms_epsilon");
  h.base = md.get_float(a + "rope.freq_base").value_or(10000.0);
  h.yarn = md.get_string(a + "rope.scaling.type").value_or("none") == "yarn";
  if (h.yarn) {
    h.yarn_factor = *md.get_float(a + "rope.scaling.factor");
    h.yarn_orig_ctx = num("rope.scaling.original_context_length");
    h.yarn_log_mul = md.get_float(a + "rope.scaling.yarn_log_multiplier").value_or(0.0);
  }
  return h;
}

// Rotation of adjacent pairs (2i, 2i+1), the layout deepseek2 GGUFs store.
void rope_adjacent(double* x, const Vec& freq, int64_t pos) {
  for (size_t i = 0; i < freq.size(); ++i) {
    const double theta = pos * freq[i];
    const double a = x[2 * i], b = x[2 * i + 1];
    x[2 * i] = a * std::cos(theta) - b * std::sin(theta);
    x[2 * i + 1] = a * std::sin(theta) + b * std::cos(theta);
  }
}

Vec plain_matvec(const Matrix& m, const Vec& x) { return matvec(m, x, Activations::Exact); }

Vec swiglu_ffn(const Reader& r, const std::string& gate, const std::string& up,
               const std::string& down, const Vec& xn, Activations act, int64_t expert = 0) {
  const Vec g = matvec(r.matrix(gate, expert), xn, act);
  const Vec u = matvec(r.matrix(up, expert), xn, act);
  Vec hidden(g.size());
  for (size_t i = 0; i < g.size(); ++i) hidden[i] = silu(g[i]) * u[i];
  return matvec(r.matrix(down, expert), hidden, act);
}

}  // namespace

ReferenceResult reference_forward_deepseek2(const gguf::GgufFile& f,
                                            const std::vector<int32_t>& tokens, Activations act,
                                            KvStorage kv, LatentForm latent_form) {
  const bool absorbed = latent_form == LatentForm::Absorbed;
  const Hparams hp = read_hparams(f.metadata());
  const Reader r(f);
  const int64_t T = static_cast<int64_t>(tokens.size());
  const int64_t H = hp.n_head, nope = hp.nope, n_rot = hp.n_rot, C = hp.kv_lora, V = hp.v_dim;
  const int64_t head_q = nope + n_rot;
  const YarnSpec yarn{hp.yarn, hp.yarn_factor, hp.yarn_orig_ctx};
  const Vec freq = rope_frequencies(n_rot, hp.base, yarn);
  // Converters store yarn_log_multiplier = 0.1 * mscale_all_dim.
  const double mscale = yarn_temperature(yarn, hp.yarn_log_mul / 0.1);
  const double kq_scale = mscale * mscale / std::sqrt(static_cast<double>(head_q));

  const Matrix embd = r.matrix("token_embd.weight");
  const int64_t E = embd.n_in;
  std::vector<Vec> x(T);
  for (int64_t t = 0; t < T; ++t) x[t].assign(embd.row(tokens[t]), embd.row(tokens[t]) + E);
  ReferenceResult result;
  result.routing_margin.assign(T, 1.0);

  for (int64_t il = 0; il < hp.n_layer; ++il) {
    const std::string b = fmt::format("blk.{}.", il);
    // Queries, and the per-position latent (c_kv, k_pe) that a cache would hold.
    std::vector<Vec> q(T), c_kv(T), k_pe(T);
    for (int64_t t = 0; t < T; ++t) {
      const Vec xn = rms_norm(x[t], r.vector(b + "attn_norm.weight"), hp.eps);
      if (hp.q_lora > 0) {
        const Vec qa = rms_norm(matvec(r.matrix(b + "attn_q_a.weight"), xn, act),
                                r.vector(b + "attn_q_a_norm.weight"), hp.eps);
        q[t] = matvec(r.matrix(b + "attn_q_b.weight"), qa, act);
      } else {
        q[t] = matvec(r.matrix(b + "attn_q.weight"), xn, act);
      }
      const Vec kva = matvec(r.matrix(b + "attn_kv_a_mqa.weight"), xn, act);
      c_kv[t] = rms_norm(Vec(kva.begin(), kva.begin() + C), r.vector(b + "attn_kv_a_norm.weight"),
                         hp.eps);
      k_pe[t].assign(kva.begin() + C, kva.end());
      rope_adjacent(k_pe[t].data(), freq, t);
      for (int64_t h = 0; h < H; ++h) rope_adjacent(q[t].data() + h * head_q + nope, freq, t);
      if (kv == KvStorage::Half) {
        for (double& e : c_kv[t]) e = to_half(e);
        for (double& e : k_pe[t]) e = to_half(e);
      }
    }

    // Per-head up-projections: k_b[h] (C rows of nope) and v_b[h] (V rows of
    // C), taken from the legacy kv_b rows when the file has that form.
    const bool legacy = r.has(b + "attn_kv_b.weight");
    std::vector<Matrix> k_b(H), v_b(H);
    if (legacy) {
      const Matrix kv_b = r.matrix(b + "attn_kv_b.weight");
      for (int64_t h = 0; h < H; ++h) {
        k_b[h] = Matrix{nope, C, kernels::DType::F32, Vec(C * nope)};
        v_b[h] = Matrix{C, V, kv_b.type, Vec(V * C)};
        for (int64_t i = 0; i < nope; ++i) {
          for (int64_t c = 0; c < C; ++c) k_b[h].v[c * nope + i] = kv_b.row(h * (nope + V) + i)[c];
        }
        for (int64_t j = 0; j < V; ++j) {
          std::copy(kv_b.row(h * (nope + V) + nope + j), kv_b.row(h * (nope + V) + nope + j) + C,
                    v_b[h].v.begin() + j * C);
        }
      }
    } else {
      for (int64_t h = 0; h < H; ++h) {
        k_b[h] = r.matrix(b + "attn_k_b.weight", h);
        v_b[h] = r.matrix(b + "attn_v_b.weight", h);
      }
    }
    // Textbook keys and values of every position and head.
    std::vector<std::vector<Vec>> k_nope(T, std::vector<Vec>(H)), v(T, std::vector<Vec>(H));
    for (int64_t p = 0; p < T; ++p) {
      for (int64_t h = 0; h < H; ++h) {
        Vec kn(nope, 0.0);
        for (int64_t c = 0; c < C; ++c) {
          for (int64_t i = 0; i < nope; ++i) kn[i] += k_b[h].row(c)[i] * c_kv[p][c];
        }
        k_nope[p][h] = kn;
        v[p][h] = plain_matvec(v_b[h], c_kv[p]);
      }
    }
    // With a quantized v_b the absorbed form rounds the attention-weighted
    // latent to 8 bits before applying v_b; that rounding only exists in the
    // reassociated order, so to mirror it the value side is computed as
    // v_b (sum_p s_p c_kv[p]) - the same value in exact arithmetic. Keys stay
    // textbook; F32/F16 files check both sides in textbook form.
    const bool reassociate_values =
        act == Activations::RoundedLikeEngine && absorbed &&
        kernels::type_traits(v_b[0].type).vec_dot_type != kernels::DType::F32;

    const Matrix wo = r.matrix(b + "attn_output.weight");
    for (int64_t t = 0; t < T; ++t) {
      Vec attn(H * V, 0.0);
      for (int64_t h = 0; h < H; ++h) {
        const double* qh = q[t].data() + h * head_q;
        // The engine hands q_nope to k_b: rounded like an activation of k_b
        // (legacy files: k_b is widened to f32 at load, no rounding).
        Vec qn(qh, qh + nope);
        if (act == Activations::RoundedLikeEngine && absorbed && !legacy) {
          qn = round_activations(k_b[h].type, qn);
        }
        Vec s(t + 1);
        for (int64_t p = 0; p <= t; ++p) {
          double d = 0;
          for (int64_t i = 0; i < nope; ++i) d += qn[i] * k_nope[p][h][i];
          for (int64_t i = 0; i < n_rot; ++i) d += qh[nope + i] * k_pe[p][i];
          s[p] = d * kq_scale;
        }
        softmax(s);
        if (reassociate_values) {
          Vec lat(C, 0.0);
          for (int64_t p = 0; p <= t; ++p) {
            for (int64_t c = 0; c < C; ++c) lat[c] += s[p] * c_kv[p][c];
          }
          const Vec o = matvec(v_b[h], lat, act);
          std::copy(o.begin(), o.end(), attn.begin() + h * V);
        } else {
          for (int64_t p = 0; p <= t; ++p) {
            for (int64_t j = 0; j < V; ++j) attn[h * V + j] += s[p] * v[p][h][j];
          }
        }
      }
      const Vec o = matvec(wo, attn, act);
      for (int64_t i = 0; i < E; ++i) x[t][i] += o[i];
    }

    for (int64_t t = 0; t < T; ++t) {
      const Vec xn = rms_norm(x[t], r.vector(b + "ffn_norm.weight"), hp.eps);
      if (il < hp.n_dense) {
        const Vec out = swiglu_ffn(r, b + "ffn_gate.weight", b + "ffn_up.weight",
                                   b + "ffn_down.weight", xn, act);
        for (int64_t i = 0; i < E; ++i) x[t][i] += out[i];
        continue;
      }
      // Routing: probabilities, biased selection scores, best groups, top-k.
      Vec probs = matvec(r.matrix(b + "ffn_gate_inp.weight"), xn, act);
      if (hp.sigmoid) {
        for (double& p : probs) p = 1.0 / (1.0 + std::exp(-p));
      } else {
        softmax(probs);
      }
      Vec sel = probs;
      if (r.has(b + "exp_probs_b.bias")) {
        const Vec bias = r.vector(b + "exp_probs_b.bias");
        for (int64_t e = 0; e < hp.n_exp; ++e) sel[e] += bias[e];
      }
      if (hp.n_group > 1 && hp.n_group_used < hp.n_group) {
        const int64_t per = hp.n_exp / hp.n_group;
        Vec group_score(hp.n_group);
        for (int64_t g = 0; g < hp.n_group; ++g) {
          Vec members(sel.begin() + g * per, sel.begin() + (g + 1) * per);
          std::sort(members.rbegin(), members.rend());
          group_score[g] = members[0] + (per > 1 ? members[1] : 0.0);
        }
        std::vector<int64_t> groups(hp.n_group);
        std::iota(groups.begin(), groups.end(), 0);
        std::stable_sort(groups.begin(), groups.end(),
                         [&](int64_t i, int64_t j) { return group_score[i] > group_score[j]; });
        result.routing_margin[t] =
            std::min(result.routing_margin[t], group_score[groups[hp.n_group_used - 1]] -
                                                   group_score[groups[hp.n_group_used]]);
        for (int64_t j = hp.n_group_used; j < hp.n_group; ++j) {
          for (int64_t e = 0; e < per; ++e) {
            sel[groups[j] * per + e] = -std::numeric_limits<double>::infinity();
          }
        }
      }
      std::vector<int64_t> order(hp.n_exp);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t i, int64_t j) { return sel[i] > sel[j]; });
      if (hp.k_used < hp.n_exp && std::isfinite(sel[order[hp.k_used]])) {
        result.routing_margin[t] =
            std::min(result.routing_margin[t], sel[order[hp.k_used - 1]] - sel[order[hp.k_used]]);
      }
      double sum = 0;
      for (int64_t j = 0; j < hp.k_used; ++j) sum += probs[order[j]];
      const bool merged = r.has(b + "ffn_gate_up_exps.weight");
      for (int64_t j = 0; j < hp.k_used; ++j) {
        const int64_t e = order[j];
        Vec down;
        if (merged) {
          const Vec gu = matvec(r.matrix(b + "ffn_gate_up_exps.weight", e), xn, act);
          Vec hidden(hp.n_ff_exp);
          for (int64_t i = 0; i < hp.n_ff_exp; ++i) hidden[i] = silu(gu[i]) * gu[hp.n_ff_exp + i];
          down = matvec(r.matrix(b + "ffn_down_exps.weight", e), hidden, act);
        } else {
          down = swiglu_ffn(r, b + "ffn_gate_exps.weight", b + "ffn_up_exps.weight",
                            b + "ffn_down_exps.weight", xn, act, e);
        }
        const double w = probs[e] / (hp.norm_weights ? sum : 1.0) * hp.scale_weights;
        for (int64_t i = 0; i < E; ++i) x[t][i] += w * down[i];
      }
      if (hp.n_shared > 0) {
        const Vec shared = swiglu_ffn(r, b + "ffn_gate_shexp.weight", b + "ffn_up_shexp.weight",
                                      b + "ffn_down_shexp.weight", xn, act);
        for (int64_t i = 0; i < E; ++i) x[t][i] += shared[i];
      }
    }
  }

  const Vec out_norm = r.vector("output_norm.weight");
  const Matrix head = r.has("output.weight") ? r.matrix("output.weight") : embd;
  result.logits.resize(T);
  for (int64_t t = 0; t < T; ++t) {
    result.logits[t] = matvec(head, rms_norm(x[t], out_norm, hp.eps), act);
  }
  return result;
}

}  // namespace mosaic::testing
