// The pipeline steps on hand-made candidates with hand-computed results.
#include "engine/sampling/candidates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "engine/error.h"

namespace mosaic::sampling {
namespace {

std::vector<TokenCandidate> from_logits(const std::vector<float>& logits) {
  std::vector<TokenCandidate> candidates;
  for (size_t i = 0; i < logits.size(); ++i) {
    candidates.push_back({static_cast<int32_t>(i), logits[i], 0.0});
  }
  return candidates;
}

std::vector<TokenCandidate> from_probs(const std::vector<double>& probs) {
  std::vector<TokenCandidate> candidates;
  for (size_t i = 0; i < probs.size(); ++i) {
    candidates.push_back(
        {static_cast<int32_t>(i), static_cast<float>(std::log(probs[i])), probs[i]});
  }
  return candidates;
}

std::vector<int32_t> ids(const std::vector<TokenCandidate>& candidates) {
  std::vector<int32_t> out;
  for (const auto& c : candidates) out.push_back(c.id);
  return out;
}

TEST(Penalties, ChangeExactlyTheTokensInTheHistory) {
  std::vector<float> logits = {2.0f, -2.0f, 1.0f, 0.5f, 3.0f};
  std::vector<int32_t> recent = {0, 1, 0, 3};
  apply_penalties(logits, recent, /*repeat=*/2.0f, /*presence=*/0.5f, /*frequency=*/0.25f);
  // token 0, twice: 2 / 2 - (2 * 0.25 + 0.5)
  EXPECT_FLOAT_EQ(logits[0], 0.0f);
  // token 1, once, negative: -2 * 2 - (0.25 + 0.5)
  EXPECT_FLOAT_EQ(logits[1], -4.75f);
  EXPECT_FLOAT_EQ(logits[2], 1.0f);  // not in the history
  // token 3, once: 0.5 / 2 - 0.75
  EXPECT_FLOAT_EQ(logits[3], -0.5f);
  EXPECT_FLOAT_EQ(logits[4], 3.0f);  // not in the history
}

TEST(Penalties, RejectTokensOutsideTheVocabulary) {
  std::vector<float> logits = {1.0f, 2.0f};
  std::vector<int32_t> recent = {1, 2};
  EXPECT_THROW(apply_penalties(logits, recent, 1.1f, 0.0f, 0.0f), Error);
  std::vector<int32_t> negative = {-1};
  EXPECT_THROW(apply_penalties(logits, negative, 1.1f, 0.0f, 0.0f), Error);
}

TEST(TopK, KeepsTheKBestSortedWithLowestIdOnTies) {
  auto candidates = from_logits({1.0f, 3.0f, 2.0f, 3.0f, 0.0f});
  EXPECT_TRUE(keep_top_k(candidates, 3));
  EXPECT_EQ(ids(candidates), (std::vector<int32_t>{1, 3, 2}));
}

TEST(TopK, OffWhenZeroOrAtLeastTheSize) {
  auto candidates = from_logits({1.0f, 3.0f, 2.0f});
  EXPECT_FALSE(keep_top_k(candidates, 0));
  EXPECT_FALSE(keep_top_k(candidates, 3));
  EXPECT_FALSE(keep_top_k(candidates, -5));
  EXPECT_EQ(ids(candidates), (std::vector<int32_t>{0, 1, 2}));
}

TEST(Softmax, TemperatureSharpensAndFlattens) {
  // logits 0, ln 2, ln 4 at temperature 0.5: p ~ exp(2 * logit) = 1, 4, 16.
  auto candidates = from_logits({0.0f, std::log(2.0f), std::log(4.0f)});
  softmax_with_temperature(candidates, 0.5f);
  EXPECT_NEAR(candidates[0].prob, 1.0 / 21, 1e-6);
  EXPECT_NEAR(candidates[1].prob, 4.0 / 21, 1e-6);
  EXPECT_NEAR(candidates[2].prob, 16.0 / 21, 1e-6);
  // At temperature 2: p ~ sqrt(1, 2, 4).
  softmax_with_temperature(candidates, 2.0f);
  const double sum = 1 + std::sqrt(2.0) + 2;
  EXPECT_NEAR(candidates[0].prob, 1 / sum, 1e-6);
  EXPECT_NEAR(candidates[2].prob, 2 / sum, 1e-6);
}

TEST(Softmax, HugeLogitsStayFinite) {
  auto candidates = from_logits({3.0e38f, -3.0e38f, 3.0e38f});
  softmax_with_temperature(candidates, 0.1f);
  EXPECT_DOUBLE_EQ(candidates[0].prob, 0.5);
  EXPECT_DOUBLE_EQ(candidates[1].prob, 0.0);
  EXPECT_DOUBLE_EQ(candidates[2].prob, 0.5);
}

TEST(TopP, KeepsTheShortestPrefixReachingP) {
  auto candidates = from_probs({0.5, 0.3, 0.15, 0.05});
  keep_top_p_sorted(candidates, 0.7f);  // 0.5 < 0.7 <= 0.8
  EXPECT_EQ(ids(candidates), (std::vector<int32_t>{0, 1}));

  candidates = from_probs({0.5, 0.3, 0.15, 0.05});
  keep_top_p_sorted(candidates, 0.85f);  // 0.8 < 0.85 <= 0.95
  EXPECT_EQ(ids(candidates), (std::vector<int32_t>{0, 1, 2}));

  candidates = from_probs({0.5, 0.3, 0.15, 0.05});
  keep_top_p_sorted(candidates, 0.1f);  // the top token alone is enough
  EXPECT_EQ(ids(candidates), (std::vector<int32_t>{0}));
}

// keep_top_p sorts only a prefix; it must cut exactly where a full sort would,
// also when the cut lies beyond its first prefixes (flat distributions).
TEST(TopP, UnsortedInputGivesTheSameCutAsAFullSort) {
  std::mt19937 rng(7);
  for (const float spread : {0.01f, 1.0f, 8.0f}) {
    for (const float top_p : {0.1f, 0.5f, 0.9f, 0.999f}) {
      std::normal_distribution<float> logit(0.0f, spread);
      std::vector<float> logits(5000);
      for (auto& x : logits) x = logit(rng);
      auto candidates = from_logits(logits);
      softmax_with_temperature(candidates, 1.0f);
      auto reference = candidates;
      std::sort(reference.begin(), reference.end(), ranks_before);
      keep_top_p_sorted(reference, top_p);
      keep_top_p(candidates, top_p);
      EXPECT_EQ(ids(candidates), ids(reference)) << "spread " << spread << " top_p " << top_p;
    }
  }
}

TEST(MinP, KeepsTokensAtLeastMinPTimesTheTop) {
  auto candidates = from_probs({0.15, 0.5, 0.05, 0.3});
  keep_min_p(candidates, 0.2f);  // threshold 0.1
  EXPECT_EQ(ids(candidates), (std::vector<int32_t>{0, 1, 3}));

  candidates = from_probs({0.15, 0.5, 0.05, 0.3});
  keep_min_p(candidates, 0.61f);  // threshold 0.305
  EXPECT_EQ(ids(candidates), (std::vector<int32_t>{1}));
}

TEST(Pick, SlicesOfTheUnitIntervalFollowProbabilities) {
  const auto candidates = from_probs({0.25, 0.0, 0.5, 0.25});
  EXPECT_EQ(pick_by_probability(candidates, 0.0), 0u);
  EXPECT_EQ(pick_by_probability(candidates, 0.2499), 0u);
  EXPECT_EQ(pick_by_probability(candidates, 0.25), 2u);  // zero-probability id 1 is skipped
  EXPECT_EQ(pick_by_probability(candidates, 0.7499), 2u);
  EXPECT_EQ(pick_by_probability(candidates, 0.75), 3u);
  EXPECT_EQ(pick_by_probability(candidates, 0.9999999999), 3u);
}

TEST(Pick, UnnormalizedProbabilitiesAreScaled) {
  const auto candidates = from_probs({2.0, 6.0});
  EXPECT_EQ(pick_by_probability(candidates, 0.24), 0u);
  EXPECT_EQ(pick_by_probability(candidates, 0.26), 1u);
}

TEST(Uniform, UsesTheTop53BitsExactly) {
  EXPECT_EQ(uniform_from_bits(0), 0.0);
  EXPECT_EQ(uniform_from_bits(uint64_t{1} << 63), 0.5);
  EXPECT_EQ(uniform_from_bits(0x7ff), 0.0);  // low 11 bits are dropped
  EXPECT_LT(uniform_from_bits(~uint64_t{0}), 1.0);
  EXPECT_EQ(uniform_from_bits(~uint64_t{0}), 1.0 - 0x1.0p-53);
}

}  // namespace
}  // namespace mosaic::sampling
