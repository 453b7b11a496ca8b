// The mixture-of-experts routing rules, one test each, on inputs small enough
// to check by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/blocks/moe.h"

namespace mosaic {
namespace {

// Logit whose sigmoid is p.
float logit(float p) { return std::log(p / (1.0f - p)); }

TEST(MoeRoutingTest, SoftmaxGating) {
  const float logits[3] = {0.0f, std::log(2.0f), std::log(4.0f)};
  float probs[3];
  gate_probabilities(logits, 3, GatingFunction::Softmax, probs);
  EXPECT_NEAR(probs[0], 1.0f / 7, 1e-6);
  EXPECT_NEAR(probs[1], 2.0f / 7, 1e-6);
  EXPECT_NEAR(probs[2], 4.0f / 7, 1e-6);
}

TEST(MoeRoutingTest, SigmoidGating) {
  const float logits[3] = {0.0f, std::log(3.0f), -std::log(3.0f)};
  float probs[3];
  gate_probabilities(logits, 3, GatingFunction::Sigmoid, probs);
  EXPECT_NEAR(probs[0], 0.5f, 1e-6);
  EXPECT_NEAR(probs[1], 0.75f, 1e-6);
  EXPECT_NEAR(probs[2], 0.25f, 1e-6);
}

TEST(MoeRoutingTest, SelectionBiasChoosesButDoesNotWeigh) {
  RoutingConfig config;
  config.n_expert = 3;
  config.n_expert_used = 1;
  config.gating = GatingFunction::Sigmoid;
  config.normalization = WeightNormalization::None;
  const float logits[3] = {logit(0.5f), logit(0.4f), logit(0.3f)};
  const float bias[3] = {0.0f, 0.0f, 0.5f};  // 0.3 + 0.5 beats 0.5
  RoutingScratch scratch;
  int32_t chosen = -1;
  float weight = 0;
  route_tokens(logits, 1, config, nullptr, &chosen, &weight, scratch);
  EXPECT_EQ(chosen, 0);
  EXPECT_NEAR(weight, 0.5f, 1e-6);
  route_tokens(logits, 1, config, bias, &chosen, &weight, scratch);
  EXPECT_EQ(chosen, 2);
  EXPECT_NEAR(weight, 0.3f, 1e-6);  // the unbiased probability

  float selection[3];
  add_selection_bias(std::vector<float>{0.5f, 0.4f, 0.3f}.data(), bias, 3, selection);
  EXPECT_FLOAT_EQ(selection[2], 0.8f);
}

TEST(MoeRoutingTest, GroupsAreScoredByTheSumOfTheirTwoBestExperts) {
  // Groups of two: scores 0.95, 1.1, 0.3, 0.99. Keeping two keeps groups 1
  // and 3, so expert 0 (0.9, the second best alone) is out. Scoring groups
  // by their best expert only would have kept group 0 instead.
  std::vector<float> selection = {0.9f, 0.05f, 0.6f, 0.5f, 0.2f, 0.1f, 0.99f, 0.0f};
  RoutingScratch scratch;
  keep_best_groups(selection.data(), 8, 4, 2, scratch);
  for (int e : {0, 1, 4, 5}) EXPECT_EQ(selection[e], -INFINITY) << e;
  EXPECT_EQ(selection[2], 0.6f);
  EXPECT_EQ(selection[3], 0.5f);
  EXPECT_EQ(selection[6], 0.99f);
  EXPECT_EQ(selection[7], 0.0f);

  RoutingConfig config;
  config.n_expert = 8;
  config.n_expert_used = 2;
  config.gating = GatingFunction::Sigmoid;
  config.normalization = WeightNormalization::None;
  config.n_group = 4;
  config.n_group_used = 2;
  // Biases turn equal probabilities 0.5 into the selection values above.
  const std::vector<float> sel = {0.9f, 0.05f, 0.6f, 0.5f, 0.2f, 0.1f, 0.99f, 0.0f};
  std::vector<float> logits(8, 0.0f), bias(8);
  for (int e = 0; e < 8; ++e) bias[e] = sel[e] - 0.5f;
  int32_t chosen[2];
  float weights[2];
  route_tokens(logits.data(), 1, config, bias.data(), chosen, weights, scratch);
  EXPECT_EQ(chosen[0], 6);
  EXPECT_EQ(chosen[1], 2);
}

TEST(MoeRoutingTest, TopKIsBestFirstAndTiesGoToTheLowerIndex) {
  const float selection[5] = {0.1f, 0.7f, 0.3f, 0.7f, -INFINITY};
  RoutingScratch scratch;
  int32_t chosen[3];
  choose_top_k(selection, 5, 3, chosen, scratch);
  EXPECT_EQ(chosen[0], 1);
  EXPECT_EQ(chosen[1], 3);
  EXPECT_EQ(chosen[2], 2);
}

TEST(MoeRoutingTest, WeightsAreNormalizedThenScaled) {
  const float probs[4] = {0.1f, 0.2f, 0.3f, 0.4f};
  const int32_t chosen[2] = {3, 1};
  float w[2];
  weigh_chosen(probs, chosen, 2, WeightNormalization::SumToOne, 2.5f, w);
  EXPECT_NEAR(w[0], 2.5f * 0.4f / 0.6f, 1e-6);
  EXPECT_NEAR(w[1], 2.5f * 0.2f / 0.6f, 1e-6);
  weigh_chosen(probs, chosen, 2, WeightNormalization::None, 2.5f, w);
  EXPECT_NEAR(w[0], 1.0f, 1e-6);
  EXPECT_NEAR(w[1], 0.5f, 1e-6);
}

// A full MoE layer on F32 weights against the formula written out:
// out = x_acc + sum_j w_j * expert_j(x) + shared(x), shared with weight 1.
TEST(MoeRoutingTest, SharedExpertIsAddedWithWeightOne) {
  constexpr int64_t E = 8, n_exp = 4, n_ff = 4, k = 2;
  auto fill = [](std::vector<float>& v, float seed) {
    for (size_t i = 0; i < v.size(); ++i) v[i] = std::sin(seed + 0.37f * static_cast<float>(i));
  };
  std::vector<float> router(E * n_exp), gate(E * n_ff * n_exp), up(E * n_ff * n_exp),
      down(n_ff * E * n_exp), sgate(E * n_ff), sup(E * n_ff), sdown(n_ff * E), x(E);
  fill(router, 0.1f);
  fill(gate, 0.2f);
  fill(up, 0.3f);
  fill(down, 0.4f);
  fill(sgate, 0.5f);
  fill(sup, 0.6f);
  fill(sdown, 0.7f);
  fill(x, 0.8f);
  auto weight = [](const std::vector<float>& v, std::array<int64_t, 4> ne) {
    Weight w;
    w.type = kernels::DType::F32;
    w.ne = ne;
    w.data = reinterpret_cast<const uint8_t*>(v.data());
    return w;
  };
  MoeWeights w;
  w.router = weight(router, {E, n_exp, 1, 1});
  w.gate = weight(gate, {E, n_ff, n_exp, 1});
  w.up = weight(up, {E, n_ff, n_exp, 1});
  w.down = weight(down, {n_ff, E, n_exp, 1});
  w.n_ff = n_ff;
  w.shared.gate = weight(sgate, {E, n_ff, 1, 1});
  w.shared.up = weight(sup, {E, n_ff, 1, 1});
  w.shared.down = weight(sdown, {n_ff, E, 1, 1});
  RoutingConfig config;
  config.n_expert = n_exp;
  config.n_expert_used = k;

  // Plain evaluation in double.
  auto ffn = [&](const float* g, const float* u, const float* d) {
    std::vector<double> h(n_ff), out(E, 0.0);
    for (int64_t f = 0; f < n_ff; ++f) {
      double a = 0, b = 0;
      for (int64_t i = 0; i < E; ++i) {
        a += g[f * E + i] * x[i];
        b += u[f * E + i] * x[i];
      }
      h[f] = a / (1 + std::exp(-a)) * b;
    }
    for (int64_t o = 0; o < E; ++o) {
      for (int64_t f = 0; f < n_ff; ++f) out[o] += d[o * n_ff + f] * h[f];
    }
    return out;
  };
  std::vector<double> logits(n_exp, 0.0);
  for (int64_t e = 0; e < n_exp; ++e) {
    for (int64_t i = 0; i < E; ++i) logits[e] += router[e * E + i] * x[i];
  }
  std::vector<double> p(n_exp);
  double z = 0;
  for (int64_t e = 0; e < n_exp; ++e) z += (p[e] = std::exp(logits[e]));
  for (double& v : p) v /= z;
  std::vector<int> order = {0, 1, 2, 3};
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return p[a] > p[b]; });
  std::vector<double> expected(E, 1.0);  // the residual stream the layer adds to
  const double sum = p[order[0]] + p[order[1]];
  for (int j = 0; j < k; ++j) {
    const int e = order[j];
    const auto out =
        ffn(gate.data() + e * E * n_ff, up.data() + e * E * n_ff, down.data() + e * n_ff * E);
    for (int64_t i = 0; i < E; ++i) expected[i] += p[e] / sum * out[i];
  }
  const auto shared = ffn(sgate.data(), sup.data(), sdown.data());
  for (int64_t i = 0; i < E; ++i) expected[i] += shared[i];

  kernels::ThreadPool pool(1);
  MoeScratch scratch;
  std::vector<float> acc(E, 1.0f);
  moe_ffn(pool, w, config, x.data(), 1, E, acc.data(), scratch);
  for (int64_t i = 0; i < E; ++i) EXPECT_NEAR(acc[i], expected[i], 1e-4) << i;
}

}  // namespace
}  // namespace mosaic
