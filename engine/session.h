// A conversation's state on a model: KV cache, thread pool, scratch memory,
// logits and sampler. One thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/model/kv_cache.h"
#include "engine/model/model.h"
#include "engine/sampling/sampler.h"
#include "engine/tokenizer/tokenizer.h"
#include "kernels/cpu/thread_pool.h"

namespace mosaic {

struct SessionOptions {
  int64_t n_ctx = 0;  // 0: min(trained context, 4096)
  int n_threads = 0;  // 0: hardware threads
  int64_t n_batch = 512;
  kernels::DType kv_type = kernels::DType::F16;
  LogitsWanted logits = LogitsWanted::LastPosition;
};

enum class StopReason { EndOfGeneration, MaxTokens, Callback, ContextFull };

struct SessionTimings {
  double prompt_ms = 0;
  int64_t prompt_tokens = 0;
  double generate_ms = 0;
  int64_t generated_tokens = 0;
  double first_token_ms = 0;
};

class Session {
 public:
  Session(const Model& model, const SessionOptions& options);

  const Model& model() const { return model_; }
  int64_t n_past() const { return n_past_; }
  int64_t n_ctx() const { return kv_.n_ctx(); }
  void truncate(int64_t n_keep);

  // Appends tokens and runs the model over them. Context overflow throws
  // Error(ContextFull) before any work; cancellation (progress returns false)
  // throws Error(Cancelled) and restores the previous state.
  void feed(std::span<const int32_t> tokens, const std::function<bool(float)>& progress);

  // Logits of position i of the last feed (see mosaic_session_logits).
  const float* logits(int64_t i) const;

  void set_sampler(const SamplerParams& params);
  int32_t sample();

  // Streams (token, complete UTF-8 text). on_token returns false to stop.
  StopReason generate(int64_t max_tokens,
                      const std::function<bool(int32_t, std::string_view)>& on_token);

  const SessionTimings& timings() const { return timings_; }
  void reset_timings() { timings_ = {}; }

 private:
  const Model& model_;
  SessionOptions options_;
  kernels::ThreadPool pool_;
  KvCache kv_;
  std::unique_ptr<Workspace> workspace_;
  std::vector<int32_t> tokens_;  // everything in the context, for penalties
  int64_t n_past_ = 0;
  std::vector<float> logits_;
  int64_t logits_rows_ = 0;  // rows kept from the last feed
  int64_t last_feed_size_ = 0;
  Sampler sampler_;
  tok::StreamDecoder decoder_;
  SessionTimings timings_;
};

}  // namespace mosaic
