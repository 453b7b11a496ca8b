// The interface every model architecture implements (one small file per
// architecture under engine/models/, composed from engine/blocks/).
//
// An Architecture is built once at load time from the GGUF file, holds only
// weight views and hyperparameters, and is immutable afterwards: sessions on
// different threads run forward() on it concurrently, each with its own
// ForwardContext.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "engine/blocks/rope.h"
#include "engine/gguf/gguf_reader.h"
#include "engine/model/kv_cache.h"
#include "kernels/cpu/thread_pool.h"

namespace mosaic {

// Per-session scratch memory an architecture needs; each architecture defines
// its own subclass and creates it in make_workspace.
struct Workspace {
  virtual ~Workspace() = default;
};

enum class LogitsWanted { None, LastPosition, AllPositions };

struct ForwardContext {
  kernels::ThreadPool& pool;
  KvCache& kv;
  Workspace& workspace;
};

struct ForwardBatch {
  std::span<const int32_t> tokens;  // token ids, all < n_vocab; empty for embeddings
  // Instead of tokens (architectures with image input only): n_embedding_rows
  // input rows of embedding_width floats each, the input embedding (n_embd)
  // followed by one n_embd DeepStack slice per DeepStack layer.
  const float* embeddings = nullptr;
  int64_t n_embedding_rows = 0;
  int64_t embedding_width = 0;
  int64_t pos0 = 0;  // KV cache slot of the first row; the cache holds [0, pos0)
  // Rotary positions, one per row. Empty: row i rotates as position pos0 + i
  // (text-only architectures always see it empty).
  std::span<const RopePosition> positions;
  LogitsWanted logits_wanted = LogitsWanted::LastPosition;
  float* logits = nullptr;  // n_vocab floats, times size() for AllPositions

  int64_t size() const {
    return embeddings != nullptr ? n_embedding_rows : static_cast<int64_t>(tokens.size());
  }
  RopePosition position(int64_t i) const {
    return positions.empty() ? RopePosition::text(pos0 + i) : positions[i];
  }
};

// What an architecture accepts besides tokens. Only architectures whose
// text model takes image embeddings fill it in.
struct ImageInput {
  bool accepted = false;
  int64_t n_deepstack = 0;  // DeepStack slices each image row must carry
  // Special tokens written around each image's rows, as text (parsed as
  // control tokens), e.g. Qwen-VL's <|vision_start|> ... <|vision_end|>.
  std::string begin_text, end_text;
  // Rotary positions of images: the time/row/column scheme of multimodal
  // rope. Without it, image rows advance the position like tokens.
  bool grid_positions = false;
};

struct ModelDims {
  int64_t n_vocab = 0;
  int64_t n_embd = 0;
  int64_t n_layer = 0;
  int64_t n_head = 0;
  int64_t n_head_kv = 0;
  int64_t n_expert = 0;
  int64_t n_expert_used = 0;
  int64_t n_ctx_train = 0;
};

// Parameter and byte counts, for `info` and for bandwidth figures.
struct WeightStats {
  uint64_t params_total = 0;
  uint64_t params_active = 0;  // per token: chosen experts only
  uint64_t bytes_total = 0;
  uint64_t bytes_active = 0;  // weight bytes read to decode one token
};

class Architecture {
 public:
  virtual ~Architecture() = default;

  virtual const ModelDims& dims() const = 0;
  virtual KvLayout kv_layout() const = 0;
  virtual WeightStats weight_stats() const = 0;
  virtual ImageInput image_input() const { return {}; }

  // Scratch for batches of up to max_batch tokens and contexts up to n_ctx.
  virtual std::unique_ptr<Workspace> make_workspace(int64_t max_batch, int64_t n_ctx,
                                                    int n_threads) const = 0;

  // Runs the model over batch.tokens (size <= max_batch), appending their keys
  // and values to ctx.kv at positions pos0.., and writes the requested logits.
  virtual void forward(ForwardContext& ctx, const ForwardBatch& batch) const = 0;
};

// Builds an architecture from a validated file. Throws mosaic::Error.
using ArchitectureFactory = std::unique_ptr<Architecture> (*)(const gguf::GgufFile& file);

// The factory for general.architecture == name, or nullptr if unknown.
ArchitectureFactory find_architecture(const std::string& name);
// Names of every supported architecture, for error messages.
std::string supported_architectures();

}  // namespace mosaic
