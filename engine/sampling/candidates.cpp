#include "engine/sampling/candidates.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/error.h"

namespace mosaic::sampling {

void apply_penalties(std::span<float> logits, std::span<int32_t> recent_tokens,
                     float repeat_penalty, float presence_penalty, float frequency_penalty) {
  // Sorting groups equal tokens, so counting needs no map (and no allocation).
  std::sort(recent_tokens.begin(), recent_tokens.end());
  const auto n_vocab = static_cast<int64_t>(logits.size());
  for (size_t i = 0; i < recent_tokens.size();) {
    const int32_t token = recent_tokens[i];
    size_t end = i;
    while (end < recent_tokens.size() && recent_tokens[end] == token) ++end;
    const auto count = static_cast<float>(end - i);
    i = end;
    if (token < 0 || token >= n_vocab) {
      fail(ErrorCode::InvalidArgument, "sampler: history token " + std::to_string(token) +
                                           " is outside the vocabulary [0, " +
                                           std::to_string(n_vocab) + ")");
    }
    float& logit = logits[static_cast<size_t>(token)];
    logit = logit > 0.0f ? logit / repeat_penalty : logit * repeat_penalty;
    logit -= count * frequency_penalty + presence_penalty;
  }
}

bool keep_top_k(std::vector<TokenCandidate>& candidates, int32_t k) {
  if (k <= 0 || static_cast<size_t>(k) >= candidates.size()) return false;
  std::partial_sort(candidates.begin(), candidates.begin() + k, candidates.end(), ranks_before);
  candidates.resize(static_cast<size_t>(k));
  return true;
}

void softmax_with_temperature(std::span<TokenCandidate> candidates, float temperature) {
  float max_logit = -INFINITY;
  for (const auto& c : candidates) max_logit = std::max(max_logit, c.logit);
  // In double: logit - max cannot overflow even for logits near +-FLT_MAX.
  double sum = 0.0;
  for (auto& c : candidates) {
    c.prob = std::exp((static_cast<double>(c.logit) - max_logit) / temperature);
    sum += c.prob;
  }
  for (auto& c : candidates) c.prob /= sum;
}

void keep_top_p_sorted(std::vector<TokenCandidate>& candidates, float top_p) {
  double cumulative = 0.0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    cumulative += candidates[i].prob;
    if (cumulative >= top_p) {
      candidates.resize(i + 1);
      return;
    }
  }
}

void keep_top_p(std::vector<TokenCandidate>& candidates, float top_p) {
  constexpr size_t kFirstPrefix = 256;
  for (size_t prefix = kFirstPrefix;; prefix *= 4) {
    if (prefix >= candidates.size()) {
      std::sort(candidates.begin(), candidates.end(), ranks_before);
      keep_top_p_sorted(candidates, top_p);
      return;
    }
    const auto middle = candidates.begin() + static_cast<std::ptrdiff_t>(prefix);
    std::partial_sort(candidates.begin(), middle, candidates.end(), ranks_before);
    // Probabilities are normalized over all candidates, so the sum over the
    // sorted prefix is exact: if it reaches top_p, the cut lies inside it.
    double cumulative = 0.0;
    for (size_t i = 0; i < prefix; ++i) {
      cumulative += candidates[i].prob;
      if (cumulative >= top_p) {
        candidates.resize(i + 1);
        return;
      }
    }
  }
}

void keep_min_p(std::vector<TokenCandidate>& candidates, float min_p) {
  double max_prob = 0.0;
  for (const auto& c : candidates) max_prob = std::max(max_prob, c.prob);
  const double threshold = static_cast<double>(min_p) * max_prob;
  std::erase_if(candidates, [threshold](const TokenCandidate& c) { return c.prob < threshold; });
}

size_t pick_by_probability(std::span<const TokenCandidate> candidates, double u) {
  double total = 0.0;
  for (const auto& c : candidates) total += c.prob;
  const double target = u * total;
  double cumulative = 0.0;
  size_t last_possible = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].prob <= 0.0) continue;
    cumulative += candidates[i].prob;
    last_possible = i;
    if (target < cumulative) return i;
  }
  // Rounding can leave target a hair above the final sum: the last candidate
  // that can be drawn at all owns that sliver.
  return last_possible;
}

}  // namespace mosaic::sampling
