// vec_dot on every ISA against the scalar reference, for every weight type
// and a range of lengths; errors relative to sum |w_i * x_i|, the natural
// scale of rounding error in a dot product.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/dot.h"
#include "kernels/cpu/quant.h"
#include "tests/kernels/test_util.h"

namespace mosaic::kernels {
namespace {

// sum |w_i * x_i| computed from the dequantized operands.
double abs_dot(DType wt, int64_t n, const void* w, const void* x) {
  const DType xt = type_traits(wt).vec_dot_type;
  std::vector<float> wf(n), xf(n);
  ref::dequantize_row(wt, w, wf.data(), n);
  ref::dequantize_row(xt, x, xf.data(), n);
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += std::fabs(static_cast<double>(wf[i]) * xf[i]);
  return s;
}

void check_dot(DType wt, int64_t n, const std::vector<uint8_t>& w, const std::vector<uint8_t>& x,
               const std::string& what) {
  const double expect = ref::vec_dot(wt, n, w.data(), x.data());
  const double scale = abs_dot(wt, n, w.data(), x.data()) + 1e-30;
  const double got = vec_dot(wt, n, w.data(), x.data());
  ASSERT_TRUE(std::isfinite(got)) << what;
  EXPECT_LE(std::fabs(got - expect) / scale, 1e-5)
      << what << " got " << got << " expect " << expect;
}

class KernelDot : public ::testing::TestWithParam<DType> {};

TEST_P(KernelDot, MatchesReferenceOnEveryIsa) {
  const DType wt = GetParam();
  const DType xt = type_traits(wt).vec_dot_type;
  const int64_t be = type_traits(wt).block_elems;
  test::IsaGuard guard;
  int tested = 0;
  for (CpuIsa isa : test::all_isas()) {
    if (!set_active_isa(isa)) continue;
    ++tested;
    for (int64_t blocks : {1, 2, 3, 5, 8, 15, 16, 17, 31, 33, 64, 129, 160}) {
      const int64_t n = blocks * std::max<int64_t>(be, 32);
      const auto wf = test::random_floats(n, static_cast<uint32_t>(n));
      const auto xf = test::random_floats(n, static_cast<uint32_t>(n + 1));
      check_dot(wt, n, test::quantize(wt, wf, 1, n), test::quantize(xt, xf, 1, n),
                std::string(isa_name(isa)) + " n=" + std::to_string(n));
    }
    if (be == 1) {  // float types: any length, SIMD tails
      for (int64_t n : {1, 7, 15, 17, 63, 65, 100, 1000, 4099}) {
        const auto wf = test::random_floats(n, 3);
        const auto xf = test::random_floats(n, 4);
        check_dot(wt, n, test::quantize(wt, wf, 1, n), test::quantize(xt, xf, 1, n),
                  std::string(isa_name(isa)) + " n=" + std::to_string(n));
      }
    }
  }
  EXPECT_GE(tested, 1);
}

// Random block bytes (every code value, extreme scales and mins) with
// sane fp16 scales: exercises the full code range of each format and the
// integer paths' headroom (no saturation in vpmaddubsw / int16 sums).
class KernelDotQuant : public ::testing::TestWithParam<DType> {};

TEST_P(KernelDotQuant, RandomBlockBytes) {
  const DType wt = GetParam();
  const DType xt = type_traits(wt).vec_dot_type;
  const int64_t n = 256 * 9;
  std::mt19937 rng(99);
  std::vector<uint8_t> w(row_bytes(wt, n));
  for (auto& b : w) b = static_cast<uint8_t>(rng());
  const size_t bb = type_traits(wt).block_bytes;
  for (size_t off = 0; off < w.size(); off += bb) {
    const uint16_t d = fp32_to_fp16(0.01f + 0.001f * static_cast<float>(off % 7));
    switch (wt) {
      case DType::Q4_K:
        std::memcpy(&w[off], &d, 2);
        std::memcpy(&w[off + 2], &d, 2);
        break;
      case DType::Q6_K:
        std::memcpy(&w[off + 208], &d, 2);
        break;
      default:
        std::memcpy(&w[off], &d, 2);
        break;
    }
  }
  // Activations at full scale: many +-127.
  std::vector<float> xf(n);
  for (int64_t i = 0; i < n; ++i) xf[i] = (i % 3 == 0) ? 1.f : ((i % 3 == 1) ? -1.f : 0.5f);
  const auto x = test::quantize(xt, xf, 1, n);
  test::IsaGuard guard;
  for (CpuIsa isa : test::all_isas()) {
    if (!set_active_isa(isa)) continue;
    check_dot(wt, n, w, x, isa_name(isa));
  }
}

INSTANTIATE_TEST_SUITE_P(Types, KernelDot, ::testing::ValuesIn(test::weight_types()),
                         [](const auto& info) { return test::type_name(info.param); });
INSTANTIATE_TEST_SUITE_P(Types, KernelDotQuant,
                         ::testing::Values(DType::Q8_0, DType::Q4_0, DType::Q4_K, DType::Q6_K),
                         [](const auto& info) { return test::type_name(info.param); });

TEST(KernelDotIsa, SetActiveIsa) {
  test::IsaGuard guard;
  EXPECT_TRUE(set_active_isa(CpuIsa::Scalar));
  EXPECT_EQ(active_isa(), CpuIsa::Scalar);
  EXPECT_STREQ(isa_name(CpuIsa::Avx512), "avx512");
  EXPECT_STREQ(isa_name(CpuIsa::Avx2), "avx2");
  EXPECT_STREQ(isa_name(CpuIsa::Scalar), "scalar");
  // AVX-512 implies AVX2 in our detection.
  if (set_active_isa(CpuIsa::Avx512)) {
    EXPECT_TRUE(set_active_isa(CpuIsa::Avx2));
  }
}

}  // namespace
}  // namespace mosaic::kernels
