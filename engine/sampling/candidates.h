// The steps of the sampling pipeline as free functions over token candidates,
// so each can be tested on hand-made input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mosaic::sampling {

struct TokenCandidate {
  int32_t id;
  float logit;
  double prob;  // filled by softmax_with_temperature
};

// Higher logit first, lower id on ties. A strict total order, so every
// standard library's (unstable) sorts put candidates in the same order and the
// sampler draws the same tokens everywhere.
inline bool ranks_before(const TokenCandidate& a, const TokenCandidate& b) {
  return a.logit != b.logit ? a.logit > b.logit : a.id < b.id;
}

// Applies, to each token occurring in `recent_tokens` (c times), llama.cpp's
// penalties: a repeat penalty (positive logits divided by it, negative ones
// multiplied, so it always makes the token less likely), then
// c * frequency_penalty + presence_penalty subtracted. `logits` is indexed by
// token id. `recent_tokens` is sorted in place (callers pass scratch memory).
// Throws Error(InvalidArgument) for a token id outside [0, logits.size()).
void apply_penalties(std::span<float> logits, std::span<int32_t> recent_tokens,
                     float repeat_penalty, float presence_penalty, float frequency_penalty);

// Keeps the k best candidates, sorted best first. Does nothing when k <= 0 or
// k >= size. Returns whether the candidates are now sorted best first.
bool keep_top_k(std::vector<TokenCandidate>& candidates, int32_t k);

// prob = exp((logit - max) / temperature) / sum over the candidates.
// Preconditions: temperature > 0, at least one finite logit.
void softmax_with_temperature(std::span<TokenCandidate> candidates, float temperature);

// Keeps the shortest best-first prefix whose probabilities sum to >= top_p
// (at least one candidate). Precondition: sorted best first, probs set.
void keep_top_p_sorted(std::vector<TokenCandidate>& candidates, float top_p);

// The same for candidates in any order: sorts only as long a best-first
// prefix as the cut needs (a few hundred tokens usually cover top_p, so a
// 150k vocabulary is not sorted in full). The survivors end up sorted.
void keep_top_p(std::vector<TokenCandidate>& candidates, float top_p);

// Keeps candidates with prob >= min_p * (highest prob), in their order.
void keep_min_p(std::vector<TokenCandidate>& candidates, float min_p);

// Index of the candidate that u in [0, 1) selects when each candidate owns a
// slice of [0, 1) proportional to its prob (probs need not sum to 1).
size_t pick_by_probability(std::span<const TokenCandidate> candidates, double u);

// A double uniform in [0, 1) from 64 random bits: the top 53 bits scaled by
// 2^-53. Defined bit for bit, unlike std::uniform_real_distribution.
inline double uniform_from_bits(uint64_t bits) {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

}  // namespace mosaic::sampling
