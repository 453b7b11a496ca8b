// Writes small (or benchmark-sized) random-weight models as real GGUF files,
// with the exact keys and tensor names of the architecture they imitate, so
// the loader that reads them is the loader that reads downloaded models.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "kernels/cpu/types.h"

namespace mosaic::synthetic {

enum class GateUpLayout { Separate, Merged };  // ffn_{gate,up}_exps vs ffn_gate_up_exps
enum class OutputHead { Untied, TiedToEmbedding };

// A short ChatML template with Qwen3's reasoning conventions (reasoning_content,
// enable_thinking), written for the synthetic models' vocabulary.
std::string default_chat_template();
// deepseek2 variants, as the files people download differ.
enum class QueryProjection { LowRank, Direct };  // attn_q_a/attn_q_b (V2, V3) vs attn_q (V2-Lite)
enum class LatentUpProjection { SplitKbVb, LegacyKvB };  // attn_k_b + attn_v_b vs attn_kv_b
// V2: softmax gate, plain top-k. V3: sigmoid gate, selection bias
// (exp_probs_b), group-limited choice, normalized weights.
enum class RoutingStyle { SoftmaxPlain, SigmoidBiasedGroups };
enum class RopeScalingKind { None, Yarn };

struct ModelSpec {
  std::string architecture = "qwen3moe";
  std::string name = "mosaic-synthetic";
  int64_t n_vocab = 2048;  // tokenizer: Qwen-style byte-level BPE padded to n_vocab
  int64_t n_embd = 256;
  int64_t n_layer = 2;
  int64_t n_head = 4;
  int64_t n_head_kv = 2;
  int64_t head_dim = 64;
  int64_t n_expert = 8;
  int64_t n_expert_used = 2;
  int64_t n_ff_expert = 128;
  int64_t n_ctx_train = 4096;
  float rope_freq_base = 1000000.0f;
  float rms_eps = 1e-6f;
  kernels::DType weight_type = kernels::DType::F16;  // attention and expert matrices
  GateUpLayout gate_up = GateUpLayout::Separate;
  OutputHead output = OutputHead::Untied;
  uint64_t seed = 42;
  // Written as tokenizer.chat_template when not empty; the default is a
  // Qwen3-style ChatML template with a <think> section.
  std::string chat_template = default_chat_template();

  // deepseek2 only (head_dim and n_head_kv are not used there), except the
  // rope scaling fields at the end.
  int64_t q_lora_rank = 128;
  int64_t kv_lora_rank = 128;
  int64_t qk_nope_dim = 32;
  int64_t qk_rope_dim = 32;
  int64_t v_head_dim = 32;
  int64_t n_layer_dense_lead = 1;
  int64_t n_ff_dense = 512;
  int64_t n_expert_shared = 1;
  int64_t n_expert_group = 4;  // SigmoidBiasedGroups only
  int64_t n_expert_group_used = 2;
  float expert_weights_scale = 2.5f;
  QueryProjection query = QueryProjection::LowRank;
  LatentUpProjection latent_up = LatentUpProjection::SplitKbVb;
  RoutingStyle routing = RoutingStyle::SigmoidBiasedGroups;
  RopeScalingKind rope_scaling = RopeScalingKind::None;  // both architectures
  float yarn_factor = 4.0f;
  int64_t yarn_original_context = 64;
  float yarn_log_multiplier = 0.1f;  // 0.1 * mscale_all_dim, as converters store it

  // qwen3vlmoe only: rope.dimension_sections (time, row, column pairs; all
  // zero: split head_dim / 2 as Qwen3-VL's 24:20:20) and n_deepstack_layers.
  int64_t rope_section_t = 0, rope_section_y = 0, rope_section_x = 0;
  int64_t n_deepstack = 3;
};

// The sections written for a qwen3vlmoe spec (resolving the zero default).
struct RopeSections {
  int64_t t, y, x;
};
RopeSections rope_sections_of(const ModelSpec& spec);

// Throws mosaic::Error(InvalidArgument) for inconsistent specs (e.g. n_head
// not a multiple of n_head_kv, n_embd not a multiple of the type's block).
void validate(const ModelSpec& spec);

// Writes the model to `path` (atomically). progress(fraction) may return
// false to cancel (throws mosaic::Error(Cancelled), no file left behind).
void write_model(const ModelSpec& spec, const std::string& path,
                 const std::function<bool(float)>& progress = {});

// A small qwen3vlmoe model for tests of the layers above the engine (chats
// with pictures, the camera panel): 2 layers, 2 query heads of 32 over one
// KV head, 4 experts of FFN 64 with 2 used; pair it with an mmproj of
// projection_dim n_embd and as many DeepStack layers.
ModelSpec tiny_vision_spec(int64_t n_embd = 64, int64_t n_deepstack = 2);

// Parameter counts the spec produces (total, and used per token).
uint64_t count_params_total(const ModelSpec& spec);
uint64_t count_params_active(const ModelSpec& spec);

}  // namespace mosaic::synthetic
