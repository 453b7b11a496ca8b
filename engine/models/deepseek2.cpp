// deepseek2: DeepSeek-V2(-Lite), V2.5, V3, V3.1, R1, Kimi-K2 and their
// fine-tunes. A pre-norm transformer with multi-head latent attention (MLA)
// and, after a few dense leading layers, a routed mixture of SwiGLU experts
// plus always-on shared experts.
//
// MLA compresses each token's keys and values into one latent vector c_kv
// (kv_lora_rank floats, RMS-normed) plus one small rotary key k_pe shared by
// all heads. Only those (576 floats per layer for V3) are cached. Attention
// runs in the "absorbed" form: each head's query is mapped into latent space
// (q_lat = k_b[h] q_nope), scores are q_lat.c_kv + q_pe.k_pe, the weighted sum
// of latents is mapped out per head with v_b[h]. This is the textbook
// attention with k_nope = k_b[h]^T c_kv and v = v_b[h] c_kv, reassociated.
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
  MoeScratch moe;
  FfnScratch dense;
  OutputHeadScratch head;
};

class Deepseek2 final : public Architecture {
 public:
  explicit Deepseek2(const gguf::GgufFile& file);

  const ModelDims& dims() const override { return dims_; }
  // The cache holds the latent only: c_kv then k_pe, no values of their own.
  KvLayout kv_layout() const override { return {dims_.n_layer, kv_lora_ + n_rot_, 0}; }
  WeightStats weight_stats() const override { return stats_; }
  std::unique_ptr<Workspace> make_workspace(int64_t max_batch, int64_t n_ctx,
                                            int n_threads) const override;
  void forward(ForwardContext& ctx, const ForwardBatch& batch) const override;

 private:
  void read_rope(const gguf::GgufFile& file, const ArchKeys& keys);
  void read_routing(const ArchKeys& keys);
  void load_attention(const gguf::GgufFile& file, WeightLoader& loader, const std::string& prefix,
                      Layer& L);
  void split_legacy_kv_b(const Weight& kv_b, Layer& L);
  void count_weights(bool tied);
  void attention(ForwardContext& ctx, Deepseek2Workspace& ws, const Layer& L, int64_t il,
                 int64_t n_tok, int64_t pos0) const;

  ModelDims dims_;
  int64_t q_lora_ = 0, kv_lora_ = 0, nope_ = 0, n_rot_ = 0, v_dim_ = 0;
  int64_t n_dense_lead_ = 0, n_ff_dense_ = 0, n_ff_exp_ = 0, n_shared_ = 0;
  float rms_eps_ = 1e-6f, kq_scale_ = 1.0f;
  RotaryEmbedding rope_;
  RoutingConfig routing_;
  Weight token_embd_, output_norm_, output_;
  std::vector<Layer> layers_;
  // k_b of files with the legacy attn_kv_b, transposed at load (one per layer).
  std::vector<std::vector<uint8_t>> converted_k_b_;
  WeightStats stats_;
};

Deepseek2::Deepseek2(const gguf::GgufFile& file) {
  const gguf::Metadata& meta = file.metadata();
  const ArchKeys keys(meta, "deepseek2");
  dims_.n_embd = keys.require_int("embedding_length");
  // Files with multi-token-prediction blocks (GLM-4.x "deepseek2" files)
  // count them in block_count after the decoder layers; generation does not
  // use them (their tensors are reported as unused).
  const int64_t n_block = keys.require_int("block_count");
  const int64_t n_nextn = keys.int_or("nextn_predict_layers", 0);
  check_hparam(n_nextn >= 0 && n_nextn < n_block,
               "deepseek2.nextn_predict_layers must be between 0 and block_count - 1");
  dims_.n_layer = n_block - n_nextn;
  dims_.n_head = keys.require_int("attention.head_count");
  dims_.n_expert = keys.require_int("expert_count");
  dims_.n_expert_used = keys.require_int("expert_used_count");
  dims_.n_ctx_train = keys.int_or("context_length", 4096);
  check_hparam(dims_.n_embd > 0 && dims_.n_layer > 0 && dims_.n_head > 0,
               "embedding_length, block_count and attention.head_count must be positive");
  check_hparam(
      dims_.n_expert > 0 && dims_.n_expert_used > 0 && dims_.n_expert_used <= dims_.n_expert,
      "expert_used_count must be between 1 and expert_count");
  check_hparam(dims_.n_ctx_train > 0, "context_length must be positive");

  kv_lora_ = keys.require_int("attention.kv_lora_rank");
  q_lora_ = keys.int_or("attention.q_lora_rank", 0);  // absent/0: plain attn_q (V2-Lite)
  n_rot_ = keys.require_int("rope.dimension_count");
  check_hparam(kv_lora_ > 0, "deepseek2.attention.kv_lora_rank must be positive");
  check_hparam(q_lora_ >= 0, "deepseek2.attention.q_lora_rank must not be negative");
  check_hparam(n_rot_ > 0 && n_rot_ % 2 == 0, "deepseek2.rope.dimension_count must be even");
  // Converters since llama.cpp's MLA support store the per-head widths under
  // *_mla and the cached latent width (kv_lora + rope) under key_length;
  // older files store the per-head widths under key_length/value_length.
  const std::optional<int64_t> k_mla = meta.get_int(keys.full_key("attention.key_length_mla"));
  const std::optional<int64_t> v_mla = meta.get_int(keys.full_key("attention.value_length_mla"));
  int64_t head_k = 0;
  if (k_mla && v_mla) {
    head_k = *k_mla;
    v_dim_ = *v_mla;
    const int64_t latent = keys.int_or("attention.key_length", kv_lora_ + n_rot_);
    check_hparam(latent == kv_lora_ + n_rot_,
                 fmt::format("deepseek2.attention.key_length ({}) must equal kv_lora_rank ({}) + "
                             "rope.dimension_count ({}) in files with key_length_mla",
                             latent, kv_lora_, n_rot_));
  } else {
    head_k = keys.require_int("attention.key_length");
    v_dim_ = keys.require_int("attention.value_length");
  }
  nope_ = head_k - n_rot_;
  dims_.n_head_kv = 1;  // one shared latent: multi-query in cache terms
  check_hparam(nope_ > 0, fmt::format("the per-head key width ({}) must exceed "
                                      "deepseek2.rope.dimension_count ({})",
                                      head_k, n_rot_));
  check_hparam(v_dim_ > 0, "the per-head value width must be positive");

  n_dense_lead_ = keys.int_or("leading_dense_block_count", 0);
  check_hparam(n_dense_lead_ >= 0 && n_dense_lead_ <= dims_.n_layer,
               "deepseek2.leading_dense_block_count must be between 0 and block_count");
  n_ff_dense_ = keys.int_or("feed_forward_length", 0);
  check_hparam(n_dense_lead_ == 0 || n_ff_dense_ > 0,
               "deepseek2.feed_forward_length must be positive when there are dense layers");
  n_ff_exp_ = keys.require_int("expert_feed_forward_length");
  n_shared_ = keys.int_or("expert_shared_count", 0);
  check_hparam(n_ff_exp_ > 0 && n_shared_ >= 0,
               "deepseek2.expert_feed_forward_length must be positive");

  rms_eps_ = static_cast<float>(keys.float_or("attention.layer_norm_rms_epsilon", 1e-6));
  check_hparam(rms_eps_ > 0, "rms epsilon must be positive");
  read_rope(file, keys);
  read_routing(keys);

  WeightLoader loader(file);
  const gguf::TensorInfo* embd = file.find_tensor("token_embd.weight");
  if (embd == nullptr) fail(ErrorCode::Format, "required tensor 'token_embd.weight' is missing");
  dims_.n_vocab = embd->ne[1];
  const int64_t E = dims_.n_embd;
  token_embd_ = loader.require("token_embd.weight", {E, dims_.n_vocab});
  output_norm_ = loader.require_f32("output_norm.weight", {E});
  output_ = loader.optional("output.weight", {E, dims_.n_vocab});
  const bool tied = !output_.present();
  if (tied) output_ = token_embd_;

  layers_.resize(dims_.n_layer);
  converted_k_b_.resize(dims_.n_layer);
  const int64_t n_exp = dims_.n_expert;
  for (int64_t il = 0; il < dims_.n_layer; ++il) {
    Layer& L = layers_[il];
    const std::string p = fmt::format("blk.{}.", il);
    L.attn_norm = loader.require_f32(p + "attn_norm.weight", {E});
    load_attention(file, loader, p, L);
    L.ffn_norm = loader.require_f32(p + "ffn_norm.weight", {E});
    if (il < n_dense_lead_) {
      L.dense.gate = loader.require(p + "ffn_gate.weight", {E, n_ff_dense_});
      L.dense.up = loader.require(p + "ffn_up.weight", {E, n_ff_dense_});
      L.dense.down = loader.require(p + "ffn_down.weight", {n_ff_dense_, E});
      continue;
    }
    MoeWeights& m = L.moe;
    m.n_ff = n_ff_exp_;
    m.router = loader.require(p + "ffn_gate_inp.weight", {E, n_exp});
    m.selection_bias = loader.optional(p + "exp_probs_b.bias", {n_exp});
    if (m.selection_bias.present() && m.selection_bias.type != kernels::DType::F32) {
      fail(ErrorCode::Unsupported,
           fmt::format("tensor '{}exp_probs_b.bias' is stored as {}; Mosaic expects f32", p,
                       kernels::type_traits(m.selection_bias.type).name));
    }
    if (loader.contains(p + "ffn_gate_up_exps.weight")) {
      m.gate_up = loader.require(p + "ffn_gate_up_exps.weight", {E, 2 * n_ff_exp_, n_exp});
    } else {
      m.gate = loader.require(p + "ffn_gate_exps.weight", {E, n_ff_exp_, n_exp});
      m.up = loader.require(p + "ffn_up_exps.weight", {E, n_ff_exp_, n_exp});
    }
    m.down = loader.require(p + "ffn_down_exps.weight", {n_ff_exp_, E, n_exp});
    if (n_shared_ > 0) {
      const int64_t n_ff_shared = n_ff_exp_ * n_shared_;
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

void Deepseek2::read_rope(const gguf::GgufFile& file, const ArchKeys& keys) {
  RopeParams rp;
  rp.n_rot = n_rot_;
  rp.freq_base = keys.float_or("rope.freq_base", 10000.0);
  check_hparam(rp.freq_base > 0, "deepseek2.rope.freq_base must be positive");
  const std::string scaling =
      file.metadata().get_string(keys.full_key("rope.scaling.type")).value_or("none");
  // YaRN's temperature correction for deepseek2 lives in the softmax scale:
  // mscale = 1 + 0.1 * mscale_all_dim * ln(factor), squared, as the reference
  // implementation and llama.cpp do. Converters store 0.1 * mscale_all_dim as
  // yarn_log_multiplier. Files without it get the plain YaRN factor, which
  // llama.cpp then also applies to the rotation itself.
  double mscale = 1.0;
  if (scaling == "yarn") {
    rp.scaling = RopeScaling::Yarn;
    rp.factor = keys.float_or("rope.scaling.factor", 1.0);
    rp.n_ctx_orig = keys.int_or("rope.scaling.original_context_length", dims_.n_ctx_train);
    rp.beta_fast = keys.float_or("rope.scaling.yarn_beta_fast", 32.0);
    rp.beta_slow = keys.float_or("rope.scaling.yarn_beta_slow", 1.0);
    check_hparam(rp.factor >= 1.0, "deepseek2.rope.scaling.factor must be at least 1");
    check_hparam(rp.n_ctx_orig > 0,
                 "deepseek2.rope.scaling.original_context_length must be positive");
    const double log_mul = keys.float_or("rope.scaling.yarn_log_multiplier", 0.0);
    if (log_mul != 0.0) {
      mscale = yarn_mscale(rp.factor, log_mul / 0.1);
    } else {
      rp.magnitude = yarn_mscale(rp.factor, 1.0);
      mscale = rp.magnitude;
    }
    const double attn_factor = keys.float_or("rope.scaling.attn_factor", 1.0);
    if (attn_factor != 1.0) {
      fail(ErrorCode::Unsupported,
           fmt::format("deepseek2.rope.scaling.attn_factor = {} is not supported", attn_factor));
    }
  } else if (scaling != "none") {
    fail(ErrorCode::Unsupported,
         fmt::format("rope scaling '{}' is not supported for deepseek2", scaling));
  }
  rope_ = RotaryEmbedding(rp);
  kq_scale_ = static_cast<float>(mscale * mscale / std::sqrt(static_cast<double>(nope_ + n_rot_)));
}

void Deepseek2::read_routing(const ArchKeys& keys) {
  routing_.n_expert = dims_.n_expert;
  routing_.n_expert_used = dims_.n_expert_used;
  // 1 = softmax, 2 = sigmoid (V3); V2 and V2.5 files predate the key.
  const int64_t gating = keys.int_or("expert_gating_func", 1);
  if (gating == 1) {
    routing_.gating = GatingFunction::Softmax;
  } else if (gating == 2) {
    routing_.gating = GatingFunction::Sigmoid;
  } else {
    fail(ErrorCode::Unsupported,
         fmt::format("deepseek2.expert_gating_func = {} is not supported (1 softmax, 2 sigmoid)",
                     gating));
  }
  routing_.normalization = keys.bool_or("expert_weights_norm", false)
                               ? WeightNormalization::SumToOne
                               : WeightNormalization::None;
  const double scale = keys.float_or("expert_weights_scale", 0.0);
  routing_.weights_scale = scale == 0.0 ? 1.0f : static_cast<float>(scale);  // 0 = unscaled
  routing_.n_group = std::max<int64_t>(1, keys.int_or("expert_group_count", 1));
  routing_.n_group_used =
      std::max<int64_t>(1, keys.int_or("expert_group_used_count", routing_.n_group));
  check_hparam(dims_.n_expert % routing_.n_group == 0,
               fmt::format("deepseek2.expert_count ({}) must be a multiple of expert_group_count "
                           "({})",
                           dims_.n_expert, routing_.n_group));
  check_hparam(routing_.n_group_used <= routing_.n_group,
               "deepseek2.expert_group_used_count must be at most expert_group_count");
  check_hparam(dims_.n_expert_used <= routing_.n_group_used * (dims_.n_expert / routing_.n_group),
               "deepseek2.expert_used_count exceeds the experts of the groups used");
}

void Deepseek2::load_attention(const gguf::GgufFile& file, WeightLoader& loader,
                               const std::string& p, Layer& L) {
  const int64_t E = dims_.n_embd, H = dims_.n_head;
  const int64_t q_width = H * (nope_ + n_rot_);
  if (q_lora_ > 0) {
    L.q_a = loader.require(p + "attn_q_a.weight", {E, q_lora_});
    L.q_a_norm = loader.require_f32(p + "attn_q_a_norm.weight", {q_lora_});
    L.q_b = loader.require(p + "attn_q_b.weight", {q_lora_, q_width});
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
  if (kv_a != nullptr && kv_a->ne[1] != kv_lora_ + n_rot_) {
    fail(ErrorCode::Format,
         fmt::format("tensor '{}' has {} outputs but deepseek2.attention.kv_lora_rank ({}) + "
                     "rope.dimension_count ({}) = {}",
                     kv_a_name, kv_a->ne[1], kv_lora_, n_rot_, kv_lora_ + n_rot_));
  }
  L.kv_a = loader.require(kv_a_name, {E, kv_lora_ + n_rot_});
  L.kv_a_norm = loader.require_f32(p + "attn_kv_a_norm.weight", {kv_lora_});
  if (loader.contains(p + "attn_k_b.weight") || !loader.contains(p + "attn_kv_b.weight")) {
    L.k_b = loader.require(p + "attn_k_b.weight", {nope_, kv_lora_, H});
    L.v_b = loader.require(p + "attn_v_b.weight", {kv_lora_, v_dim_, H});
  } else {
    split_legacy_kv_b(loader.require(p + "attn_kv_b.weight", {kv_lora_, H * (nope_ + v_dim_)}), L);
  }
  L.o = loader.require(p + "attn_output.weight", {H * v_dim_, E});
}

// Older files store one attn_kv_b {kv_lora, n_head * (nope + v)}: per head,
// nope rows producing k_nope, then v rows producing v. The v rows are
// already v_b's layout (a strided view, no copy); the k rows are transposed
// into k_b[h] {nope, kv_lora} - kept exact: F16 stays F16, anything else is
// widened to F32.
void Deepseek2::split_legacy_kv_b(const Weight& kv_b, Layer& L) {
  const int64_t H = dims_.n_head, per_head = nope_ + v_dim_;
  const size_t row = kv_b.row_bytes();
  L.v_b = kv_b;
  L.v_b.data = kv_b.data + static_cast<size_t>(nope_) * row;
  L.v_b.ne = {kv_lora_, v_dim_, H, 1};
  L.v_b.matrix_stride = static_cast<size_t>(per_head) * row;

  const bool keep_f16 = kv_b.type == kernels::DType::F16;
  const size_t elem = keep_f16 ? 2 : 4;
  std::vector<uint8_t>& out = converted_k_b_[&L - layers_.data()];
  out.assign(static_cast<size_t>(H) * kv_lora_ * nope_ * elem, 0);
  std::vector<float> src(kv_lora_);
  for (int64_t h = 0; h < H; ++h) {
    for (int64_t i = 0; i < nope_; ++i) {
      kernels::dequantize_row(kv_b.type, kv_b.data + (h * per_head + i) * row, src.data(),
                              kv_lora_);
      for (int64_t c = 0; c < kv_lora_; ++c) {
        const size_t at = (static_cast<size_t>(h) * kv_lora_ + c) * nope_ + i;
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
  L.k_b.ne = {nope_, kv_lora_, H, 1};
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
  const double expert_fraction = static_cast<double>(dims_.n_expert_used) / dims_.n_expert;
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
  const int64_t E = dims_.n_embd, H = dims_.n_head, latent = kv_lora_ + n_rot_;
  ws->x.resize(max_batch * E);
  ws->normed.resize(max_batch * E);
  ws->q_a.resize(max_batch * q_lora_);
  ws->q.resize(max_batch * H * (nope_ + n_rot_));
  ws->kv.resize(max_batch * latent);
  ws->q_abs.resize(max_batch * H * latent);
  ws->attn_lat.resize(max_batch * H * kv_lora_);
  ws->attn.resize(max_batch * H * v_dim_);
  ws->proj.resize(max_batch * E);
  ws->attention.prepare(n_threads, H, kv_lora_, n_ctx);
  return ws;
}

void Deepseek2::attention(ForwardContext& ctx, Deepseek2Workspace& ws, const Layer& L, int64_t il,
                          int64_t n_tok, int64_t pos0) const {
  const int64_t E = dims_.n_embd, H = dims_.n_head;
  const int64_t head_q = nope_ + n_rot_, latent = kv_lora_ + n_rot_;
  for_each_row(ctx.pool, n_tok, [&](int64_t t) {
    kernels::rms_norm(ws.x.data() + t * E, L.attn_norm.f32(), ws.normed.data() + t * E, E,
                      rms_eps_);
  });
  ws.input.set(ws.normed.data(), n_tok, E, E);
  if (q_lora_ > 0) {
    linear(ctx.pool, L.q_a, ws.input, ws.q_a.data(), q_lora_);
    for_each_row(ctx.pool, n_tok, [&](int64_t t) {
      float* r = ws.q_a.data() + t * q_lora_;
      kernels::rms_norm(r, L.q_a_norm.f32(), r, q_lora_, rms_eps_);
    });
    ws.q_a_input.set(ws.q_a.data(), n_tok, q_lora_, q_lora_);
    linear(ctx.pool, L.q_b, ws.q_a_input, ws.q.data(), H * head_q);
  } else {
    linear(ctx.pool, L.q, ws.input, ws.q.data(), H * head_q);
  }
  linear(ctx.pool, L.kv_a, ws.input, ws.kv.data(), latent);

  // Normalize the latent, rotate q_pe and k_pe, cache [c_kv, k_pe].
  for_each_row(ctx.pool, n_tok, [&](int64_t t) {
    const int64_t pos = pos0 + t;
    float* kv = ws.kv.data() + t * latent;
    kernels::rms_norm(kv, L.kv_a_norm.f32(), kv, kv_lora_, rms_eps_);
    rope_.apply(kv + kv_lora_, 1, latent, pos, RopePairing::Adjacent);
    rope_.apply(ws.q.data() + t * H * head_q + nope_, H, head_q, pos, RopePairing::Adjacent);
    ctx.kv.store_k(il, pos, kv);
  });

  // Queries in latent space: [k_b[h] q_nope, q_pe] per head.
  per_head_linear(ctx.pool, L.k_b, ws.q.data(), head_q, n_tok, ws.q_abs.data(), latent, ws.k_b);
  for (int64_t r = 0; r < n_tok * H; ++r) {
    std::memcpy(ws.q_abs.data() + r * latent + kv_lora_, ws.q.data() + r * head_q + nope_,
                n_rot_ * sizeof(float));
  }
  const LatentAttentionShape shape{H, latent, kv_lora_, kq_scale_};
  attend_latent(ctx.pool, ctx.kv, il, shape, ws.q_abs.data(), n_tok, pos0, ws.attn_lat.data(),
                ws.attention);
  per_head_linear(ctx.pool, L.v_b, ws.attn_lat.data(), kv_lora_, n_tok, ws.attn.data(), v_dim_,
                  ws.v_b);

  const int64_t Ho = H * v_dim_;
  ws.input.set(ws.attn.data(), n_tok, Ho, Ho);
  linear(ctx.pool, L.o, ws.input, ws.proj.data(), E);
  for_each_row(ctx.pool, n_tok, [&](int64_t t) {
    kernels::axpy(ws.x.data() + t * E, 1.0f, ws.proj.data() + t * E, E);
  });
}

void Deepseek2::forward(ForwardContext& ctx, const ForwardBatch& batch) const {
  auto& ws = static_cast<Deepseek2Workspace&>(ctx.workspace);
  const int64_t n_tok = static_cast<int64_t>(batch.tokens.size());
  const int64_t E = dims_.n_embd;
  embed_tokens(ctx.pool, token_embd_, batch.tokens, ws.x.data());
  for (int64_t il = 0; il < dims_.n_layer; ++il) {
    const Layer& L = layers_[il];
    attention(ctx, ws, L, il, n_tok, batch.pos0);
    for_each_row(ctx.pool, n_tok, [&](int64_t t) {
      kernels::rms_norm(ws.x.data() + t * E, L.ffn_norm.f32(), ws.normed.data() + t * E, E,
                        rms_eps_);
    });
    if (L.dense.present()) {
      ws.input.set(ws.normed.data(), n_tok, E, E);
      swiglu_ffn(ctx.pool, L.dense, ws.input, E, ws.x.data(), ws.dense);
    } else {
      moe_ffn(ctx.pool, L.moe, routing_, ws.normed.data(), n_tok, E, ws.x.data(), ws.moe);
    }
  }
  compute_logits(ctx.pool, output_norm_, rms_eps_, output_, ws.x.data(), n_tok, E, batch, ws.head);
}

}  // namespace

std::unique_ptr<Architecture> make_deepseek2(const gguf::GgufFile& file) {
  return std::make_unique<Deepseek2>(file);
}

}  // namespace mosaic
