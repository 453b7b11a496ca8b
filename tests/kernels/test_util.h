// Shared helpers for the kernel tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/cpu/dot.h"
#include "kernels/cpu/quant.h"
#include "kernels/cpu/types.h"

namespace mosaic::kernels::test {

inline const std::vector<CpuIsa>& all_isas() {
  static const std::vector<CpuIsa> v = {CpuIsa::Scalar, CpuIsa::Avx2, CpuIsa::Avx512};
  return v;
}

inline const std::vector<DType>& weight_types() {
  static const std::vector<DType> v = {DType::F32,  DType::F16,  DType::BF16, DType::Q8_0,
                                       DType::Q4_0, DType::Q4_K, DType::Q6_K};
  return v;
}

// Restores the start-up ISA when a test ends, even on failure.
class IsaGuard {
 public:
  IsaGuard() : saved_(active_isa()) {}
  ~IsaGuard() { set_active_isa(saved_); }

 private:
  CpuIsa saved_;
};

// Values like real weights/activations: gaussian with a few outliers, so
// block scales vary between blocks.
inline std::vector<float> random_floats(size_t n, uint32_t seed, float scale = 1.f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.f, scale);
  std::uniform_real_distribution<float> ud(0.f, 1.f);
  std::vector<float> v(n);
  for (auto& f : v) {
    f = nd(rng);
    if (ud(rng) < 0.01f) f *= 8.f;
  }
  return v;
}

inline std::vector<uint8_t> quantize(DType t, const std::vector<float>& x, int64_t rows,
                                     int64_t n) {
  std::vector<uint8_t> q(row_bytes(t, n) * static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    ref::quantize_row(t, x.data() + r * n, q.data() + r * row_bytes(t, n), n);
  }
  return q;
}

// max |a - b| / (max |b| + eps): the error relative to the output's scale.
inline double normalized_max_error(const float* a, const float* b, size_t n) {
  double max_diff = 0, max_ref = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(a[i])) return INFINITY;
    max_diff = std::max(max_diff, std::fabs(static_cast<double>(a[i]) - b[i]));
    max_ref = std::max(max_ref, std::fabs(static_cast<double>(b[i])));
  }
  return max_diff / (max_ref + 1e-20);
}

inline std::string type_name(DType t) { return std::string(type_traits(t).name); }

}  // namespace mosaic::kernels::test
