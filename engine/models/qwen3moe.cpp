// qwen3moe: Qwen3-30B-A3B, Qwen3-235B-A22B, Qwen3-Coder-30B-A3B and their
// fine-tunes. A pre-norm transformer with grouped-query attention (RMS-normed
// q and k per head, NEOX rotary embedding) and a routed mixture of SwiGLU
// experts in every layer (softmax router, top-k, weights renormalized).
// The same text model with image input serves qwen3vlmoe (qwen3vlmoe.cpp).
#include "engine/models/qwen3moe.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "engine/blocks/attention.h"
#include "engine/blocks/embedding.h"
#include "engine/blocks/linear.h"
#include "engine/blocks/moe.h"
#include "engine/blocks/output_head.h"
#include "engine/blocks/rope.h"
#include "engine/blocks/rows.h"
#include "engine/core/log.h"
#include "engine/error.h"
#include "engine/model/architecture.h"
#include "engine/model/weights.h"
#include "kernels/cpu/ops.h"

namespace mosaic {
namespace {

struct Layer {
  Weight attn_norm, q, k, v, o, q_norm, k_norm, ffn_norm;
  MoeWeights moe;
};

struct Qwen3MoeWorkspace : Workspace {
  std::vector<float> x, normed, q, k, v, attn, proj;
  LinearInput input;
  AttentionScratch attention;
  MoeScratch moe;
  OutputHeadScratch head;
};

class Qwen3Moe final : public Architecture {
 public:
  Qwen3Moe(const gguf::GgufFile& file, const std::string& arch,
           const std::optional<Qwen3VisionText>& vision);

  const ModelDims& dims() const override { return dims_; }
  KvLayout kv_layout() const override {
    return {dims_.n_layer, dims_.n_head_kv * head_dim_, dims_.n_head_kv * v_head_dim_};
  }
  WeightStats weight_stats() const override { return stats_; }
  ImageInput image_input() const override;
  std::unique_ptr<Workspace> make_workspace(int64_t max_batch, int64_t n_ctx,
                                            int n_threads) const override;
  void forward(ForwardContext& ctx, const ForwardBatch& batch) const override;

 private:
  void attention(ForwardContext& ctx, Qwen3MoeWorkspace& ws, const Layer& layer, int64_t il,
                 const ForwardBatch& batch) const;
  void embed(ForwardContext& ctx, Qwen3MoeWorkspace& ws, const ForwardBatch& batch) const;

  ModelDims dims_;
  int64_t head_dim_ = 0, v_head_dim_ = 0, rope_dims_ = 0;
  float rms_eps_ = 1e-6f, rope_base_ = 10000.0f, rope_scale_ = 1.0f;
  // YaRN and multimodal files rotate with the shared block (the others keep
  // the NEOX kernel).
  std::optional<RotaryEmbedding> rotary_;
  std::optional<Qwen3VisionText> vision_;
  RoutingConfig routing_;
  Weight token_embd_, output_norm_, output_;
  std::vector<Layer> layers_;
  WeightStats stats_;
};

Qwen3Moe::Qwen3Moe(const gguf::GgufFile& file, const std::string& arch,
                   const std::optional<Qwen3VisionText>& vision)
    : vision_(vision) {
  const ArchKeys keys(file.metadata(), arch);
  dims_.n_embd = keys.require_int("embedding_length");
  dims_.n_layer = keys.require_int("block_count");
  dims_.n_head = keys.require_int("attention.head_count");
  dims_.n_head_kv = keys.int_or("attention.head_count_kv", dims_.n_head);
  dims_.n_expert = keys.require_int("expert_count");
  dims_.n_expert_used = keys.require_int("expert_used_count");
  dims_.n_ctx_train = keys.int_or("context_length", 4096);
  check_hparam(dims_.n_embd > 0 && dims_.n_layer > 0 && dims_.n_head > 0,
               "embedding_length, block_count and attention.head_count must be positive");
  check_hparam(dims_.n_head_kv > 0 && dims_.n_head % dims_.n_head_kv == 0,
               fmt::format("attention.head_count ({}) must be a multiple of head_count_kv ({})",
                           dims_.n_head, dims_.n_head_kv));
  head_dim_ = keys.int_or("attention.key_length", dims_.n_embd / dims_.n_head);
  v_head_dim_ = keys.int_or("attention.value_length", head_dim_);
  rope_dims_ = keys.int_or("rope.dimension_count", head_dim_);
  check_hparam(head_dim_ > 0 && head_dim_ % 2 == 0 && v_head_dim_ > 0,
               "attention.key_length must be positive and even");
  check_hparam(rope_dims_ > 0 && rope_dims_ <= head_dim_ && rope_dims_ % 2 == 0,
               "rope.dimension_count must be even and at most the head size");
  check_hparam(
      dims_.n_expert > 0 && dims_.n_expert_used > 0 && dims_.n_expert_used <= dims_.n_expert,
      "expert_used_count must be between 1 and expert_count");
  check_hparam(dims_.n_ctx_train > 0, "context_length must be positive");
  rms_eps_ = static_cast<float>(keys.float_or("attention.layer_norm_rms_epsilon", 1e-6));
  rope_base_ = static_cast<float>(keys.float_or("rope.freq_base", 10000.0));
  check_hparam(rms_eps_ > 0 && rope_base_ > 0, "rms epsilon and rope.freq_base must be positive");

  const std::string scaling =
      file.metadata().get_string(keys.full_key("rope.scaling.type")).value_or("none");
  RopeParams rp;
  rp.n_rot = rope_dims_;
  rp.freq_base = rope_base_;
  if (vision_) rp.interleaved_sections = vision_->rope_sections;
  if (scaling == "linear") {
    const double factor = keys.float_or("rope.scaling.factor", 1.0);
    check_hparam(factor > 0, "rope.scaling.factor must be positive");
    rope_scale_ = static_cast<float>(1.0 / factor);
    rp.scaling = RopeScaling::Linear;
    rp.factor = factor;
    if (vision_) rotary_.emplace(rp);
  } else if (scaling == "yarn") {
    // As llama.cpp and the reference Qwen code: per-frequency YaRN blend, and
    // the temperature 1 + 0.1 ln(factor) applied to the rotation itself (so
    // to both q and k).
    rp.scaling = RopeScaling::Yarn;
    rp.factor = keys.float_or("rope.scaling.factor", 1.0);
    rp.n_ctx_orig = keys.int_or("rope.scaling.original_context_length", dims_.n_ctx_train);
    rp.beta_fast = keys.float_or("rope.scaling.yarn_beta_fast", 32.0);
    rp.beta_slow = keys.float_or("rope.scaling.yarn_beta_slow", 1.0);
    check_hparam(rp.factor >= 1.0, keys.full_key("rope.scaling.factor") + " must be at least 1");
    check_hparam(rp.n_ctx_orig > 0,
                 keys.full_key("rope.scaling.original_context_length") + " must be positive");
    rp.magnitude = yarn_mscale(rp.factor, 1.0);
    rotary_.emplace(rp);
  } else if (scaling == "none") {
    if (vision_) rotary_.emplace(rp);
  } else {
    fail(ErrorCode::Unsupported,
         fmt::format("rope scaling '{}' is not supported for {}", scaling, arch));
  }
  if (vision_) {
    const auto& sec = vision_->rope_sections;
    check_hparam(
        sec[0] >= 0 && sec[1] >= 0 && sec[2] >= 0 && 2 * (sec[0] + sec[1] + sec[2]) <= rope_dims_,
        fmt::format("{} (sections {}, {}, {}) must cover at most the {} rotated "
                    "dimensions",
                    keys.full_key("rope.dimension_sections"), sec[0], sec[1], sec[2], rope_dims_));
    check_hparam(vision_->n_deepstack >= 0 && vision_->n_deepstack <= dims_.n_layer,
                 keys.full_key("n_deepstack_layers") + " must be between 0 and block_count");
  }

  const int64_t n_ff = keys.require_int("expert_feed_forward_length");
  check_hparam(n_ff > 0, "expert_feed_forward_length must be positive");
  routing_.n_expert = dims_.n_expert;
  routing_.n_expert_used = dims_.n_expert_used;
  routing_.gating = GatingFunction::Softmax;
  routing_.normalization = WeightNormalization::SumToOne;

  WeightLoader loader(file);
  const gguf::TensorInfo* embd = file.find_tensor("token_embd.weight");
  if (embd == nullptr) fail(ErrorCode::Format, "required tensor 'token_embd.weight' is missing");
  dims_.n_vocab = embd->ne[1];
  if (auto v = keys.int_or("vocab_size", dims_.n_vocab); v != dims_.n_vocab) {
    fail(ErrorCode::Format, fmt::format("{} is {} but token_embd has {} rows",
                                        keys.full_key("vocab_size"), v, dims_.n_vocab));
  }
  const int64_t E = dims_.n_embd, Hq = dims_.n_head * head_dim_, Hk = dims_.n_head_kv * head_dim_,
                Hv = dims_.n_head_kv * v_head_dim_;
  token_embd_ = loader.require("token_embd.weight", {E, dims_.n_vocab});
  output_norm_ = loader.require_f32("output_norm.weight", {E});
  output_ = loader.optional("output.weight", {E, dims_.n_vocab});
  const bool tied = !output_.present();
  if (tied) output_ = token_embd_;

  layers_.resize(dims_.n_layer);
  for (int64_t il = 0; il < dims_.n_layer; ++il) {
    Layer& L = layers_[il];
    const std::string p = fmt::format("blk.{}.", il);
    L.attn_norm = loader.require_f32(p + "attn_norm.weight", {E});
    L.q = loader.require(p + "attn_q.weight", {E, Hq});
    L.k = loader.require(p + "attn_k.weight", {E, Hk});
    L.v = loader.require(p + "attn_v.weight", {E, Hv});
    L.o = loader.require(p + "attn_output.weight", {dims_.n_head * v_head_dim_, E});
    L.q_norm = loader.require_f32(p + "attn_q_norm.weight", {head_dim_});
    L.k_norm = loader.require_f32(p + "attn_k_norm.weight", {head_dim_});
    L.ffn_norm = loader.require_f32(p + "ffn_norm.weight", {E});
    L.moe.n_ff = n_ff;
    L.moe.router = loader.require(p + "ffn_gate_inp.weight", {E, dims_.n_expert});
    if (loader.contains(p + "ffn_gate_up_exps.weight")) {
      L.moe.gate_up = loader.require(p + "ffn_gate_up_exps.weight", {E, 2 * n_ff, dims_.n_expert});
    } else {
      L.moe.gate = loader.require(p + "ffn_gate_exps.weight", {E, n_ff, dims_.n_expert});
      L.moe.up = loader.require(p + "ffn_up_exps.weight", {E, n_ff, dims_.n_expert});
    }
    L.moe.down = loader.require(p + "ffn_down_exps.weight", {n_ff, E, dims_.n_expert});
  }
  // Not fatal: some converters add tensors (e.g. rope frequencies) that the
  // computation does not need. Logged so surprises are visible.
  for (const std::string& name : loader.unused_tensors()) {
    log_warn(fmt::format("{}: tensor '{}' is not used", arch, name));
  }

  // Parameter and byte accounting. The embedding table is looked up, not
  // multiplied, so it does not count as active unless the head shares it.
  auto add = [&](const Weight& w, double active_fraction) {
    stats_.params_total += w.n_elements();
    stats_.bytes_total += w.n_bytes();
    stats_.params_active += static_cast<uint64_t>(w.n_elements() * active_fraction);
    stats_.bytes_active += static_cast<uint64_t>(w.n_bytes() * active_fraction);
  };
  const double expert_fraction = static_cast<double>(dims_.n_expert_used) / dims_.n_expert;
  add(token_embd_, tied ? 1.0 : 0.0);
  add(output_norm_, 1.0);
  if (!tied) add(output_, 1.0);
  for (const Layer& L : layers_) {
    for (const Weight* w :
         {&L.attn_norm, &L.q, &L.k, &L.v, &L.o, &L.q_norm, &L.k_norm, &L.ffn_norm, &L.moe.router}) {
      add(*w, 1.0);
    }
    for (const Weight* w : {&L.moe.gate, &L.moe.up, &L.moe.gate_up, &L.moe.down}) {
      if (w->present()) add(*w, expert_fraction);
    }
  }
}

ImageInput Qwen3Moe::image_input() const {
  if (!vision_) return {};
  return ImageInput{true, vision_->n_deepstack, "<|vision_start|>", "<|vision_end|>", true};
}

std::unique_ptr<Workspace> Qwen3Moe::make_workspace(int64_t max_batch, int64_t n_ctx,
                                                    int n_threads) const {
  auto ws = std::make_unique<Qwen3MoeWorkspace>();
  const int64_t E = dims_.n_embd;
  ws->x.resize(max_batch * E);
  ws->normed.resize(max_batch * E);
  ws->q.resize(max_batch * dims_.n_head * head_dim_);
  ws->k.resize(max_batch * dims_.n_head_kv * head_dim_);
  ws->v.resize(max_batch * dims_.n_head_kv * v_head_dim_);
  ws->attn.resize(max_batch * dims_.n_head * v_head_dim_);
  ws->proj.resize(max_batch * E);
  ws->attention.prepare(n_threads, n_ctx, dims_.n_head / dims_.n_head_kv);
  return ws;
}

void Qwen3Moe::attention(ForwardContext& ctx, Qwen3MoeWorkspace& ws, const Layer& L, int64_t il,
                         const ForwardBatch& batch) const {
  const int64_t n_tok = batch.size(), pos0 = batch.pos0;
  const int64_t E = dims_.n_embd;
  const int64_t Hq = dims_.n_head * head_dim_, Hk = dims_.n_head_kv * head_dim_,
                Hv = dims_.n_head_kv * v_head_dim_;
  for_each_row(ctx.pool, n_tok, [&](int64_t t) {
    kernels::rms_norm(ws.x.data() + t * E, L.attn_norm.f32(), ws.normed.data() + t * E, E,
                      rms_eps_);
  });
  ws.input.set(ws.normed.data(), n_tok, E, E);
  linear(ctx.pool, L.q, ws.input, ws.q.data(), Hq);
  linear(ctx.pool, L.k, ws.input, ws.k.data(), Hk);
  linear(ctx.pool, L.v, ws.input, ws.v.data(), Hv);

  // Per-head RMS norm of q and k, rotary position, then into the cache.
  for_each_row(ctx.pool, n_tok, [&](int64_t t) {
    float* q = ws.q.data() + t * Hq;
    float* k = ws.k.data() + t * Hk;
    for (int64_t h = 0; h < dims_.n_head; ++h) {
      kernels::rms_norm(q + h * head_dim_, L.q_norm.f32(), q + h * head_dim_, head_dim_, rms_eps_);
    }
    for (int64_t h = 0; h < dims_.n_head_kv; ++h) {
      kernels::rms_norm(k + h * head_dim_, L.k_norm.f32(), k + h * head_dim_, head_dim_, rms_eps_);
    }
    const int64_t slot = pos0 + t;
    if (rotary_) {
      const RopePosition pos = batch.position(t);
      rotary_->apply(q, dims_.n_head, head_dim_, pos, RopePairing::Halves);
      rotary_->apply(k, dims_.n_head_kv, head_dim_, pos, RopePairing::Halves);
    } else {
      kernels::rope_neox(q, dims_.n_head, head_dim_, rope_dims_, slot, rope_base_, rope_scale_);
      kernels::rope_neox(k, dims_.n_head_kv, head_dim_, rope_dims_, slot, rope_base_, rope_scale_);
    }
    ctx.kv.store_k(il, slot, k);
    ctx.kv.store_v(il, slot, ws.v.data() + t * Hv);
  });

  const AttentionShape shape{dims_.n_head, dims_.n_head_kv, head_dim_, v_head_dim_,
                             1.0f / std::sqrt(static_cast<float>(head_dim_))};
  const int64_t Ho = dims_.n_head * v_head_dim_;
  attend_cached(ctx.pool, ctx.kv, il, shape, ws.q.data(), Hq, n_tok, pos0, ws.attn.data(), Ho,
                ws.attention);
  ws.input.set(ws.attn.data(), n_tok, Ho, Ho);
  linear(ctx.pool, L.o, ws.input, ws.proj.data(), E);
  for_each_row(ctx.pool, n_tok, [&](int64_t t) {
    kernels::axpy(ws.x.data() + t * E, 1.0f, ws.proj.data() + t * E, E);
  });
}

void Qwen3Moe::embed(ForwardContext& ctx, Qwen3MoeWorkspace& ws, const ForwardBatch& batch) const {
  const int64_t E = dims_.n_embd;
  if (batch.embeddings == nullptr) {
    embed_tokens(ctx.pool, token_embd_, batch.tokens, ws.x.data());
    return;
  }
  for_each_row(ctx.pool, batch.size(), [&](int64_t t) {
    const float* row = batch.embeddings + t * batch.embedding_width;
    std::copy(row, row + E, ws.x.data() + t * E);
  });
}

void Qwen3Moe::forward(ForwardContext& ctx, const ForwardBatch& batch) const {
  auto& ws = static_cast<Qwen3MoeWorkspace&>(ctx.workspace);
  const int64_t n_tok = batch.size();
  const int64_t E = dims_.n_embd;
  embed(ctx, ws, batch);
  // DeepStack: image rows carry one extra slice per early layer, added to
  // that layer's output (text rows have none: they are not in this batch).
  const int64_t n_deepstack = batch.embeddings != nullptr && vision_ ? vision_->n_deepstack : 0;
  for (int64_t il = 0; il < dims_.n_layer; ++il) {
    const Layer& L = layers_[il];
    attention(ctx, ws, L, il, batch);
    for_each_row(ctx.pool, n_tok, [&](int64_t t) {
      kernels::rms_norm(ws.x.data() + t * E, L.ffn_norm.f32(), ws.normed.data() + t * E, E,
                        rms_eps_);
    });
    moe_ffn(ctx.pool, L.moe, routing_, ws.normed.data(), n_tok, E, ws.x.data(), ws.moe);
    if (il < n_deepstack) {
      for_each_row(ctx.pool, n_tok, [&](int64_t t) {
        const float* slice = batch.embeddings + t * batch.embedding_width + (il + 1) * E;
        kernels::axpy(ws.x.data() + t * E, 1.0f, slice, E);
      });
    }
  }
  compute_logits(ctx.pool, output_norm_, rms_eps_, output_, ws.x.data(), n_tok, E, batch, ws.head);
}

}  // namespace

std::unique_ptr<Architecture> make_qwen3moe_text(const gguf::GgufFile& file,
                                                 const std::string& arch,
                                                 const std::optional<Qwen3VisionText>& vision) {
  return std::make_unique<Qwen3Moe>(file, arch, vision);
}

std::unique_ptr<Architecture> make_qwen3moe(const gguf::GgufFile& file) {
  return make_qwen3moe_text(file, "qwen3moe", std::nullopt);
}

}  // namespace mosaic
