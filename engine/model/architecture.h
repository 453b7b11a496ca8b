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
  std::span<const int32_t> tokens;  // token ids, all < n_vocab
  int64_t pos0 = 0;                 // position of tokens[0]; the KV cache holds [0, pos0)
  LogitsWanted logits_wanted = LogitsWanted::LastPosition;
  float* logits = nullptr;  // n_vocab floats, times tokens.size() for AllPositions
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
