// Plain double-precision building blocks of the reference forward passes
// (reference_forward.cpp, reference_forward_deepseek2.cpp). They share nothing
// with the engine but the GGUF reader and the scalar dequantization.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/gguf/gguf_reader.h"
#include "tests/engine/reference_forward.h"

namespace mosaic::testing::refmath {

using Vec = std::vector<double>;

struct Matrix {
  int64_t n_in = 0, n_out = 0;
  kernels::DType type = kernels::DType::F32;
  std::vector<double> v;  // n_out rows of n_in
  const double* row(int64_t r) const { return v.data() + r * n_in; }
};

class Reader {
 public:
  explicit Reader(const gguf::GgufFile& f) : f_(f) {}
  // Matrix `index` of a (possibly stacked) tensor, dequantized.
  Matrix matrix(const std::string& name, int64_t index = 0) const;
  Vec vector(const std::string& name) const { return matrix(name).v; }
  bool has(const std::string& name) const { return f_.find_tensor(name) != nullptr; }

 private:
  const gguf::GgufFile& f_;
};

// Rounds x the way the engine presents activations to a weight of `type`
// (8-bit blocks for quantized weights), using the scalar reference codecs.
Vec round_activations(kernels::DType type, const Vec& x);

// y = M x, with x first rounded like the engine when activations say so.
Vec matvec(const Matrix& m, const Vec& x, Activations activations);
Vec rms_norm(const Vec& x, const Vec& w, double eps);
void softmax(Vec& x);
double silu(double x);
// Rotary frequencies (radians per position) of the n_rot/2 pairs; with
// YaRN, blended between original and factor-interpolated over the
// correction range of beta_fast = 32 / beta_slow = 1 rotations, as the
// published formulation (YaRN paper, DeepSeek/Qwen reference code) does.
struct YarnSpec {
  bool enabled = false;
  double factor = 1.0;
  int64_t original_context = 0;
};
Vec rope_frequencies(int64_t n_rot, double base, const YarnSpec& yarn);
// YaRN's temperature 1 + 0.1 * coefficient * ln(factor) (1 when not extending).
double yarn_temperature(const YarnSpec& yarn, double coefficient);
// Rounds to IEEE half precision and back (the engine's F16 KV cache).
double to_half(double v);

}  // namespace mosaic::testing::refmath
