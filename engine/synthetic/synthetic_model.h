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
};

// Throws mosaic::Error(InvalidArgument) for inconsistent specs (e.g. n_head
// not a multiple of n_head_kv, n_embd not a multiple of the type's block).
void validate(const ModelSpec& spec);

// Writes the model to `path` (atomically). progress(fraction) may return
// false to cancel (throws mosaic::Error(Cancelled), no file left behind).
void write_model(const ModelSpec& spec, const std::string& path,
                 const std::function<bool(float)>& progress = {});

// Parameter counts the spec produces (total, and used per token).
uint64_t count_params_total(const ModelSpec& spec);
uint64_t count_params_active(const ModelSpec& spec);

}  // namespace mosaic::synthetic
