#include "engine/synthetic/synthetic_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

#include "engine/error.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/tokenizer/synthetic_vocab.h"
#include "engine/tokenizer/tokenizer.h"
#include "kernels/cpu/quant.h"

namespace mosaic::synthetic {
namespace {

using kernels::DType;

// splitmix64: a tiny, well-distributed generator; seeded per tensor from the
// model seed and the tensor's name so every tensor is reproducible on its own
// (and rows can be generated in parallel).
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [-1, 1).
  float symmetric() {
    return static_cast<float>(static_cast<double>(next() >> 11) * 0x1.0p-52 - 1.0);
  }
};

uint64_t hash_name(const std::string& name, uint64_t seed) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  return h;
}

// How the values of a tensor are drawn.
struct Init {
  float offset = 0.0f;  // constant added (1 for norm weights)
  float scale = 1.0f;   // uniform half-width
};

// The storage type actually usable for rows of n_in elements: K-quants need
// multiples of 256 and the 32-blocks multiples of 32; like real quantizers,
// fall back to a finer type when a row does not fit the wanted one.
DType fit_type(DType wanted, int64_t n_in) {
  if (n_in % kernels::type_traits(wanted).block_elems == 0) return wanted;
  if (n_in % 32 == 0) return DType::Q8_0;
  return DType::F16;
}

struct TensorPlan {
  std::string name;
  DType type;
  std::vector<int64_t> ne;
  Init init;
};

class Planner {
 public:
  void norm(const std::string& name, int64_t n) {
    plans.push_back({name, DType::F32, {n}, Init{1.0f, 0.1f}});
  }
  void vector(const std::string& name, int64_t n, Init init) {
    plans.push_back({name, DType::F32, {n}, init});
  }
  void matrix(const std::string& name, DType type, std::vector<int64_t> ne, float scale) {
    plans.push_back({name, fit_type(type, ne[0]), std::move(ne), Init{0.0f, scale}});
  }

  std::vector<TensorPlan> plans;
};

// Q4_K files people download are "Q4_K_M": mostly Q4_K with the output head,
// half of the attn_v and ffn_down tensors in Q6_K. Mimic that mix.
bool q4_k_m_upgrade(const ModelSpec& spec, int64_t layer) {
  return spec.weight_type == DType::Q4_K && layer % 2 == 0;
}

std::vector<TensorPlan> plan_qwen3moe(const ModelSpec& s) {
  Planner p;
  const int64_t E = s.n_embd, Hq = s.n_head * s.head_dim, Hk = s.n_head_kv * s.head_dim;
  const DType head_type = s.weight_type == DType::Q4_K ? DType::Q6_K : s.weight_type;
  // uniform(-a, a) has variance a^2/3: a = sqrt(3 / n_in) keeps outputs near unit variance.
  auto fan_in = [](int64_t n) { return std::sqrt(3.0f / static_cast<float>(n)); };
  p.matrix("token_embd.weight", s.weight_type, {E, s.n_vocab}, 1.0f);
  p.norm("output_norm.weight", E);
  if (s.output == OutputHead::Untied) {
    p.matrix("output.weight", head_type, {E, s.n_vocab}, fan_in(E));
  }
  for (int64_t il = 0; il < s.n_layer; ++il) {
    const std::string b = fmt::format("blk.{}.", il);
    const DType upgraded = q4_k_m_upgrade(s, il) ? DType::Q6_K : s.weight_type;
    p.norm(b + "attn_norm.weight", E);
    p.matrix(b + "attn_q.weight", s.weight_type, {E, Hq}, fan_in(E));
    p.matrix(b + "attn_k.weight", s.weight_type, {E, Hk}, fan_in(E));
    p.matrix(b + "attn_v.weight", upgraded, {E, Hk}, fan_in(E));
    p.matrix(b + "attn_output.weight", s.weight_type, {Hq, E}, fan_in(Hq));
    p.norm(b + "attn_q_norm.weight", s.head_dim);
    p.norm(b + "attn_k_norm.weight", s.head_dim);
    p.norm(b + "ffn_norm.weight", E);
    // Router: larger spread than fan-in so routing is decisive, as in trained models.
    p.matrix(b + "ffn_gate_inp.weight", DType::F32, {E, s.n_expert}, 4.0f * fan_in(E));
    if (s.gate_up == GateUpLayout::Merged) {
      p.matrix(b + "ffn_gate_up_exps.weight", s.weight_type, {E, 2 * s.n_ff_expert, s.n_expert},
               fan_in(E));
    } else {
      p.matrix(b + "ffn_gate_exps.weight", s.weight_type, {E, s.n_ff_expert, s.n_expert},
               fan_in(E));
      p.matrix(b + "ffn_up_exps.weight", s.weight_type, {E, s.n_ff_expert, s.n_expert}, fan_in(E));
    }
    p.matrix(b + "ffn_down_exps.weight", upgraded, {s.n_ff_expert, E, s.n_expert},
             fan_in(s.n_ff_expert));
  }
  return p.plans;
}

// uniform(-a, a) has variance a^2/3: a = sqrt(3 / n_in) keeps outputs near unit variance.
float fan_in(int64_t n) { return std::sqrt(3.0f / static_cast<float>(n)); }

// deepseek2 as llama.cpp's converter writes it (see engine/models/deepseek2.cpp).
std::vector<TensorPlan> plan_deepseek2(const ModelSpec& s) {
  Planner p;
  const int64_t E = s.n_embd, H = s.n_head;
  const int64_t head_q = s.qk_nope_dim + s.qk_rope_dim;
  const DType head_type = s.weight_type == DType::Q4_K ? DType::Q6_K : s.weight_type;
  p.matrix("token_embd.weight", s.weight_type, {E, s.n_vocab}, 1.0f);
  p.norm("output_norm.weight", E);
  if (s.output == OutputHead::Untied) {
    p.matrix("output.weight", head_type, {E, s.n_vocab}, fan_in(E));
  }
  for (int64_t il = 0; il < s.n_layer; ++il) {
    const std::string b = fmt::format("blk.{}.", il);
    const DType upgraded = q4_k_m_upgrade(s, il) ? DType::Q6_K : s.weight_type;
    p.norm(b + "attn_norm.weight", E);
    if (s.query == QueryProjection::LowRank) {
      p.matrix(b + "attn_q_a.weight", s.weight_type, {E, s.q_lora_rank}, fan_in(E));
      p.norm(b + "attn_q_a_norm.weight", s.q_lora_rank);
      p.matrix(b + "attn_q_b.weight", s.weight_type, {s.q_lora_rank, H * head_q},
               fan_in(s.q_lora_rank));
    } else {
      p.matrix(b + "attn_q.weight", s.weight_type, {E, H * head_q}, fan_in(E));
    }
    p.matrix(b + "attn_kv_a_mqa.weight", s.weight_type, {E, s.kv_lora_rank + s.qk_rope_dim},
             fan_in(E));
    p.norm(b + "attn_kv_a_norm.weight", s.kv_lora_rank);
    if (s.latent_up == LatentUpProjection::SplitKbVb) {
      p.matrix(b + "attn_k_b.weight", s.weight_type, {s.qk_nope_dim, s.kv_lora_rank, H},
               fan_in(s.qk_nope_dim));
      p.matrix(b + "attn_v_b.weight", upgraded, {s.kv_lora_rank, s.v_head_dim, H},
               fan_in(s.kv_lora_rank));
    } else {
      p.matrix(b + "attn_kv_b.weight", upgraded,
               {s.kv_lora_rank, H * (s.qk_nope_dim + s.v_head_dim)}, fan_in(s.kv_lora_rank));
    }
    p.matrix(b + "attn_output.weight", s.weight_type, {H * s.v_head_dim, E},
             fan_in(H * s.v_head_dim));
    p.norm(b + "ffn_norm.weight", E);
    if (il < s.n_layer_dense_lead) {
      p.matrix(b + "ffn_gate.weight", s.weight_type, {E, s.n_ff_dense}, fan_in(E));
      p.matrix(b + "ffn_up.weight", s.weight_type, {E, s.n_ff_dense}, fan_in(E));
      p.matrix(b + "ffn_down.weight", upgraded, {s.n_ff_dense, E}, fan_in(s.n_ff_dense));
      continue;
    }
    // Router: larger spread than fan-in so routing is decisive, as in trained models.
    p.matrix(b + "ffn_gate_inp.weight", DType::F32, {E, s.n_expert}, 4.0f * fan_in(E));
    if (s.routing == RoutingStyle::SigmoidBiasedGroups) {
      // Large enough to change some choices, as the trained balancing bias does.
      p.vector(b + "exp_probs_b.bias", s.n_expert, Init{0.0f, 0.3f});
    }
    if (s.gate_up == GateUpLayout::Merged) {
      p.matrix(b + "ffn_gate_up_exps.weight", s.weight_type, {E, 2 * s.n_ff_expert, s.n_expert},
               fan_in(E));
    } else {
      p.matrix(b + "ffn_gate_exps.weight", s.weight_type, {E, s.n_ff_expert, s.n_expert},
               fan_in(E));
      p.matrix(b + "ffn_up_exps.weight", s.weight_type, {E, s.n_ff_expert, s.n_expert}, fan_in(E));
    }
    p.matrix(b + "ffn_down_exps.weight", upgraded, {s.n_ff_expert, E, s.n_expert},
             fan_in(s.n_ff_expert));
    if (s.n_expert_shared > 0) {
      const int64_t n_ff = s.n_ff_expert * s.n_expert_shared;
      p.matrix(b + "ffn_gate_shexp.weight", s.weight_type, {E, n_ff}, fan_in(E));
      p.matrix(b + "ffn_up_shexp.weight", s.weight_type, {E, n_ff}, fan_in(E));
      p.matrix(b + "ffn_down_shexp.weight", upgraded, {n_ff, E}, fan_in(n_ff));
    }
  }
  return p.plans;
}

void write_deepseek2_keys(const ModelSpec& s, gguf::GgufWriter& w) {
  const std::string a = "deepseek2.";
  auto u32 = [&](const std::string& key, int64_t v) {
    w.set_u32(a + key, static_cast<uint32_t>(v));
  };
  u32("feed_forward_length", s.n_ff_dense);
  u32("attention.head_count", s.n_head);
  if (s.latent_up == LatentUpProjection::SplitKbVb) {
    // MLA-era converters: the cache is one shared latent (multi-query form).
    u32("attention.head_count_kv", 1);
    u32("attention.key_length", s.kv_lora_rank + s.qk_rope_dim);
    u32("attention.value_length", s.kv_lora_rank);
    u32("attention.key_length_mla", s.qk_nope_dim + s.qk_rope_dim);
    u32("attention.value_length_mla", s.v_head_dim);
  } else {
    u32("attention.head_count_kv", s.n_head);
    u32("attention.key_length", s.qk_nope_dim + s.qk_rope_dim);
    u32("attention.value_length", s.v_head_dim);
  }
  if (s.query == QueryProjection::LowRank) u32("attention.q_lora_rank", s.q_lora_rank);
  u32("attention.kv_lora_rank", s.kv_lora_rank);
  u32("rope.dimension_count", s.qk_rope_dim);
  u32("leading_dense_block_count", s.n_layer_dense_lead);
  u32("expert_shared_count", s.n_expert_shared);
  w.set_f32(a + "expert_weights_scale", s.expert_weights_scale);
  if (s.routing == RoutingStyle::SigmoidBiasedGroups) {
    u32("expert_gating_func", 2);
    w.set_bool(a + "expert_weights_norm", true);
    u32("expert_group_count", s.n_expert_group);
    u32("expert_group_used_count", s.n_expert_group_used);
  } else {
    // V2 files carry no gating key: softmax is the default.
    w.set_bool(a + "expert_weights_norm", false);
  }
  if (s.rope_scaling == RopeScalingKind::Yarn) {
    w.set_string(a + "rope.scaling.type", "yarn");
    w.set_f32(a + "rope.scaling.factor", s.yarn_factor);
    u32("rope.scaling.original_context_length", s.yarn_original_context);
    w.set_f32(a + "rope.scaling.yarn_log_multiplier", s.yarn_log_multiplier);
  }
}

std::vector<TensorPlan> plan_for(const ModelSpec& s) {
  return s.architecture == "deepseek2" ? plan_deepseek2(s) : plan_qwen3moe(s);
}

uint32_t file_type_of(DType t) {
  switch (t) {
    case DType::F32:
      return 0;
    case DType::F16:
      return 1;
    case DType::Q4_0:
      return 2;
    case DType::Q8_0:
      return 7;
    case DType::Q4_K:
      return 15;  // Q4_K_M
    case DType::Q6_K:
      return 18;
    case DType::BF16:
      return 32;
    default:
      return 0;
  }
}

// Fills a tensor's bytes: rows generated and converted in parallel.
void fill_tensor(const TensorPlan& plan, uint64_t seed, uint8_t* dst, size_t n_bytes) {
  const int64_t n_in = plan.ne[0];
  int64_t n_rows = 1;
  for (size_t i = 1; i < plan.ne.size(); ++i) n_rows *= plan.ne[i];
  const size_t row_bytes = kernels::row_bytes(plan.type, n_in);
  if (row_bytes * n_rows != n_bytes) fail(ErrorCode::Internal, "synthetic tensor size mismatch");
  const uint64_t base = hash_name(plan.name, seed);
  const unsigned n_threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  std::atomic<int64_t> next{0};
  auto work = [&] {
    std::vector<float> row(n_in);
    constexpr int64_t kChunk = 64;
    for (int64_t r0; (r0 = next.fetch_add(kChunk)) < n_rows;) {
      for (int64_t r = r0; r < std::min(n_rows, r0 + kChunk); ++r) {
        Rng rng{base + static_cast<uint64_t>(r) * 0x2545F4914F6CDD1Dull};
        for (float& v : row) v = plan.init.offset + plan.init.scale * rng.symmetric();
        kernels::quantize_row(plan.type, row.data(), dst + row_bytes * r, n_in);
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < n_threads; ++i) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
}

}  // namespace

void validate(const ModelSpec& s) {
  auto check = [](bool ok, const std::string& message) {
    if (!ok) fail(ErrorCode::InvalidArgument, message);
  };
  check(s.architecture == "qwen3moe" || s.architecture == "deepseek2" ||
            s.architecture == "qwen3vlmoe",
        fmt::format("make-test-model cannot write architecture '{}' (supported: qwen3moe, "
                    "deepseek2, qwen3vlmoe)",
                    s.architecture));
  check(s.n_embd > 0 && s.n_layer > 0 && s.n_head > 0 && s.n_head_kv > 0 && s.head_dim > 0,
        "embedding size, layers, heads and head size must be positive");
  check(s.n_head % s.n_head_kv == 0, "the number of heads must be a multiple of the KV heads");
  check(s.head_dim % 2 == 0, "the head size must be even (rotary embedding)");
  check(s.n_expert > 0 && s.n_expert_used > 0 && s.n_expert_used <= s.n_expert,
        "experts used must be between 1 and the number of experts");
  check(s.n_ff_expert > 0 && s.n_ctx_train > 0, "expert FFN size and context must be positive");
  check(s.n_vocab >= 512 && s.n_vocab <= (1 << 24), "the vocabulary must hold 512..16M tokens");
  check(s.rope_freq_base > 0 && s.rms_eps > 0, "rope base and rms epsilon must be positive");
  check(s.weight_type != DType::Q8_K, "q8_K is an activation type, not a weight type");
  check(s.n_embd % 32 == 0 || s.weight_type == DType::F32 || s.weight_type == DType::F16 ||
            s.weight_type == DType::BF16,
        "quantized weights need an embedding size that is a multiple of 32");
  check(s.rope_scaling == RopeScalingKind::None ||
            (s.yarn_factor >= 1.0f && s.yarn_original_context > 0),
        "YaRN needs a factor of at least 1 and a positive original context");
  if (s.architecture == "qwen3vlmoe") {
    const RopeSections r = rope_sections_of(s);
    check(r.t >= 0 && r.y >= 0 && r.x >= 0 && 2 * (r.t + r.y + r.x) <= s.head_dim,
          "rope sections must cover at most the head size");
    check(s.n_deepstack >= 0 && s.n_deepstack <= s.n_layer,
          "DeepStack layers must be between 0 and the number of layers");
  }
  if (s.architecture != "deepseek2") return;
  check(s.kv_lora_rank > 0 && s.qk_nope_dim > 0 && s.v_head_dim > 0 && s.q_lora_rank >= 0,
        "kv_lora_rank, nope and value sizes must be positive");
  check(s.qk_rope_dim > 0 && s.qk_rope_dim % 2 == 0, "the rotary size must be even");
  check(s.query == QueryProjection::Direct || s.q_lora_rank > 0,
        "a low-rank query projection needs q_lora_rank > 0");
  check(s.n_layer_dense_lead >= 0 && s.n_layer_dense_lead <= s.n_layer,
        "dense leading layers must be between 0 and the number of layers");
  check(s.n_layer_dense_lead == 0 || s.n_ff_dense > 0, "the dense FFN size must be positive");
  check(s.n_expert_shared >= 0 && s.expert_weights_scale > 0,
        "shared experts must not be negative and the weight scale must be positive");
  if (s.routing == RoutingStyle::SigmoidBiasedGroups) {
    check(s.n_expert_group > 0 && s.n_expert % s.n_expert_group == 0,
          "the number of experts must be a multiple of the expert groups");
    check(s.n_expert_group_used > 0 && s.n_expert_group_used <= s.n_expert_group,
          "groups used must be between 1 and the number of groups");
    check(s.n_expert_used <= s.n_expert_group_used * (s.n_expert / s.n_expert_group),
          "experts used exceed the experts of the groups used");
  }
}

namespace {

// Parameters of a plan; tensors of routed experts count k/n of their size
// towards the active figure, everything else fully (the head, or the tied
// table, is read per token; an untied embedding is only looked up).
uint64_t count_from_plan(const ModelSpec& s, bool active) {
  uint64_t total = 0;
  for (const TensorPlan& p : plan_for(s)) {
    uint64_t n = 1;
    for (int64_t d : p.ne) n *= static_cast<uint64_t>(d);
    const bool routed = p.name.find("_exps.") != std::string::npos;
    if (active && routed) n = n / s.n_expert * s.n_expert_used;
    if (active && p.name == "token_embd.weight" && s.output == OutputHead::Untied) continue;
    total += n;
  }
  return total;
}

}  // namespace

uint64_t count_params_total(const ModelSpec& s) {
  if (s.architecture == "deepseek2") return count_from_plan(s, false);
  const uint64_t E = s.n_embd, Hq = s.n_head * s.head_dim, Hk = s.n_head_kv * s.head_dim;
  const uint64_t per_layer = E * (Hq + 2 * Hk) + Hq * E + 2 * s.head_dim + 2 * E + E * s.n_expert +
                             3 * E * s.n_ff_expert * s.n_expert;
  const uint64_t head = s.output == OutputHead::Untied ? E * s.n_vocab : 0;
  return E * s.n_vocab + E + head + per_layer * s.n_layer;
}

uint64_t count_params_active(const ModelSpec& s) {
  if (s.architecture == "deepseek2") return count_from_plan(s, true);
  const uint64_t E = s.n_embd, Hq = s.n_head * s.head_dim, Hk = s.n_head_kv * s.head_dim;
  const uint64_t per_layer = E * (Hq + 2 * Hk) + Hq * E + 2 * s.head_dim + 2 * E + E * s.n_expert +
                             3 * E * s.n_ff_expert * s.n_expert_used;
  return E * s.n_vocab + E + per_layer * s.n_layer;  // the head (or tied table) is read per token
}

ModelSpec tiny_vision_spec(int64_t n_embd, int64_t n_deepstack) {
  ModelSpec s;
  s.architecture = "qwen3vlmoe";
  s.n_vocab = 600;
  s.n_embd = n_embd;
  s.n_layer = 2;
  s.n_head = 2;
  s.n_head_kv = 1;
  s.head_dim = 32;
  s.n_expert = 4;
  s.n_expert_used = 2;
  s.n_ff_expert = 64;
  s.n_deepstack = n_deepstack;
  return s;
}

RopeSections rope_sections_of(const ModelSpec& s) {
  if (s.rope_section_t != 0 || s.rope_section_y != 0 || s.rope_section_x != 0) {
    return {s.rope_section_t, s.rope_section_y, s.rope_section_x};
  }
  const int64_t half = s.head_dim / 2;
  const int64_t y = half * 20 / 64, x = half * 20 / 64;
  return {half - y - x, y, x};
}

std::string default_chat_template() {
  return R"({%- for message in messages %}
{%- if message.role == 'assistant' and message.reasoning_content and loop.last %}
{{- '<|im_start|>assistant\n<think>\n' + message.reasoning_content + '\n</think>\n\n' + message.content + '<|im_end|>\n' }}
{%- else %}
{{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>\n' }}
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
{{- '<|im_start|>assistant\n' }}
{%- if enable_thinking is defined and enable_thinking is false %}
{{- '<think>\n\n</think>\n\n' }}
{%- endif %}
{%- endif %})";
}

void write_model(const ModelSpec& spec, const std::string& path,
                 const std::function<bool(float)>& progress) {
  validate(spec);
  gguf::GgufWriter w;
  const std::string a = spec.architecture;
  w.set_string("general.architecture", a);
  w.set_string("general.name", spec.name);
  w.set_u32("general.file_type", file_type_of(spec.weight_type));
  w.set_u32("general.quantization_version", 2);
  w.set_alignment(32);
  w.set_u32(a + ".context_length", static_cast<uint32_t>(spec.n_ctx_train));
  w.set_u32(a + ".embedding_length", static_cast<uint32_t>(spec.n_embd));
  w.set_u32(a + ".block_count", static_cast<uint32_t>(spec.n_layer));
  if (a == "deepseek2") {
    write_deepseek2_keys(spec, w);
  } else {
    w.set_u32(a + ".feed_forward_length", static_cast<uint32_t>(spec.n_ff_expert * 8));
    w.set_u32(a + ".attention.head_count", static_cast<uint32_t>(spec.n_head));
    w.set_u32(a + ".attention.head_count_kv", static_cast<uint32_t>(spec.n_head_kv));
    w.set_u32(a + ".attention.key_length", static_cast<uint32_t>(spec.head_dim));
    w.set_u32(a + ".attention.value_length", static_cast<uint32_t>(spec.head_dim));
    if (spec.rope_scaling == RopeScalingKind::Yarn) {
      w.set_string(a + ".rope.scaling.type", "yarn");
      w.set_f32(a + ".rope.scaling.factor", spec.yarn_factor);
      w.set_u32(a + ".rope.scaling.original_context_length",
                static_cast<uint32_t>(spec.yarn_original_context));
    }
  }
  if (a == "qwen3vlmoe") {
    const RopeSections r = rope_sections_of(spec);
    w.set_i32_array(
        a + ".rope.dimension_sections",
        {static_cast<int32_t>(r.t), static_cast<int32_t>(r.y), static_cast<int32_t>(r.x), 0});
    w.set_u32(a + ".n_deepstack_layers", static_cast<uint32_t>(spec.n_deepstack));
  }
  w.set_f32(a + ".attention.layer_norm_rms_epsilon", spec.rms_eps);
  w.set_f32(a + ".rope.freq_base", spec.rope_freq_base);
  w.set_u32(a + ".expert_count", static_cast<uint32_t>(spec.n_expert));
  w.set_u32(a + ".expert_used_count", static_cast<uint32_t>(spec.n_expert_used));
  w.set_u32(a + ".expert_feed_forward_length", static_cast<uint32_t>(spec.n_ff_expert));

  tok::vocab_to_gguf(
      tok::make_synthetic_bpe_vocab(
          static_cast<int32_t>(spec.n_vocab), spec.seed,
          a == "qwen3vlmoe" ? tok::SpecialTokens::ChatAndVision : tok::SpecialTokens::Chat),
      w);
  if (!spec.chat_template.empty()) w.set_string("tokenizer.chat_template", spec.chat_template);

  const std::vector<TensorPlan> plans = plan_for(spec);
  uint64_t total_bytes = 0;
  for (const TensorPlan& p : plans) {
    int64_t rows = 1;
    for (size_t i = 1; i < p.ne.size(); ++i) rows *= p.ne[i];
    total_bytes += kernels::row_bytes(p.type, p.ne[0]) * rows;
  }
  auto written = std::make_shared<uint64_t>(0);
  for (const TensorPlan& plan : plans) {
    w.add_tensor(plan.name, plan.type, plan.ne,
                 [plan, seed = spec.seed, progress, written, total_bytes](uint8_t* dst, size_t n) {
                   fill_tensor(plan, seed, dst, n);
                   *written += n;
                   if (progress && !progress(static_cast<float>(*written) / total_bytes)) {
                     fail(ErrorCode::Cancelled, "writing the test model was cancelled");
                   }
                 });
  }
  w.write(path);
}

}  // namespace mosaic::synthetic
