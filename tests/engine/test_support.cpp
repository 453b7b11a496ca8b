#include "tests/engine/test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace mosaic::testing {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("mosaic-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

synthetic::ModelSpec tiny_spec(kernels::DType type) {
  synthetic::ModelSpec s;
  s.n_vocab = 600;
  s.n_embd = 256;
  s.n_layer = 2;
  s.n_head = 4;
  s.n_head_kv = 2;
  s.head_dim = 64;
  s.n_expert = 8;
  s.n_expert_used = 3;
  s.n_ff_expert = 256;
  s.n_ctx_train = 256;
  s.weight_type = type;
  s.seed = 7;
  return s;
}

synthetic::ModelSpec tiny_deepseek2_spec(kernels::DType type) {
  synthetic::ModelSpec s = tiny_spec(type);
  s.architecture = "deepseek2";
  s.n_layer = 3;
  s.n_head = 4;
  s.q_lora_rank = 128;
  s.kv_lora_rank = 128;
  s.qk_nope_dim = 32;
  s.qk_rope_dim = 32;
  s.v_head_dim = 32;
  s.n_layer_dense_lead = 1;
  s.n_ff_dense = 512;
  s.n_expert = 8;
  s.n_expert_used = 3;
  s.n_ff_expert = 256;
  s.n_expert_shared = 1;
  s.n_expert_group = 4;
  s.n_expert_group_used = 2;
  s.expert_weights_scale = 2.5f;
  s.rope_freq_base = 10000.0f;
  s.yarn_factor = 4.0f;
  s.yarn_original_context = 64;
  return s;
}

ModelPtr load_model(const std::string& path) {
  mosaic_model* m = nullptr;
  const mosaic_status st = mosaic_model_load(path.c_str(), nullptr, &m);
  EXPECT_EQ(st, MOSAIC_OK) << mosaic_last_error();
  return ModelPtr(m);
}

SessionPtr new_session(const mosaic_model* model, mosaic_session_params params) {
  mosaic_session* s = nullptr;
  const mosaic_status st = mosaic_session_new(model, &params, &s);
  EXPECT_EQ(st, MOSAIC_OK) << mosaic_last_error();
  return SessionPtr(s);
}

std::vector<std::vector<float>> all_logits(const mosaic_model* model,
                                           const std::vector<int32_t>& tokens, int n_batch,
                                           mosaic_kv_type kv_type, int n_threads) {
  mosaic_session_params p = mosaic_session_default_params();
  p.n_ctx = 128;
  p.n_batch = n_batch;
  p.n_threads = n_threads;
  p.kv_type = kv_type;
  p.logits_mode = MOSAIC_LOGITS_ALL;
  SessionPtr s = new_session(model, p);
  const int32_t n_vocab = mosaic_vocab_size(model);
  std::vector<std::vector<float>> out;
  if (!s) return out;
  EXPECT_EQ(mosaic_session_feed(s.get(), tokens.data(), tokens.size(), nullptr, nullptr), MOSAIC_OK)
      << mosaic_last_error();
  for (size_t i = 0; i < tokens.size(); ++i) {
    const float* l = mosaic_session_logits(s.get(), static_cast<int32_t>(i));
    EXPECT_NE(l, nullptr);
    if (l == nullptr) return {};
    out.emplace_back(l, l + n_vocab);
  }
  return out;
}

template <typename T>
static double rel_err(const std::vector<float>& a, const std::vector<T>& b) {
  double max_diff = 0, max_ref = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    if (!std::isfinite(a[i])) return INFINITY;
    max_diff = std::max(max_diff, std::abs(static_cast<double>(a[i]) - b[i]));
    max_ref = std::max(max_ref, std::abs(static_cast<double>(b[i])));
  }
  return max_diff / (max_ref + 1e-30);
}

double relative_error(const std::vector<float>& a, const std::vector<double>& b) {
  return rel_err(a, b);
}
double relative_error(const std::vector<float>& a, const std::vector<float>& b) {
  return rel_err(a, b);
}

}  // namespace mosaic::testing
