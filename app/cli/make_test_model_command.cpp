// mosaic-cli make-test-model OUT.gguf [...]: writes a random-weight model with
// the real tensor names and metadata of its architecture (see engine/synthetic).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "app/cli/cli_error.h"
#include "app/cli/interrupt.h"
#include "app/cli/option_checks.h"
#include "app/cli/progress_bar.h"
#include "app/cli/subcommands.h"
#include "app/core/human_units.h"
#include "engine/error.h"
#include "engine/synthetic/synthetic_mmproj.h"
#include "engine/synthetic/synthetic_model.h"

namespace mosaic::cli {
namespace {

using app::format_bytes;
using app::format_count;

using synthetic::ModelSpec;

enum class Preset { None, Bench };

struct MakeTestModelOptions {
  std::string out_path;
  Preset preset = Preset::None;
  std::string weight_type;
  std::string mmproj_path;  // also write a matching vision file (qwen3vlmoe)
  // Explicit options override the preset; these hold their values until then.
  ModelSpec given;
};

// deepseek2 at the same scale: multi-head latent attention (q_lora 512,
// kv_lora 512, 128 + 64 per-head key, 128 value), one dense leading layer,
// one shared expert, 8 expert groups of which 4 are used.
ModelSpec bench_preset_deepseek2() {
  ModelSpec spec;
  spec.architecture = "deepseek2";
  spec.name = "mosaic-synthetic-bench-deepseek2";
  spec.n_vocab = 151936;
  spec.n_embd = 1024;
  spec.n_layer = 10;
  spec.n_head = 16;
  spec.n_head_kv = 16;
  spec.q_lora_rank = 512;
  spec.kv_lora_rank = 512;
  spec.qk_nope_dim = 128;
  spec.qk_rope_dim = 64;
  spec.v_head_dim = 128;
  spec.n_layer_dense_lead = 1;
  spec.n_ff_dense = 2048;
  spec.n_expert = 64;
  spec.n_expert_used = 8;
  spec.n_ff_expert = 512;
  spec.n_expert_shared = 1;
  spec.n_expert_group = 8;
  spec.n_expert_group_used = 4;
  spec.rope_freq_base = 10000.0f;
  return spec;
}

// Tiny deepseek2 defaults (V3-like: low-rank q, k_b/v_b, sigmoid routing).
ModelSpec default_deepseek2() {
  ModelSpec spec;
  spec.architecture = "deepseek2";
  spec.n_layer = 3;
  spec.rope_freq_base = 10000.0f;
  return spec;
}

// The hidden sizes of a mid-size MoE: about 1.37B parameters, 0.33B active.
ModelSpec bench_preset() {
  ModelSpec spec;
  spec.name = "mosaic-synthetic-bench";
  spec.n_vocab = 151936;
  spec.n_embd = 1024;
  spec.n_layer = 10;
  spec.n_head = 16;
  spec.n_head_kv = 4;
  spec.head_dim = 128;
  spec.n_expert = 64;
  spec.n_expert_used = 8;
  spec.n_ff_expert = 512;
  return spec;
}

// A vision file matching `text`: projection width = the text model's
// hidden size, one DeepStack layer per text DeepStack slice. The bench
// preset has the shape of Qwen3-VL-2B's encoder (24 layers, width 1024,
// 16 patch pixels, 48x48 position table, F16); otherwise a tiny one.
synthetic::MmprojSpec mmproj_for(const ModelSpec& text, Preset preset) {
  synthetic::MmprojSpec m;
  if (preset == Preset::Bench) {
    m.n_embd = 1024;
    m.n_head = 16;
    m.n_ff = 4096;
    m.n_layer = 24;
    m.patch_size = 16;
    m.position_side = 48;
    m.min_pixels = 8 * 32 * 32;
    m.max_pixels = 4096 * 32 * 32;
    m.weight_type = kernels::DType::F16;
  } else {
    m.n_layer = std::max<int64_t>(3, text.n_deepstack + 1);
  }
  m.projection_dim = text.n_embd;
  m.deepstack.assign(static_cast<size_t>(m.n_layer), false);
  // Spread over the depth as Qwen3-VL does (e.g. layers 5, 11, 17 of 24).
  for (int64_t i = 0; i < text.n_deepstack; ++i) {
    m.deepstack[static_cast<size_t>((i + 1) * m.n_layer / (text.n_deepstack + 1) - 1)] = true;
  }
  m.seed = text.seed + 1;
  return m;
}

std::optional<kernels::DType> parse_weight_type(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::map<std::string, kernels::DType> kTypes = {
      {"f32", kernels::DType::F32},   {"f16", kernels::DType::F16},
      {"bf16", kernels::DType::BF16}, {"q8_0", kernels::DType::Q8_0},
      {"q4_0", kernels::DType::Q4_0}, {"q4_k", kernels::DType::Q4_K},
      {"q6_k", kernels::DType::Q6_K}};
  const auto it = kTypes.find(name);
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

int run_make_test_model(const MakeTestModelOptions& o, const CLI::App& app) {
  const auto given = [&app](const char* name) { return app.count(name) > 0; };
  const bool deepseek2 = given("--arch") && o.given.architecture == "deepseek2";
  ModelSpec spec = o.preset == Preset::Bench
                       ? (deepseek2 ? bench_preset_deepseek2() : bench_preset())
                       : (deepseek2 ? default_deepseek2() : ModelSpec{});
  // Copy only the options given on the command line over the preset.
  if (given("--arch")) spec.architecture = o.given.architecture;
  if (spec.architecture == "qwen3vlmoe") {
    if (o.preset == Preset::Bench) spec.name = "mosaic-synthetic-bench-vl";
    spec.n_deepstack = std::min<int64_t>(3, spec.n_layer);  // Qwen3-VL has 3
  }
  if (!o.mmproj_path.empty() && spec.architecture != "qwen3vlmoe") {
    throw UsageError(
        "--mmproj writes the vision file of a qwen3vlmoe model: add --arch qwen3vlmoe");
  }
  if (given("--vocab")) spec.n_vocab = o.given.n_vocab;
  if (given("--embd")) spec.n_embd = o.given.n_embd;
  if (given("--layers")) spec.n_layer = o.given.n_layer;
  if (given("--heads")) spec.n_head = o.given.n_head;
  if (given("--kv-heads")) spec.n_head_kv = o.given.n_head_kv;
  if (given("--head-dim")) spec.head_dim = o.given.head_dim;
  if (given("--experts")) spec.n_expert = o.given.n_expert;
  if (given("--experts-used")) spec.n_expert_used = o.given.n_expert_used;
  if (given("--expert-ffn")) spec.n_ff_expert = o.given.n_ff_expert;
  if (given("--ctx")) spec.n_ctx_train = o.given.n_ctx_train;
  if (given("--rope-base")) spec.rope_freq_base = o.given.rope_freq_base;
  if (given("--merged-gate-up")) spec.gate_up = synthetic::GateUpLayout::Merged;
  if (given("--tied-output")) spec.output = synthetic::OutputHead::TiedToEmbedding;
  if (given("--seed")) spec.seed = o.given.seed;
  if (given("--q-lora")) spec.q_lora_rank = o.given.q_lora_rank;
  if (given("--kv-lora")) spec.kv_lora_rank = o.given.kv_lora_rank;
  if (given("--dense-layers")) spec.n_layer_dense_lead = o.given.n_layer_dense_lead;
  if (given("--shared-experts")) spec.n_expert_shared = o.given.n_expert_shared;
  if (given("--plain-q")) spec.query = synthetic::QueryProjection::Direct;
  if (given("--legacy-kv-b")) spec.latent_up = synthetic::LatentUpProjection::LegacyKvB;
  if (given("--v2-routing")) spec.routing = synthetic::RoutingStyle::SoftmaxPlain;
  if (given("--yarn")) spec.rope_scaling = synthetic::RopeScalingKind::Yarn;
  if (given("--type")) {
    const auto type = parse_weight_type(o.weight_type);
    if (!type) {
      throw UsageError("--type '" + o.weight_type +
                       "' is not one of f32, f16, bf16, q8_0, q4_0, q4_K, q6_K");
    }
    spec.weight_type = *type;
  }

  try {
    synthetic::validate(spec);
  } catch (const Error& e) {
    throw UsageError(std::string("inconsistent model shape: ") + e.what());
  }
  const uint64_t total = synthetic::count_params_total(spec);
  const uint64_t active = synthetic::count_params_active(spec);
  fmt::print(stderr, "writing {}: {} {} parameters ({} active), {} x {} experts, vocab {}\n",
             o.out_path, spec.architecture, format_count(total), format_count(active), spec.n_layer,
             spec.n_expert, spec.n_vocab);

  install_interrupt_handler();
  ProgressBar bar("writing");
  try {
    synthetic::write_model(spec, o.out_path, [&bar](float fraction) {
      bar.update(fraction);
      return !interrupt_requested();
    });
  } catch (const Error& e) {
    bar.finish();
    if (e.code() == ErrorCode::Cancelled) {
      fmt::print(stderr, "interrupted; no file written\n");
      return kExitInterrupted;
    }
    throw CommandError(std::string("cannot write the model: ") + e.what());
  }
  bar.finish();
  std::error_code error;
  const auto bytes = std::filesystem::file_size(o.out_path, error);
  fmt::print(stderr, "wrote {} ({})\n", o.out_path, error ? "?" : format_bytes(bytes));
  if (!o.mmproj_path.empty()) {
    try {
      synthetic::write_synthetic_mmproj(o.mmproj_path, mmproj_for(spec, o.preset));
    } catch (const Error& e) {
      throw CommandError(std::string("cannot write the vision file: ") + e.what());
    }
    const auto mmproj_bytes = std::filesystem::file_size(o.mmproj_path, error);
    fmt::print(stderr, "wrote {} ({})\n", o.mmproj_path, error ? "?" : format_bytes(mmproj_bytes));
  }
  return kExitOk;
}

}  // namespace

Subcommand add_make_test_model_command(CLI::App& parent) {
  auto o = std::make_shared<MakeTestModelOptions>();
  CLI::App* app = parent.add_subcommand(
      "make-test-model", "Write a random-weight model (real GGUF layout) for tests and benchmarks");
  ModelSpec& g = o->given;
  const ModelSpec defaults;
  app->add_option("OUT", o->out_path, "Path of the .gguf file to write")->required();
  app->add_option("--mmproj", o->mmproj_path,
                  "With --arch qwen3vlmoe: also write its vision file (mmproj) here");
  app->add_option("--arch", g.architecture, "Architecture")
      ->check(CLI::IsMember({"qwen3moe", "deepseek2", "qwen3vlmoe"}))
      ->default_str(defaults.architecture);
  const auto positive = CLI::PositiveNumber;
  app->add_option("--vocab", g.n_vocab, "Vocabulary size")
      ->check(positive)
      ->default_str(std::to_string(defaults.n_vocab));
  app->add_option("--embd", g.n_embd, "Hidden size")
      ->check(positive)
      ->default_str(std::to_string(defaults.n_embd));
  app->add_option("--layers", g.n_layer, "Layers")
      ->check(positive)
      ->default_str(std::to_string(defaults.n_layer));
  app->add_option("--heads", g.n_head, "Query heads")
      ->check(positive)
      ->default_str(std::to_string(defaults.n_head));
  app->add_option("--kv-heads", g.n_head_kv, "Key/value heads")
      ->check(positive)
      ->default_str(std::to_string(defaults.n_head_kv));
  app->add_option("--head-dim", g.head_dim, "Dimension per head")
      ->check(positive)
      ->default_str(std::to_string(defaults.head_dim));
  app->add_option("--experts", g.n_expert, "Experts per layer")
      ->check(positive)
      ->default_str(std::to_string(defaults.n_expert));
  app->add_option("--experts-used", g.n_expert_used, "Experts chosen per token")
      ->check(positive)
      ->default_str(std::to_string(defaults.n_expert_used));
  app->add_option("--expert-ffn", g.n_ff_expert, "Feed-forward size of each expert")
      ->check(positive)
      ->default_str(std::to_string(defaults.n_ff_expert));
  app->add_option("--ctx", g.n_ctx_train, "Trained context length")
      ->check(positive)
      ->default_str(std::to_string(defaults.n_ctx_train));
  app->add_option("--rope-base", g.rope_freq_base, "RoPE frequency base")
      ->check(positive)
      ->default_str(fmt::format("{}", defaults.rope_freq_base));
  app->add_option("--type", o->weight_type,
                  "Weight type of attention and expert matrices: f32 f16 bf16 q8_0 q4_0 q4_K q6_K")
      ->default_str("f16");
  app->add_flag("--merged-gate-up")
      ->description("Store expert gate and up as one ffn_gate_up_exps tensor");
  app->add_flag("--tied-output")->description("Reuse the token embedding as the output head");
  app->add_option("--q-lora", g.q_lora_rank, "deepseek2: rank of the low-rank query projection")
      ->check(positive);
  app->add_option("--kv-lora", g.kv_lora_rank, "deepseek2: width of the cached latent")
      ->check(positive);
  app->add_option("--dense-layers", g.n_layer_dense_lead, "deepseek2: leading dense layers")
      ->check(kNonNegativeInteger);
  app->add_option("--shared-experts", g.n_expert_shared, "deepseek2: shared experts")
      ->check(kNonNegativeInteger);
  app->add_flag("--plain-q")->description("deepseek2: plain attn_q (as DeepSeek-V2-Lite)");
  app->add_flag("--legacy-kv-b")
      ->description("deepseek2: one attn_kv_b per layer (files converted before MLA support)");
  app->add_flag("--v2-routing")
      ->description(
          "deepseek2: softmax routing without bias or groups (V2) instead of V3's sigmoid");
  app->add_flag("--yarn")->description(
      "YaRN rope scaling (factor 4 over 64 original positions: visible in short prompts)");
  app->add_option("--seed", g.seed, "Seed of the random weights")
      ->check(kNonNegativeInteger)
      ->default_str(std::to_string(defaults.seed));
  app->add_option_function<std::string>(
         "--preset", [o](const std::string&) { o->preset = Preset::Bench; },
         "bench: hidden 1024, 10 layers, 16/4 heads of 128, 64 experts (FFN 512, top-8), "
         "vocab 151936 (deepseek2: MLA with q/kv rank 512, 1 dense layer, 1 shared expert, "
         "8 groups of which 4 are used); other options override it")
      ->check(CLI::IsMember({"bench"}));
  return {app, [o, app] { return run_make_test_model(*o, *app); }};
}

}  // namespace mosaic::cli
