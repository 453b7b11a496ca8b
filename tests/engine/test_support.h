// Helpers shared by the engine tests: temporary model files and RAII handles
// over the public API.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/synthetic/synthetic_model.h"
#include "mosaic/engine.h"

namespace mosaic::testing {

// A directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A small qwen3moe spec that exercises every code path quickly.
synthetic::ModelSpec tiny_spec(kernels::DType type);
// A small deepseek2 spec (DeepSeek-V3-like: low-rank q, k_b/v_b, sigmoid
// routing with bias and groups, one dense leading layer, one shared expert).
synthetic::ModelSpec tiny_deepseek2_spec(kernels::DType type);

struct ModelDeleter {
  void operator()(mosaic_model* m) const { mosaic_model_free(m); }
};
struct SessionDeleter {
  void operator()(mosaic_session* s) const { mosaic_session_free(s); }
};
using ModelPtr = std::unique_ptr<mosaic_model, ModelDeleter>;
using SessionPtr = std::unique_ptr<mosaic_session, SessionDeleter>;

// Loads or fails the test with the engine's message.
ModelPtr load_model(const std::string& path);
SessionPtr new_session(const mosaic_model* model, mosaic_session_params params);

// Logits of every position after feeding `tokens` (in chunks of n_batch).
std::vector<std::vector<float>> all_logits(const mosaic_model* model,
                                           const std::vector<int32_t>& tokens, int n_batch,
                                           mosaic_kv_type kv_type, int n_threads = 2);

// max |a - b| / max |b|: error relative to the size of the values.
double relative_error(const std::vector<float>& a, const std::vector<double>& b);
double relative_error(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace mosaic::testing
