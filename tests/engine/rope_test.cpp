// The shared rotary-embedding block against the formulas written out.
#include "engine/blocks/rope.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/cpu/ops.h"

namespace mosaic {
namespace {

TEST(RopeTest, YarnCorrectionRangeKnownAnswer) {
  // n_rot 64, 4096 trained positions, base 10000:
  //   64 ln(4096 / (32 * 2 pi)) / (2 ln 10000) = 10.47 -> floor 10
  //   64 ln(4096 / (1 * 2 pi)) / (2 ln 10000) = 22.51 -> ceil 23
  const YarnRange r = yarn_correction_range(64, 4096, 10000.0, 32.0, 1.0);
  EXPECT_EQ(r.low, 10.0);
  EXPECT_EQ(r.high, 23.0);
  // Clamped to the rotated dimensions.
  const YarnRange wide = yarn_correction_range(8, 1 << 30, 10.0, 32.0, 1.0);
  EXPECT_EQ(wide.high, 7.0);
  EXPECT_EQ(yarn_correction_range(8, 16, 10000.0, 32.0, 1.0).low, 0.0);
}

TEST(RopeTest, YarnFrequenciesBlendOriginalAndInterpolated) {
  RopeParams p;
  p.n_rot = 64;
  p.freq_base = 10000.0;
  p.scaling = RopeScaling::Yarn;
  p.factor = 40.0;
  p.n_ctx_orig = 4096;
  const RotaryEmbedding rope(p);
  for (int64_t i = 0; i < 32; ++i) {
    const double original = std::pow(10000.0, -2.0 * i / 64);
    // Share of the interpolated frequency: 0 up to pair 10, 1 from pair 23.
    const double t = std::clamp((i - 10.0) / 13.0, 0.0, 1.0);
    const double expected = original * (1 - t) + original / 40.0 * t;
    EXPECT_NEAR(rope.pair_frequency(i), expected, 1e-12 * original) << i;
  }
  EXPECT_EQ(rope.pair_frequency(3), std::pow(10000.0, -6.0 / 64));
  EXPECT_NEAR(rope.pair_frequency(30), std::pow(10000.0, -60.0 / 64) / 40.0, 1e-18);
}

TEST(RopeTest, LinearScalingDividesEveryFrequency) {
  RopeParams p;
  p.n_rot = 16;
  p.scaling = RopeScaling::Linear;
  p.factor = 4.0;
  const RotaryEmbedding rope(p);
  for (int64_t i = 0; i < 8; ++i) {
    EXPECT_NEAR(rope.pair_frequency(i), std::pow(10000.0, -2.0 * i / 16) / 4.0, 1e-15);
  }
}

TEST(RopeTest, YarnMscale) {
  EXPECT_NEAR(yarn_mscale(40.0, 1.0), 1.0 + 0.1 * std::log(40.0), 1e-12);
  EXPECT_NEAR(yarn_mscale(40.0, 0.707), 1.0 + 0.0707 * std::log(40.0), 1e-12);
  EXPECT_EQ(yarn_mscale(1.0, 1.0), 1.0);
}

TEST(RopeTest, AdjacentPairsRotateWithMagnitude) {
  RopeParams p;
  p.n_rot = 4;
  p.freq_base = 100.0;
  p.magnitude = 1.5;
  const RotaryEmbedding rope(p);
  // Two heads of 6 floats; the last two of each head are not rotated.
  std::vector<float> x = {1, 2, 3, 4, 5, 6, -1, 0.5f, 2, -3, 7, 8};
  const std::vector<float> before = x;
  rope.apply(x.data(), 2, 6, 3, RopePairing::Adjacent);
  for (int h = 0; h < 2; ++h) {
    const float* in = before.data() + 6 * h;
    const float* out = x.data() + 6 * h;
    for (int i = 0; i < 2; ++i) {
      const double theta = 3.0 * std::pow(100.0, -2.0 * i / 4);
      const double a = in[2 * i], b = in[2 * i + 1];
      EXPECT_NEAR(out[2 * i], 1.5 * (a * std::cos(theta) - b * std::sin(theta)), 1e-5);
      EXPECT_NEAR(out[2 * i + 1], 1.5 * (a * std::sin(theta) + b * std::cos(theta)), 1e-5);
    }
    EXPECT_EQ(out[4], in[4]);
    EXPECT_EQ(out[5], in[5]);
  }
}

TEST(RopeTest, HalvesPairingMatchesTheNeoxKernel) {
  RopeParams p;
  p.n_rot = 32;
  p.freq_base = 1000000.0;
  const RotaryEmbedding rope(p);
  std::vector<float> a(3 * 64), b;
  for (size_t i = 0; i < a.size(); ++i) a[i] = std::cos(0.1f * static_cast<float>(i));
  b = a;
  rope.apply(a.data(), 3, 64, 11, RopePairing::Halves);
  kernels::rope_neox(b.data(), 3, 64, 32, 11, 1000000.0f, 1.0f);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5) << i;
}

// Interleaved multimodal rope (Qwen3-VL): with sections (t 4, y 3, x 3) over
// 10 pairs, pairs 1, 4, 7 follow the row, 2, 5, 8 the column, the rest the
// time component; equal components rotate like plain rope.
TEST(RopeTest, InterleavedSectionsPickTheirComponent) {
  RopeParams p;
  p.n_rot = 20;
  p.freq_base = 10000.0;
  p.interleaved_sections = {4, 3, 3};
  const RotaryEmbedding mrope(p);
  p.interleaved_sections = {0, 0, 0};
  const RotaryEmbedding plain(p);
  std::vector<float> base(20);
  for (size_t i = 0; i < base.size(); ++i) base[i] = 0.5f + 0.1f * static_cast<float>(i);

  std::vector<float> a = base, b = base;
  mrope.apply(a.data(), 1, 20, RopePosition::text(7), RopePairing::Halves);
  plain.apply(b.data(), 1, 20, 7, RopePairing::Halves);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_FLOAT_EQ(a[i], b[i]) << i;

  const int expected_component[10] = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
  const int32_t by_component[3] = {3, 11, 29};
  a = base;
  mrope.apply(a.data(), 1, 20, RopePosition{3, 11, 29}, RopePairing::Halves);
  for (int i = 0; i < 10; ++i) {
    std::vector<float> single = base;
    plain.apply(single.data(), 1, 20, by_component[expected_component[i]], RopePairing::Halves);
    EXPECT_FLOAT_EQ(a[i], single[i]) << "pair " << i;
    EXPECT_FLOAT_EQ(a[i + 10], single[i + 10]) << "pair " << i;
  }
}

}  // namespace
}  // namespace mosaic
