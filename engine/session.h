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

// One image's rows for the text model: n_rows = grid_w * grid_h rows
// (row-major over the merged grid) of `width` floats each (n_embd, then the
// DeepStack slices). Not owned.
struct ImageRows {
  const float* data = nullptr;
  int64_t grid_w = 0, grid_h = 0;
  int64_t width = 0;
  int64_t n_rows() const { return grid_w * grid_h; }
};

// A piece of multimodal input: text (already tokenized) or an image, which
// the session wraps in the architecture's begin/end tokens.
struct InputChunk {
  std::vector<int32_t> tokens;
  const ImageRows* image = nullptr;  // set for an image chunk
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
  // The rotary position the next token takes (n_past for text-only input).
  int64_t next_position() const { return n_past_ == 0 ? 0 : next_position_[n_past_ - 1]; }

  // Appends tokens and runs the model over them. Context overflow throws
  // Error(ContextFull) before any work; cancellation (progress returns false)
  // throws Error(Cancelled) and restores the previous state.
  void feed(std::span<const int32_t> tokens, const std::function<bool(float)>& progress);

  // Feeds text and images in order, all or nothing: the whole input must fit
  // (ContextFull before any work), an image needs an architecture with image
  // input (Unsupported) and rows of the width it expects (InvalidArgument);
  // on cancellation or error the context is as before the call.
  void feed_chunks(std::span<const InputChunk> chunks, const std::function<bool(float)>& progress);
  // Context slots the chunks take (image rows plus their wrapper tokens).
  int64_t count_chunk_slots(std::span<const InputChunk> chunks) const;

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
  // Throw InvalidArgument for an id outside the vocabulary, ContextFull when
  // n more slots do not fit.
  void check_token_ids(std::span<const int32_t> tokens) const;
  void check_room_for(int64_t n) const;
  // Runs rows [n_past, n_past + n) already validated: tokens, or image rows
  // with their rotary positions. progress gets rows done so far.
  void run_rows(std::span<const int32_t> tokens, const ImageRows* image,
                const std::function<bool(int64_t)>& progress);
  RopePosition position_of_row(const ImageRows* image, int64_t row, int64_t first_position) const;

  const Model& model_;
  SessionOptions options_;
  ImageInput image_input_;
  std::vector<int32_t> image_begin_, image_end_;  // wrapper tokens
  // Per context slot: the rotary position the next token would take after
  // it. Text advances it by one; an image by max(grid_w, grid_h).
  std::vector<int32_t> next_position_;
  std::vector<RopePosition> batch_positions_;
  kernels::ThreadPool pool_;
  KvCache kv_;
  std::unique_ptr<Workspace> workspace_;
  std::vector<int32_t> tokens_;  // everything in the context, for penalties; -1 for image rows
  int64_t n_past_ = 0;
  std::vector<float> logits_;
  int64_t logits_rows_ = 0;  // rows kept from the last feed
  int64_t last_feed_size_ = 0;
  Sampler sampler_;
  tok::StreamDecoder decoder_;
  SessionTimings timings_;
};

}  // namespace mosaic
