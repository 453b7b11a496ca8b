#include "engine/sampling/sampler.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "engine/error.h"

namespace mosaic {

using sampling::TokenCandidate;

Sampler::Sampler(const SamplerParams& params) : params_(params), rng_(params.seed) {
  validate_sampler_params(params_);
}

void Sampler::reset() { rng_.seed(params_.seed); }

int32_t Sampler::sample(std::span<const float> logits, std::span<const int32_t> history) {
  if (logits.empty()) fail(ErrorCode::InvalidArgument, "sampler: empty logits");
  load_penalized_logits(logits, history);
  return params_.temperature > 0.0f ? draw_token() : greedy_token();
}

void Sampler::load_penalized_logits(std::span<const float> logits,
                                    std::span<const int32_t> history) {
  logits_.resize(logits.size());
  for (size_t i = 0; i < logits.size(); ++i) {
    const float x = logits[i];
    // +inf would turn softmax into inf - inf = NaN; the largest float keeps
    // such a token the clear winner and the arithmetic finite.
    logits_[i] = std::isnan(x) ? -INFINITY : (x == INFINITY ? FLT_MAX : x);
  }
  const bool penalties_on = params_.repeat_penalty != 1.0f || params_.presence_penalty != 0.0f ||
                            params_.frequency_penalty != 0.0f;
  if (!penalties_on || params_.repeat_last_n == 0 || history.empty()) return;
  const size_t window = std::min(history.size(), static_cast<size_t>(params_.repeat_last_n));
  // Negative entries stand for image rows in the context: not tokens, no penalty.
  recent_tokens_.clear();
  for (auto it = history.end() - static_cast<std::ptrdiff_t>(window); it != history.end(); ++it) {
    if (*it >= 0) recent_tokens_.push_back(*it);
  }
  sampling::apply_penalties(logits_, recent_tokens_, params_.repeat_penalty,
                            params_.presence_penalty, params_.frequency_penalty);
}

int32_t Sampler::greedy_token() const {
  int32_t best = -1;
  float best_logit = -INFINITY;
  for (size_t i = 0; i < logits_.size(); ++i) {
    if (logits_[i] > best_logit) {  // strict: the lowest id wins ties
      best_logit = logits_[i];
      best = static_cast<int32_t>(i);
    }
  }
  if (best < 0) fail(ErrorCode::InvalidArgument, "all logits are NaN or -inf");
  return best;
}

int32_t Sampler::draw_token() {
  candidates_.clear();
  for (size_t i = 0; i < logits_.size(); ++i) {
    if (logits_[i] > -INFINITY) candidates_.push_back({static_cast<int32_t>(i), logits_[i], 0.0});
  }
  if (candidates_.empty()) fail(ErrorCode::InvalidArgument, "all logits are NaN or -inf");

  const bool sorted = sampling::keep_top_k(candidates_, params_.top_k);
  sampling::softmax_with_temperature(candidates_, params_.temperature);
  // min-p runs before top-p here, which selects the same tokens as the
  // documented order: both keep a best-first prefix of the same total order
  // (min-p's threshold is relative to the top token, which top-p always
  // keeps), so the result is the shorter prefix either way. Filtering first
  // means sorting a few candidates instead of the whole vocabulary.
  if (params_.min_p > 0.0f) sampling::keep_min_p(candidates_, params_.min_p);
  if (params_.top_p < 1.0f) {
    if (sorted) {
      sampling::keep_top_p_sorted(candidates_, params_.top_p);
    } else {
      sampling::keep_top_p(candidates_, params_.top_p);
    }
  }
  const double u = sampling::uniform_from_bits(rng_());
  return candidates_[sampling::pick_by_probability(candidates_, u)].id;
}

}  // namespace mosaic
