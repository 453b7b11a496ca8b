// Each filter through the whole Sampler: the empirical distribution over many
// draws must match hand-computed probabilities of the surviving tokens.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tests/sampling/distribution.h"

namespace mosaic {
namespace {

using testing::empirical_distribution;
using testing::expect_distribution;

constexpr int kDraws = 200000;

// Only the filter under test is on.
SamplerParams all_filters_off() {
  SamplerParams p;
  p.temperature = 1.0f;
  p.top_k = 0;
  p.top_p = 1.0f;
  p.min_p = 0.0f;
  p.seed = 1234;
  return p;
}

// Logits whose softmax at temperature 1 is exactly 0.5, 0.3, 0.15, 0.05.
std::vector<float> four_token_logits() {
  return {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
}

TEST(SamplerDistribution, NoFiltersFollowsTheSoftmax) {
  Sampler sampler(all_filters_off());
  expect_distribution(empirical_distribution(sampler, four_token_logits(), kDraws),
                      {{0, 0.5}, {1, 0.3}, {2, 0.15}, {3, 0.05}});
}

TEST(SamplerDistribution, TopKKeepsTheTwoBest) {
  auto params = all_filters_off();
  params.top_k = 2;
  Sampler sampler(params);
  // Survivors 3 (logit 4) and 2 (logit 3): p = 1 / (1 + e^-1) and its complement.
  const double p_best = 1.0 / (1.0 + std::exp(-1.0));
  expect_distribution(empirical_distribution(sampler, {1.0f, 2.0f, 3.0f, 4.0f, 0.0f}, kDraws),
                      {{3, p_best}, {2, 1.0 - p_best}});
}

TEST(SamplerDistribution, TemperatureScalesLogits) {
  auto params = all_filters_off();
  params.temperature = 0.5f;
  Sampler sampler(params);
  // exp(logit / 0.5) = 1, 4, 16.
  expect_distribution(
      empirical_distribution(sampler, {0.0f, std::log(2.0f), std::log(4.0f)}, kDraws),
      {{0, 1.0 / 21}, {1, 4.0 / 21}, {2, 16.0 / 21}});
}

TEST(SamplerDistribution, TopPKeepsTheShortestPrefixAndRenormalizes) {
  auto params = all_filters_off();
  params.top_p = 0.7f;  // 0.5 + 0.3 >= 0.7
  Sampler sampler(params);
  expect_distribution(empirical_distribution(sampler, four_token_logits(), kDraws),
                      {{0, 0.5 / 0.8}, {1, 0.3 / 0.8}});
}

TEST(SamplerDistribution, MinPDropsTokensBelowTheThreshold) {
  auto params = all_filters_off();
  params.min_p = 0.2f;  // threshold 0.1: token 3 (0.05) goes
  Sampler sampler(params);
  expect_distribution(empirical_distribution(sampler, four_token_logits(), kDraws),
                      {{0, 0.5 / 0.95}, {1, 0.3 / 0.95}, {2, 0.15 / 0.95}});
}

TEST(SamplerDistribution, TopPSeesProbabilitiesRenormalizedAfterTopK) {
  auto params = all_filters_off();
  params.top_k = 3;
  params.top_p = 0.82f;
  Sampler sampler(params);
  // After top-k: 0.5/0.95 = 0.526, + 0.3/0.95 = 0.842 >= 0.82, so two survive.
  // (Without top-k, 0.5 + 0.3 = 0.8 < 0.82 would keep three.)
  expect_distribution(empirical_distribution(sampler, four_token_logits(), kDraws),
                      {{0, 0.5 / 0.8}, {1, 0.3 / 0.8}});
}

TEST(SamplerDistribution, TopPSeesProbabilitiesAfterTemperature) {
  auto params = all_filters_off();
  params.temperature = 2.0f;
  params.top_p = 0.6f;
  Sampler sampler(params);
  // At temperature 2, p ~ sqrt(0.5, 0.3, 0.15, 0.05) / 1.8657 = 0.379, 0.294, ...:
  // two tokens reach 0.6 (at temperature 1 they would too, but with 0.5 / 0.3).
  const double a = std::sqrt(0.5), b = std::sqrt(0.3);
  expect_distribution(empirical_distribution(sampler, four_token_logits(), kDraws),
                      {{0, a / (a + b)}, {1, b / (a + b)}});
}

TEST(SamplerDistribution, AllFiltersTogether) {
  SamplerParams params;
  params.temperature = 1.0f;
  params.top_k = 4;      // drops token 4
  params.top_p = 0.97f;  // 0.5 + 0.3 + 0.15 = 0.95 < 0.97: keeps all four
  params.min_p = 0.2f;   // drops token 3 (0.05 < 0.1)
  params.seed = 99;
  Sampler sampler(params);
  std::vector<float> logits = four_token_logits();
  logits.push_back(std::log(0.04f));
  expect_distribution(empirical_distribution(sampler, logits, kDraws),
                      {{0, 0.5 / 0.95}, {1, 0.3 / 0.95}, {2, 0.15 / 0.95}});
}

}  // namespace
}  // namespace mosaic
