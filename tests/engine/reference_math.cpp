#include "tests/engine/reference_math.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "kernels/cpu/quant.h"

namespace mosaic::testing::refmath {

Matrix Reader::matrix(const std::string& name, int64_t index) const {
  const gguf::TensorInfo* t = f_.find_tensor(name);
  if (t == nullptr) throw std::runtime_error("reference: missing " + name);
  Matrix m;
  m.n_in = t->ne[0];
  m.n_out = t->ne[1];
  m.type = t->type;
  m.v.resize(m.n_in * m.n_out);
  const size_t row_bytes = kernels::row_bytes(t->type, m.n_in);
  std::vector<float> tmp(m.n_in);
  for (int64_t r = 0; r < m.n_out; ++r) {
    kernels::ref::dequantize_row(t->type, t->data + (index * m.n_out + r) * row_bytes, tmp.data(),
                                 m.n_in);
    std::copy(tmp.begin(), tmp.end(), m.v.begin() + r * m.n_in);
  }
  return m;
}

Vec round_activations(kernels::DType type, const Vec& x) {
  const kernels::DType vt = kernels::type_traits(type).vec_dot_type;
  if (vt == kernels::DType::F32) return x;
  std::vector<float> f(x.begin(), x.end()), back(x.size());
  std::vector<uint8_t> q(kernels::row_bytes(vt, static_cast<int64_t>(x.size())));
  kernels::ref::quantize_row(vt, f.data(), q.data(), static_cast<int64_t>(f.size()));
  kernels::ref::dequantize_row(vt, q.data(), back.data(), static_cast<int64_t>(f.size()));
  return Vec(back.begin(), back.end());
}

Vec matvec(const Matrix& m, const Vec& x_in, Activations activations) {
  const Vec x =
      activations == Activations::RoundedLikeEngine ? round_activations(m.type, x_in) : x_in;
  Vec y(m.n_out, 0.0);
  for (int64_t o = 0; o < m.n_out; ++o) {
    double s = 0;
    for (int64_t i = 0; i < m.n_in; ++i) s += m.row(o)[i] * x[i];
    y[o] = s;
  }
  return y;
}

Vec rms_norm(const Vec& x, const Vec& w, double eps) {
  double ss = 0;
  for (double v : x) ss += v * v;
  const double inv = 1.0 / std::sqrt(ss / x.size() + eps);
  Vec y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * inv * w[i];
  return y;
}

void softmax(Vec& x) {
  const double mx = *std::max_element(x.begin(), x.end());
  double sum = 0;
  for (double& v : x) sum += (v = std::exp(v - mx));
  for (double& v : x) v /= sum;
}

Vec rope_frequencies(int64_t n_rot, double base, const YarnSpec& yarn) {
  const int64_t half = n_rot / 2;
  Vec freq(half);
  // Pair index whose wavelength fits `rotations` times into the original context.
  auto correction_dim = [&](double rotations) {
    return n_rot * std::log(yarn.original_context / (rotations * 2 * std::numbers::pi)) /
           (2 * std::log(base));
  };
  double low = 0, high = 0;
  if (yarn.enabled) {
    low = std::max(0.0, std::floor(correction_dim(32.0)));
    high = std::min(static_cast<double>(n_rot - 1), std::ceil(correction_dim(1.0)));
  }
  for (int64_t i = 0; i < half; ++i) {
    const double extrapolated = 1.0 / std::pow(base, 2.0 * i / n_rot);
    if (!yarn.enabled) {
      freq[i] = extrapolated;
      continue;
    }
    const double interpolated = extrapolated / yarn.factor;
    const double ramp = std::clamp((i - low) / std::max(high - low, 0.001), 0.0, 1.0);
    const double extrapolation_share = 1.0 - ramp;
    freq[i] = interpolated * (1.0 - extrapolation_share) + extrapolated * extrapolation_share;
  }
  return freq;
}

double yarn_temperature(const YarnSpec& yarn, double coefficient) {
  if (!yarn.enabled || yarn.factor <= 1.0) return 1.0;
  return 1.0 + 0.1 * coefficient * std::log(yarn.factor);
}

double silu(double x) { return x / (1.0 + std::exp(-x)); }

double to_half(double v) {
  return kernels::fp16_to_fp32(kernels::fp32_to_fp16(static_cast<float>(v)));
}

}  // namespace mosaic::testing::refmath
