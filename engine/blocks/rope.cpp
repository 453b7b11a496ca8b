#include "engine/blocks/rope.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mosaic {
namespace {

// The pair index whose wavelength fits `rotations` times into n_ctx_orig.
double correction_dim(int64_t n_rot, int64_t n_ctx_orig, double rotations, double base) {
  return static_cast<double>(n_rot) *
         std::log(static_cast<double>(n_ctx_orig) / (rotations * 2.0 * std::numbers::pi)) /
         (2.0 * std::log(base));
}

}  // namespace

YarnRange yarn_correction_range(int64_t n_rot, int64_t n_ctx_orig, double freq_base,
                                double beta_fast, double beta_slow) {
  YarnRange r;
  r.low = std::max(0.0, std::floor(correction_dim(n_rot, n_ctx_orig, beta_fast, freq_base)));
  r.high = std::min(static_cast<double>(n_rot - 1),
                    std::ceil(correction_dim(n_rot, n_ctx_orig, beta_slow, freq_base)));
  return r;
}

double yarn_mscale(double factor, double coefficient) {
  return factor <= 1.0 ? 1.0 : 1.0 + 0.1 * coefficient * std::log(factor);
}

RotaryEmbedding::RotaryEmbedding(const RopeParams& p) : magnitude_(p.magnitude) {
  const int64_t half = p.n_rot / 2;
  freq_.resize(half);
  component_.assign(half, 0);
  const auto& sec = p.interleaved_sections;
  for (int64_t i = 0; i < half; ++i) {
    if (i % 3 == 1 && i < 3 * sec[1]) component_[i] = 1;
    if (i % 3 == 2 && i < 3 * sec[2]) component_[i] = 2;
  }
  const YarnRange range =
      p.scaling == RopeScaling::Yarn
          ? yarn_correction_range(p.n_rot, p.n_ctx_orig, p.freq_base, p.beta_fast, p.beta_slow)
          : YarnRange{};
  for (int64_t i = 0; i < half; ++i) {
    const double original = std::pow(p.freq_base, -2.0 * static_cast<double>(i) / p.n_rot);
    const double interpolated = original / p.factor;
    switch (p.scaling) {
      case RopeScaling::None:
        freq_[i] = original;
        break;
      case RopeScaling::Linear:
        freq_[i] = interpolated;
        break;
      case RopeScaling::Yarn: {
        // keep = 1 below the range (high frequencies), 0 above it.
        const double t =
            (static_cast<double>(i) - range.low) / std::max(0.001, range.high - range.low);
        const double keep = 1.0 - std::clamp(t, 0.0, 1.0);
        freq_[i] = interpolated * (1.0 - keep) + original * keep;
        break;
      }
    }
  }
}

void RotaryEmbedding::apply(float* x, int64_t n_heads, int64_t head_stride, int64_t pos,
                            RopePairing pairing) const {
  apply(x, n_heads, head_stride, RopePosition::text(pos), pairing);
}

void RotaryEmbedding::apply(float* x, int64_t n_heads, int64_t head_stride, RopePosition pos,
                            RopePairing pairing) const {
  const double by_component[3] = {static_cast<double>(pos.t), static_cast<double>(pos.y),
                                  static_cast<double>(pos.x)};
  const int64_t half = static_cast<int64_t>(freq_.size());
  const int64_t second = pairing == RopePairing::Adjacent ? 1 : half;
  const int64_t step = pairing == RopePairing::Adjacent ? 2 : 1;
  // The angle of a pair is shared by every head: one cos/sin per pair.
  for (int64_t i = 0; i < half; ++i) {
    const double theta = by_component[component_[i]] * freq_[i];
    const float c = static_cast<float>(std::cos(theta) * magnitude_);
    const float s = static_cast<float>(std::sin(theta) * magnitude_);
    for (int64_t h = 0; h < n_heads; ++h) {
      float* v = x + h * head_stride + i * step;
      const float a = v[0], b = v[second];
      v[0] = a * c - b * s;
      v[second] = a * s + b * c;
    }
  }
}

}  // namespace mosaic
