// Helpers to compare a sampler's empirical distribution with expected probabilities.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

#include "engine/sampling/sampler.h"

namespace mosaic::testing {

// Frequency of each token over `draws` samples (history empty).
inline std::map<int32_t, double> empirical_distribution(Sampler& sampler,
                                                        const std::vector<float>& logits,
                                                        int draws) {
  std::map<int32_t, int> counts;
  for (int i = 0; i < draws; ++i) ++counts[sampler.sample(logits, {})];
  std::map<int32_t, double> frequencies;
  for (const auto& [token, count] : counts) frequencies[token] = double(count) / draws;
  return frequencies;
}

// Every drawn token must be expected, and every expected token's frequency
// within `tolerance` of its probability. With 200k draws one standard
// deviation is at most 0.0011, so 0.006 is over five of them.
inline void expect_distribution(const std::map<int32_t, double>& actual,
                                const std::map<int32_t, double>& expected,
                                double tolerance = 0.006) {
  for (const auto& [token, frequency] : actual) {
    EXPECT_TRUE(expected.count(token)) << "token " << token << " drawn with frequency " << frequency
                                       << " but it should have been filtered out";
  }
  for (const auto& [token, probability] : expected) {
    const auto it = actual.find(token);
    const double frequency = it == actual.end() ? 0.0 : it->second;
    EXPECT_NEAR(frequency, probability, tolerance) << "token " << token;
  }
}

}  // namespace mosaic::testing
