// deepseek2: DeepSeek-V2(-Lite), V2.5, V3, V3.1, R1, Kimi-K2 and their
// fine-tunes. A pre-norm transformer with multi-head latent attention (MLA)
// and, after a few dense leading layers, a routed mixture of SwiGLU experts
// plus always-on shared experts.
//
// MLA compresses each token's keys and values into one latent vector c_kv
// (kv_lora_rank floats, RMS-normed) plus one small rotary key k_pe shared by
// all heads. Only those (576 floats per layer for V3) are cached. Decode and
// short batches run attention in the "absorbed" form: each head's query is
// mapped into latent space (q_lat = k_b[h] q_nope), scores are q_lat.c_kv +
// q_pe.k_pe, the weighted sum of latents is mapped out per head with v_b[h].
// This is the textbook attention with k_nope = k_b[h]^T c_kv and v = v_b[h]
// c_kv, reassociated; long prompts use that textbook ("expanded") form,
// which costs less once many tokens meet many keys (cheaper_latent_form).
#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <optional>
#include <vector>

#include "engine/blocks/embedding.h"
#include "engine/blocks/ffn.h"
#include "engine/blocks/head_linear.h"
#include "engine/blocks/latent_attention.h"
#include "engine/blocks/linear.h"
#include "engine/blocks/moe.h"
#include "engine/blocks/output_head.h"
#include "engine/blocks/rope.h"
#include "engine/blocks/rows.h"
#include "engine/core/log.h"
#include "engine/error.h"
#include "engine/model/architecture.h"
#include "engine/model/weights.h"
#include "engine/models/deepseek2_hparams.h"
#include "kernels/cpu/ops.h"
#include "kernels/cpu/quant.h"

namespace mosaic {
namespace {

struct Layer {
  Weight attn_norm;
  Weight q;                   // attn_q (V2-Lite), or absent when q is low-rank
  Weight q_a, q_a_norm, q_b;  // attn_q_a, attn_q_a_norm, attn_q_b
  Weight kv_a, kv_a_norm;     // attn_kv_a_mqa, attn_kv_a_norm
  Weight k_b, v_b;            // attn_k_b {nope, kv_lora, n_head}, attn_v_b {kv_lora, v, n_head}
  Weight o, ffn_norm;
  FfnWeights dense;  // leading dense layers
  MoeWeights moe;    // all other layers
};

struct Deepseek2Workspace : Workspace {
  std::vector<float> x, normed, q_a, q, kv, q_abs, attn_lat, attn, proj;
  LinearInput input, q_a_input;
  HeadLinearScratch k_b, v_b;
  LatentAttentionScratch attention;
  ExpandedLatentScratch expanded;
  MoeScratch moe;
  FfnScratch dense;
  OutputHeadScratch head;
};

class Deepseek2 final : public Architecture {
 public:
  explicit Deepseek2(const gguf::GgufFile& file);

  const ModelDims& dims() const override { return hp_.dims; }
  // The cache holds the latent only: c_kv then k_pe, no values of their own.
  KvLayout kv_layout() const override { return {hp_.dims.n_layer, hp_.kv_lora + hp_.n_rot, 0}; }
  WeightStats weight_stats() const override { return stats_; }
  std::unique_ptr<Workspace> make_workspace(int64_t max_batch, int64_t n_ctx,
                                            int n_threads) const override;
  void forward(ForwardContext& ctx, const ForwardBatch& batch) const override;

 private:
  void load_attention(const gguf::GgufFile& file, WeightLoader& loader, const std::string& prefix,
                      Layer& L);
  void split_legacy_kv_b(const Weight& kv_b, Layer& L);
  void count_weights(bool tied);
  void attention(ForwardContext& ctx, Deepseek2Workspace& ws, const Layer& L, int64_t il,
                 int64_t n_tok, int64_t pos0) const;

  Deepseek2Hparams hp_;
  RotaryEmbedding rope_;
  Weight token_embd_, output_norm_, output_;
  std::vector<Layer> layers_;
  // k_b of files with the legacy attn_kv_b, transposed at load (one per layer).
  std::vector<std::vector<uint8_t>> converted_k_b_;
  WeightStats stats_;
};

Deepseek2::Deepseek2(const gguf::GgufFile& file) : hp_(read_deepseek2_hparams(file.metadata())) {
  rope_ = RotaryEmbedding(hp_.rope);
  WeightLoader loader(file);
  const gguf::TensorInfo* embd = file.find_tensor("token_embd.weight");
  if (embd == nullptr) fail(ErrorCode::Format, "required tensor 'token_embd.weight' is missing");
  hp_.dims.n_vocab = embd->ne[1];
  const int64_t E = hp_.dims.n_embd;
  token_embd_ = loader.require("token_embd.weight", {E, hp_.dims.n_vocab});
  output_norm_ = loader.require_f32("output_norm.weight", {E});
  output_ = loader.optional("output.weight", {E, hp_.dims.n_vocab});
  const bool tied = !output_.present();
  if (tied) output_ = token_embd_;

  layers_.resize(hp_.dims.n_layer);
  converted_k_b_.resize(hp_.dims.n_layer);
  const int64_t n_exp = hp_.dims.n_expert;
  for (int64_t il = 0; il < hp_.dims.n_layer; ++il) {
    Layer& L = layers_[il];
    const std::string p = fmt::format("blk.{}.", il);
    L.attn_norm = loader.require_f32(p + "attn_norm.weight", {E});
    load_attention(file, loader, p, L);
    L.ffn_norm = loader.require_f32(p + "ffn_norm.weight", {E});
    if (il < hp_.n_dense_lead) {
      L.dense.gate = loader.require(p + "ffn_gate.weight", {E, hp_.n_ff_dense});
      L.dense.up = loader.require(p + "ffn_up.weight", {E, hp_.n_ff_dense});
      L.dense.down = loader.require(p + "ffn_down.weight", {hp_.n_ff_dense, E});
      continue;
    }
    MoeWeights& m = L.moe;
    m.n_ff = hp_.n_ff_exp;
    m.router = loader.require(p + "ffn_gate_inp.weight", {E, n_exp});
    m.selection_bias = loader.optional(p + "exp_probs_b.bias", {n_exp});
    if (m.selection_bias.present() && m.selection_bias.type != kernels::DType::F32) {
      fail(ErrorCode::Unsupported,
           fmt::format("tensor '{}exp_probs_b.bias' is stored as {}; Mosaic expects f32", p,
                       kernels::type_traits(m.selection_bias.type).name));
    }
    if (loader.contains(p + "ffn_gate_up_exps.weight")) {
      m.gate_up = loader.require(p + "ffn_gate_up_exps.weight", {E, 2 * hp_.n_ff_exp, n_exp});
    } else {
      m.gate = loader.require(p + "ffn_gate_exps.weight", {E, hp_.n_ff_exp, n_exp});
      m.up = loader.require(p + "ffn_up_exps.weight", {E, hp_.n_ff_exp, n_exp});
    }
    m.down = loader.require(p + "ffn_down_exps.weight", {hp_.n_ff_exp, E, n_exp});
    if (hp_.n_shared > 0) {
      const int64_t n_ff_shared = hp_.n_ff_exp * hp_.n_shared;
      m.shared.gate = loader.require(p + "ffn_gate_shexp.weight", {E, n_ff_shared});
      m.shared.up = loader.require(p + "ffn_up_shexp.weight", {E, n_ff_shared});
      m.shared.down = loader.require(p + "ffn_down_shexp.weight", {n_ff_shared, E});
    }
  }
  // Not fatal (multi-token-prediction layers, rope frequency tables...), but
  // logged so surprises are visible.
  for (const std::string& name : loader.unused_tensors()) {
    log_warn(fmt::format("deepseek2: tensor '{}' is not used", name));
  }
  count_weights(tied);
}

void Deepseek2::load_attention(const gguf::GgufFile& file, WeightLoader& loader,
                               const std::string& p, Layer& L) {
  const int64_t E = hp_.dims.n_embd, H = hp_.dims.n_head;
  const int64_t q_width = H * (hp_.nope + hp_.n_rot);
  if (hp_.q_lora > 0) {
    L.q_a = loader.require(p + "attn_q_a.weight", {E, hp_.q_lora});
    L.q_a_norm = loader.require_f32(p + "attn_q_a_norm.weight", {hp_.q_lora});
    L.q_b = loader.require(p + "attn_q_b.weight", {hp_.q_lora, q_width});
  } else {
    if (loader.contains(p + "attn_q_a.weight")) {
      fail(ErrorCode::Format, fmt::format("tensor '{}attn_q_a.weight' is present but "
                                          "deepseek2.attention.q_lora_rank is missing or 0",
                                          p));
    }
    L.q = loader.require(p + "attn_q.weight", {E, q_width});
  }
  // Checked here to name the key: a kv_lora_rank that disagrees with the
  // tensors would otherwise surface as a bare shape mismatch.
  const std::string kv_a_name = p + "attn_kv_a_mqa.weight";
  const gguf::TensorInfo* kv_a = file.find_tensor(kv_a_name);
  if (kv_a != nullptr && kv_a->ne[1] != hp_.kv_lora + hp_.n_rot) {
    fail(ErrorCode::Format,
         fmt::format("tensor '{}' has {} outputs but deepseek2.attention.kv_lora_rank ({}) + "
                     "rope.dimension_count ({}) = {}",
                     kv_a_name, kv_a->ne[1], hp_.kv_lora, hp_.n_rot, hp_.kv_lora + hp_.n_rot));
  }
  L.kv_a = loader.require(kv_a_name, {E, hp_.kv_lora + hp_.n_rot});
  L.kv_a_norm = loader.require_f32(p + "attn_kv_a_norm.weight", {hp_.kv_lora});
  if (loader.contains(p + "attn_k_b.weight") || !loader.contains(p + "attn_kv_b.weight")) {
    L.k_b = loader.require(p + "attn_k_b.weight", {hp_.nope, hp_.kv_lora, H});
    L.v_b = loader.require(p + "attn_v_b.weight", {hp_.kv_lora, hp_.v_dim, H});
  } else {
    split_legacy_kv_b(
        loader.require(p + "attn_kv_b.weight", {hp_.kv_lora, H * (hp_.nope + hp_.v_dim)}), L);
  }
  L.o = loader.require(p + "attn_output.weight", {H * hp_.v_dim, E});
  // Gated-attention variants multiply the output by a learned gate; without
  // it the result would be silently wrong.
  if (loader.contains(p + "attn_gate.weight")) {
    fail(ErrorCode::Unsupported,
         fmt::format("tensor '{}attn_gate.weight' (gated attention) is not supported", p));
  }
}

// Older files store one attn_kv_b {kv_lora, n_head * (nope + v)}: per head,
// nope rows producing k_nope, then v rows producing v. The v rows are
// already v_b's layout (a strided view, no copy); the k rows are transposed
// into k_b[h] {nope, kv_lora} - kept exact: F16 stays F16, anything else is
// widened to F32.
void Deepseek2::split_legacy_kv_b(const Weight& kv_b, Layer& L) {
  const int64_t H = hp_.dims.n_head, per_head = hp_.nope + hp_.v_dim;
  const size_t row = kv_b.row_bytes();
  L.v_b = kv_b;
  L.v_b.data = kv_b.data + static_cast<size_t>(hp_.nope) * row;
  L.v_b.ne = {hp_.kv_lora, hp_.v_dim, H, 1};
  L.v_b.matrix_stride = static_cast<size_t>(per_head) * row;

  const bool keep_f16 = kv_b.type == kernels::DType::F16;
  const size_t elem = keep_f16 ? 2 : 4;
  std::vector<uint8_t>& out = converted_k_b_[&L - layers_.data()];
  out.assign(static_cast<size_t>(H) * hp_.kv_lora * hp_.nope * elem, 0);
  std::vector<float> src(hp_.kv_lora);
  for (int64_t h = 0; h < H; ++h) {
    for (int64_t i = 0; i < hp_.nope; ++i) {
      kernels::dequantize_row(kv_b.type, kv_b.data + (h * per_head + i) * row, src.data(),
                              hp_.kv_lora);
      for (int64_t c = 0; c < hp_.kv_lora; ++c) {
        const size_t at = (static_cast<size_t>(h) * hp_.kv_lora + c) * hp_.nope + i;
        if (keep_f16) {
          const uint16_t v = kernels::fp32_to_fp16(src[c]);
          std::memcpy(out.data() + at * 2, &v, 2);
        } else {
          std::memcpy(out.data() + at * 4, &src[c], 4);
        }
      }
    }
  }
  L.k_b.type = keep_f16 ? kernels::DType::F16 : kernels::DType::F32;
  L.k_b.ne = {hp_.nope, hp_.kv_lora, H, 1};
  L.k_b.data = out.data();
}

void Deepseek2::count_weights(bool tied) {
  // The embedding table is looked up, not multiplied: active only when the
  // head shares it.
  auto add = [&](const Weight& w, double active_fraction) {
    if (!w.present()) return;
    stats_.params_total += w.n_elements();
    stats_.bytes_total += w.n_bytes();
    stats_.params_active += static_cast<uint64_t>(w.n_elements() * active_fraction);
    stats_.bytes_active += static_cast<uint64_t>(w.n_bytes() * active_fraction);
  };
  const double expert_fraction = static_cast<double>(hp_.dims.n_expert_used) / hp_.dims.n_expert;
  add(token_embd_, tied ? 1.0 : 0.0);
  add(output_norm_, 1.0);
  if (!tied) add(output_, 1.0);
  for (const Layer& L : layers_) {
    for (const Weight* w :
         {&L.attn_norm, &L.q, &L.q_a, &L.q_a_norm, &L.q_b, &L.kv_a, &L.kv_a_norm, &L.k_b, &L.v_b,
          &L.o, &L.ffn_norm, &L.dense.gate, &L.dense.up, &L.dense.down, &L.moe.router,
          &L.moe.selection_bias, &L.moe.shared.gate, &L.moe.shared.up, &L.moe.shared.down}) {
      add(*w, 1.0);
    }
    for (const Weight* w : {&L.moe.gate, &L.moe.up, &L.moe.gate_up, &L.moe.down}) {
      add(*w, expert_fraction);
    }
  }
}

std::unique_ptr<Workspace> Deepseek2::make_workspace(int64_t max_batch, int64_t n_ctx,
                                                     int n_threads) const {
  auto ws = std::make_unique<Deepseek2Workspace>();
  const int64_t E = hp_.dims.n_embd, H = hp_.dims.n_head, latent = hp_.kv_lora + hp_.n_rot;
  ws->x.resize(max_batch * E);
  ws->normed.resize(max_batch * E);
  ws->q_a.resize(max_batch * hp_.q_lora);
  ws->q.resize(max_batch * H * (hp_.nope + hp_.n_rot));
  ws->kv.resize(max_batch * latent);
  ws->q_abs.resize(max_batch * H * latent);
  ws->attn_lat.resize(max_batch * H * hp_.kv_lora);
  ws->attn.resize(max_batch * H * hp_.v_dim);
  ws->proj.resize(max_batch * E);
  ws->attention.prepare(H, n_ctx);
  return ws;
}

void Deepseek2::attention(ForwardContext& ctx, Deepseek2Workspace& ws, const Layer& L, int64_t il,
                          int64_t n_tok, int64_t pos0) const {
  const int64_t E = hp_.dims.n_embd, H = hp_.dims.n_head;
  const int64_t head_q = hp_.nope + hp_.n_rot, latent = hp_.kv_lora + hp_.n_rot;
  for_each_row(ctx.pool, n_tok, [&](int64_t t) {
    kernels::rms_norm(ws.x.data() + t * E, L.attn_norm.f32(), ws.normed.data() + t * E, E,
                      hp_.rms_eps);
  });
  ws.input.set(ws.normed.data(), n_tok, E, E);
  if (hp_.q_lora > 0) {
    linear(ctx.pool, L.q_a, ws.input, ws.q_a.data(), hp_.q_lora);
    for_each_row(ctx.pool, n_tok, [&](int64_t t) {
      float* r = ws.q_a.data() + t * hp_.q_lora;
      kernels::rms_norm(r, L.q_a_norm.f32(), r, hp_.q_lora, hp_.rms_eps);
    });
    ws.q_a_input.set(ws.q_a.data(), n_tok, hp_.q_lora, hp_.q_lora);
    linear(ctx.pool, L.q_b, ws.q_a_input, ws.q.data(), H * head_q);
  } else {
    linear(ctx.pool, L.q, ws.input, ws.q.data(), H * head_q);
  }
  linear(ctx.pool, L.kv_a, ws.input, ws.kv.data(), latent);

  // Normalize the latent, rotate q_pe and k_pe, cache [c_kv, k_pe].
  for_each_row(ctx.pool, n_tok, [&](int64_t t) {
    const int64_t pos = pos0 + t;
    float* kv = ws.kv.data() + t * latent;
    kernels::rms_norm(kv, L.kv_a_norm.f32(), kv, hp_.kv_lora, hp_.rms_eps);
    rope_.apply(kv + hp_.kv_lora, 1, latent, pos, RopePairing::Adjacent);
    rope_.apply(ws.q.data() + t * H * head_q + hp_.nope, H, head_q, pos, RopePairing::Adjacent);
    ctx.kv.store_k(il, pos, kv);
  });

  const LatentAttentionShape shape{H, latent, hp_.kv_lora, hp_.kq_scale};
  const LatentUpProjections up{&L.k_b, &L.v_b};
  if (cheaper_latent_form(shape, up, n_tok, pos0) == LatentForm::Expanded) {
    attend_latent_expanded(ctx.pool, ctx.kv, il, shape, up, ws.q.data(), n_tok, pos0,
                           ws.attn.data(), ws.expanded);
  } else {
    // Queries in latent space: [k_b[h] q_nope, q_pe] per head.
    per_head_linear(ctx.pool, L.k_b, ws.q.data(), head_q, n_tok, ws.q_abs.data(), latent, ws.k_b);
    for (int64_t r = 0; r < n_tok * H; ++r) {
      std::memcpy(ws.q_abs.data() + r * latent + hp_.kv_lora, ws.q.data() + r * head_q + hp_.nope,
                  hp_.n_rot * sizeof(float));
    }
    attend_latent(ctx.pool, ctx.kv, il, shape, ws.q_abs.data(), n_tok, pos0, ws.attn_lat.data(),
                  ws.attention);
    per_head_linear(ctx.pool, L.v_b, ws.attn_lat.data(), hp_.kv_lora, n_tok, ws.attn.data(),
                    hp_.v_dim, ws.v_b);
  }

  const int64_t Ho = H * hp_.v_dim;
  ws.input.set(ws.attn.data(), n_tok, Ho, Ho);
  linear(ctx.pool, L.o, ws.input, ws.proj.data(), E);
  for_each_row(ctx.pool, n_tok, [&](int64_t t) {
    kernels::axpy(ws.x.data() + t * E, 1.0f, ws.proj.data() + t * E, E);
  });
}

void Deepseek2::forward(ForwardContext& ctx, const ForwardBatch& batch) const {
  auto& ws = static_cast<Deepseek2Workspace&>(ctx.workspace);
  const int64_t n_tok = static_cast<int64_t>(batch.tokens.size());
  const int64_t E = hp_.dims.n_embd;
  embed_tokens(ctx.pool, token_embd_, batch.tokens, ws.x.data());
  for (int64_t il = 0; il < hp_.dims.n_layer; ++il) {
    const Layer& L = layers_[il];
    attention(ctx, ws, L, il, n_tok, batch.pos0);
    for_each_row(ctx.pool, n_tok, [&](int64_t t) {
      kernels::rms_norm(ws.x.data() + t * E, L.ffn_norm.f32(), ws.normed.data() + t * E, E,
                        hp_.rms_eps);
    });
    if (L.dense.present()) {
      ws.input.set(ws.normed.data(), n_tok, E, E);
      swiglu_ffn(ctx.pool, L.dense, ws.input, E, ws.x.data(), ws.dense);
    } else {
      moe_ffn(ctx.pool, L.moe, hp_.routing, ws.normed.data(), n_tok, E, ws.x.data(), ws.moe);
    }
  }
  compute_logits(ctx.pool, output_norm_, hp_.rms_eps, output_, ws.x.data(), n_tok, E, batch,
                 ws.head);
}

}  // namespace

std::unique_ptr<Architecture> make_deepseek2(const gguf::GgufFile& file) {
  return std::make_unique<Deepseek2>(file);
}

}  // namespace mosaic
