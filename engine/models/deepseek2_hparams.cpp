#include "engine/models/deepseek2_hparams.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "engine/error.h"
#include "engine/model/weights.h"

namespace mosaic {
namespace {

void read_rope(const gguf::Metadata& meta, const ArchKeys& keys, Deepseek2Hparams& h) {
  RopeParams rp;
  rp.n_rot = h.n_rot;
  rp.freq_base = keys.float_or("rope.freq_base", 10000.0);
  check_hparam(rp.freq_base > 0, "deepseek2.rope.freq_base must be positive");
  const std::string scaling = meta.get_string(keys.full_key("rope.scaling.type")).value_or("none");
  // YaRN's temperature correction for deepseek2 lives in the softmax scale:
  // mscale = 1 + 0.1 * mscale_all_dim * ln(factor), squared, as the reference
  // implementation and llama.cpp do. Converters store 0.1 * mscale_all_dim as
  // yarn_log_multiplier. Files without it get the plain YaRN factor, which
  // llama.cpp then also applies to the rotation itself.
  double mscale = 1.0;
  if (scaling == "yarn") {
    rp.scaling = RopeScaling::Yarn;
    rp.factor = keys.float_or("rope.scaling.factor", 1.0);
    rp.n_ctx_orig = keys.int_or("rope.scaling.original_context_length", h.dims.n_ctx_train);
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
  h.rope = rp;
  h.kq_scale =
      static_cast<float>(mscale * mscale / std::sqrt(static_cast<double>(h.nope + h.n_rot)));
}

void read_routing(const ArchKeys& keys, Deepseek2Hparams& h) {
  h.routing.n_expert = h.dims.n_expert;
  h.routing.n_expert_used = h.dims.n_expert_used;
  // 1 = softmax, 2 = sigmoid (V3); V2 and V2.5 files predate the key.
  const int64_t gating = keys.int_or("expert_gating_func", 1);
  if (gating == 1) {
    h.routing.gating = GatingFunction::Softmax;
  } else if (gating == 2) {
    h.routing.gating = GatingFunction::Sigmoid;
  } else {
    fail(ErrorCode::Unsupported,
         fmt::format("deepseek2.expert_gating_func = {} is not supported (1 softmax, 2 sigmoid)",
                     gating));
  }
  h.routing.normalization = keys.bool_or("expert_weights_norm", false)
                                ? WeightNormalization::SumToOne
                                : WeightNormalization::None;
  const double scale = keys.float_or("expert_weights_scale", 0.0);
  h.routing.weights_scale = scale == 0.0 ? 1.0f : static_cast<float>(scale);  // 0 = unscaled
  h.routing.n_group = std::max<int64_t>(1, keys.int_or("expert_group_count", 1));
  h.routing.n_group_used =
      std::max<int64_t>(1, keys.int_or("expert_group_used_count", h.routing.n_group));
  check_hparam(h.dims.n_expert % h.routing.n_group == 0,
               fmt::format("deepseek2.expert_count ({}) must be a multiple of expert_group_count "
                           "({})",
                           h.dims.n_expert, h.routing.n_group));
  check_hparam(h.routing.n_group_used <= h.routing.n_group,
               "deepseek2.expert_group_used_count must be at most expert_group_count");
  check_hparam(
      h.dims.n_expert_used <= h.routing.n_group_used * (h.dims.n_expert / h.routing.n_group),
      "deepseek2.expert_used_count exceeds the experts of the groups used");
}

}  // namespace

Deepseek2Hparams read_deepseek2_hparams(const gguf::Metadata& meta) {
  Deepseek2Hparams h;
  const ArchKeys keys(meta, "deepseek2");
  h.dims.n_embd = keys.require_int("embedding_length");
  // Files with multi-token-prediction blocks (GLM-4.x "deepseek2" files)
  // count them in block_count after the decoder layers; generation does not
  // use them (their tensors are reported as unused).
  const int64_t n_block = keys.require_int("block_count");
  const int64_t n_nextn = keys.int_or("nextn_predict_layers", 0);
  check_hparam(n_nextn >= 0 && n_nextn < n_block,
               "deepseek2.nextn_predict_layers must be between 0 and block_count - 1");
  h.dims.n_layer = n_block - n_nextn;
  h.dims.n_head = keys.require_int("attention.head_count");
  h.dims.n_expert = keys.require_int("expert_count");
  h.dims.n_expert_used = keys.require_int("expert_used_count");
  h.dims.n_ctx_train = keys.int_or("context_length", 4096);
  check_hparam(h.dims.n_embd > 0 && h.dims.n_layer > 0 && h.dims.n_head > 0,
               "embedding_length, block_count and attention.head_count must be positive");
  check_hparam(
      h.dims.n_expert > 0 && h.dims.n_expert_used > 0 && h.dims.n_expert_used <= h.dims.n_expert,
      "expert_used_count must be between 1 and expert_count");
  check_hparam(h.dims.n_ctx_train > 0, "context_length must be positive");

  h.kv_lora = keys.require_int("attention.kv_lora_rank");
  h.q_lora = keys.int_or("attention.q_lora_rank", 0);  // absent/0: plain attn_q (V2-Lite)
  h.n_rot = keys.require_int("rope.dimension_count");
  check_hparam(h.kv_lora > 0, "deepseek2.attention.kv_lora_rank must be positive");
  check_hparam(h.q_lora >= 0, "deepseek2.attention.q_lora_rank must not be negative");
  check_hparam(h.n_rot > 0 && h.n_rot % 2 == 0, "deepseek2.rope.dimension_count must be even");
  // Converters since llama.cpp's MLA support store the per-head widths under
  // *_mla and the cached latent width (kv_lora + rope) under key_length;
  // older files store the per-head widths under key_length/value_length.
  const std::optional<int64_t> k_mla = meta.get_int(keys.full_key("attention.key_length_mla"));
  const std::optional<int64_t> v_mla = meta.get_int(keys.full_key("attention.value_length_mla"));
  int64_t head_k = 0;
  if (k_mla && v_mla) {
    head_k = *k_mla;
    h.v_dim = *v_mla;
    const int64_t latent = keys.int_or("attention.key_length", h.kv_lora + h.n_rot);
    check_hparam(latent == h.kv_lora + h.n_rot,
                 fmt::format("deepseek2.attention.key_length ({}) must equal kv_lora_rank ({}) + "
                             "rope.dimension_count ({}) in files with key_length_mla",
                             latent, h.kv_lora, h.n_rot));
  } else {
    head_k = keys.require_int("attention.key_length");
    h.v_dim = keys.require_int("attention.value_length");
  }
  h.nope = head_k - h.n_rot;
  h.dims.n_head_kv = 1;  // one shared latent: multi-query in cache terms
  check_hparam(h.nope > 0, fmt::format("the per-head key width ({}) must exceed "
                                       "deepseek2.rope.dimension_count ({})",
                                       head_k, h.n_rot));
  check_hparam(h.v_dim > 0, "the per-head value width must be positive");

  h.n_dense_lead = keys.int_or("leading_dense_block_count", 0);
  check_hparam(h.n_dense_lead >= 0 && h.n_dense_lead <= h.dims.n_layer,
               "deepseek2.leading_dense_block_count must be between 0 and block_count");
  h.n_ff_dense = keys.int_or("feed_forward_length", 0);
  check_hparam(h.n_dense_lead == 0 || h.n_ff_dense > 0,
               "deepseek2.feed_forward_length must be positive when there are dense layers");
  h.n_ff_exp = keys.require_int("expert_feed_forward_length");
  h.n_shared = keys.int_or("expert_shared_count", 0);
  check_hparam(h.n_ff_exp > 0 && h.n_shared >= 0,
               "deepseek2.expert_feed_forward_length must be positive");

  h.rms_eps = static_cast<float>(keys.float_or("attention.layer_norm_rms_epsilon", 1e-6));
  check_hparam(h.rms_eps > 0, "rms epsilon must be positive");
  read_rope(meta, keys, h);
  read_routing(keys, h);
  // Mistral-Large-3 style files reuse the architecture with a per-position
  // query temperature; running them without it would be silently wrong.
  if (keys.float_or("attention.temperature_scale", 0.0) != 0.0) {
    fail(ErrorCode::Unsupported,
         "deepseek2.attention.temperature_scale (attention temperature tuning) is not supported");
  }
  return h;
}

}  // namespace mosaic
