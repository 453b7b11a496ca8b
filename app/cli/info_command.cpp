// mosaic-cli info MODEL [--all-keys]: what a model file holds.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>

#include "app/cli/engine_handles.h"
#include "app/cli/subcommands.h"
#include "app/core/human_units.h"

namespace mosaic::cli {
namespace {

using app::format_bytes;
using app::format_count;

struct InfoOptions {
  std::string model_path;
  bool all_keys = false;
};

// Bytes on disk, summing every part of a split model ("-00001-of-00003.gguf").
uint64_t bytes_on_disk(const std::string& path) {
  namespace fs = std::filesystem;
  static const std::regex kSplitName(R"((.*)-(\d{5})-of-(\d{5})\.gguf$)");
  std::smatch match;
  if (!std::regex_match(path, match, kSplitName)) return fs::file_size(path);
  const int parts = std::stoi(match[3].str());
  uint64_t total = 0;
  for (int part = 1; part <= parts; ++part) {
    const std::string part_path =
        fmt::format("{}-{:05d}-of-{:05d}.gguf", match[1].str(), part, parts);
    std::error_code error;
    const auto size = fs::file_size(part_path, error);
    if (!error) total += size;
  }
  return total;
}

void print_summary(const std::string& path, const mosaic_model_info& info) {
  fmt::print("file:           {} ({} on disk)\n", path, format_bytes(bytes_on_disk(path)));
  fmt::print("architecture:   {}\n", info.architecture);
  fmt::print("name:           {}\n", info.name[0] ? info.name : "(none)");
  fmt::print("parameters:     {} total, {} active per token\n", format_count(info.n_params_total),
             format_count(info.n_params_active));
  fmt::print("quantization:   {}\n", info.quantization);
  fmt::print("weights:        {} tensor data, {} read per generated token\n",
             format_bytes(info.file_bytes), format_bytes(info.active_bytes_per_token));
  fmt::print("context:        {} tokens (trained)\n", info.n_ctx_train);
  fmt::print("layers:         {}\n", info.n_layer);
  fmt::print("embedding:      {}\n", info.n_embd);
  fmt::print("heads:          {} query, {} key/value\n", info.n_head, info.n_head_kv);
  if (info.n_expert > 0) {
    fmt::print("experts:        {} used of {}\n", info.n_expert_used, info.n_expert);
  } else {
    fmt::print("experts:        none (dense)\n");
  }
  fmt::print("vocabulary:     {} tokens\n", info.n_vocab);
  const uint64_t full_context_bytes =
      info.kv_bytes_per_token * static_cast<uint64_t>(std::max(info.n_ctx_train, 0));
  fmt::print("KV cache (F16): {} per token, {} for the full {}-token context\n",
             format_bytes(info.kv_bytes_per_token), format_bytes(full_context_bytes),
             info.n_ctx_train);
}

int run_info(const InfoOptions& options) {
  const ModelPtr model = load_model(options.model_path);
  const mosaic_model_info info = model_info(model.get());
  print_summary(options.model_path, info);
  if (options.all_keys) {
    fmt::print("\nmetadata ({} keys):\n", mosaic_model_meta_count(model.get()));
    for (int32_t i = 0; i < mosaic_model_meta_count(model.get()); ++i) {
      char key[512];
      std::string value;
      if (mosaic_model_meta_key(model.get(), i, key, sizeof key) != MOSAIC_OK) continue;
      if (meta_string(model.get(), key, value)) fmt::print("  {} = {}\n", key, value);
    }
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace

Subcommand add_info_command(CLI::App& parent) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* app = parent.add_subcommand("info", "Show what a GGUF model holds");
  app->add_option("MODEL", options->model_path, "Path of the .gguf file")->required();
  app->add_flag("--all-keys", options->all_keys, "Also print the metadata keys and values");
  return {app, [options] { return run_info(*options); }};
}

}  // namespace mosaic::cli
