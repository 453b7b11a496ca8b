// Picks the next token from a model's logits.
//
// Pipeline (the order matters and is fixed): penalties over the recent
// history, top-k, softmax with temperature, top-p, min-p, then a draw from a
// std::mt19937_64 seeded with params.seed. The uniform is derived from the raw
// 64 bits, so the same seed and inputs give the same tokens on every platform.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "engine/sampling/candidates.h"
#include "engine/sampling/sampler_params.h"

namespace mosaic {

class Sampler {
 public:
  // Throws Error(InvalidArgument) for invalid params (see validate_sampler_params).
  explicit Sampler(const SamplerParams& params);

  const SamplerParams& params() const { return params_; }

  // Restarts the random sequence from params().seed.
  void reset();

  // Returns the chosen token id in [0, logits.size()). The penalties use the
  // last repeat_last_n tokens of `history`. Greedy when temperature == 0
  // (argmax after penalties, lowest id on ties; the RNG is not advanced).
  // NaN logits count as -inf. Throws Error(InvalidArgument) when no logit is
  // left above -inf, or a history token is outside the vocabulary.
  // Negative history entries (image rows in a session) are skipped.
  // Allocates only when the vocabulary or window is larger than ever before.
  int32_t sample(std::span<const float> logits, std::span<const int32_t> history);

 private:
  void load_penalized_logits(std::span<const float> logits, std::span<const int32_t> history);
  int32_t greedy_token() const;
  int32_t draw_token();

  SamplerParams params_;
  std::mt19937_64 rng_;
  // Scratch reused across calls.
  std::vector<float> logits_;
  std::vector<int32_t> recent_tokens_;
  std::vector<sampling::TokenCandidate> candidates_;
};

}  // namespace mosaic
