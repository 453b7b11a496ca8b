#include <gtest/gtest.h>

#include <cmath>

#include "kernels/cpu/ops.h"
#include "kernels/cpu/quant.h"
#include "tests/kernels/test_util.h"

namespace mosaic::kernels {
namespace {

TEST(KernelOps, RmsNorm) {
  for (int64_t n : {1, 7, 64, 1000, 4096}) {
    const auto x = test::random_floats(n, 1);
    const auto wt = test::random_floats(n, 2);
    for (const float* weight : {static_cast<const float*>(nullptr), wt.data()}) {
      std::vector<float> a(n), b(n);
      rms_norm(x.data(), weight, a.data(), n, 1e-6f);
      ref::rms_norm(x.data(), weight, b.data(), n, 1e-6f);
      EXPECT_LE(test::normalized_max_error(a.data(), b.data(), n), 1e-6) << n;
      std::vector<float> inplace = x;  // y may alias x
      rms_norm(inplace.data(), weight, inplace.data(), n, 1e-6f);
      EXPECT_LE(test::normalized_max_error(inplace.data(), b.data(), n), 1e-6) << n;
    }
  }
  std::vector<float> zeros(16, 0.f), out(16);
  rms_norm(zeros.data(), nullptr, out.data(), 16, 1e-5f);
  for (float v : out) EXPECT_EQ(v, 0.f);
}

TEST(KernelOps, RopeNeox) {
  const int64_t n_heads = 3, head_dim = 64;
  for (int64_t rope_dims : {64, 32}) {
    for (int64_t pos : {0, 1, 17, 4095}) {
      const auto x = test::random_floats(n_heads * head_dim, 4);
      auto a = x, b = x;
      rope_neox(a.data(), n_heads, head_dim, rope_dims, pos, 10000.f, 1.f);
      ref::rope_neox(b.data(), n_heads, head_dim, rope_dims, pos, 10000.f, 1.f);
      EXPECT_LE(test::normalized_max_error(a.data(), b.data(), a.size()), 2e-6);
      if (pos == 0) {
        EXPECT_EQ(a, x);  // angle 0: identity
      }
      for (int64_t h = 0; h < n_heads; ++h) {
        double n0 = 0, n1 = 0;
        for (int64_t i = 0; i < head_dim; ++i) {
          n0 += x[h * head_dim + i] * x[h * head_dim + i];
          n1 += a[h * head_dim + i] * a[h * head_dim + i];
          if (i >= rope_dims) {
            EXPECT_EQ(a[h * head_dim + i], x[h * head_dim + i]);  // not rotated
          }
        }
        EXPECT_NEAR(n0, n1, 1e-4 * n0);  // rotation keeps the norm
      }
    }
  }
  // Known answer: pair (0, half) at pos 1 with dim 0 rotates by exactly 1 rad.
  std::vector<float> v(4, 0.f);
  v[0] = 1.f;
  rope_neox(v.data(), 1, 4, 4, 1, 10000.f, 1.f);
  EXPECT_NEAR(v[0], std::cos(1.0), 1e-6);
  EXPECT_NEAR(v[2], std::sin(1.0), 1e-6);
}

TEST(KernelOps, Softmax) {
  for (int64_t n : {1, 5, 100, 4096}) {
    auto a = test::random_floats(n, 8, 5.f);
    a[0] = 1000.f;  // large values must not overflow
    auto b = a;
    softmax(a.data(), n);
    ref::softmax(b.data(), n);
    double sum = 0;
    for (float v : a) {
      ASSERT_TRUE(std::isfinite(v));
      sum += v;
    }
    EXPECT_NEAR(sum, 1.0, 1e-5);
    EXPECT_LE(test::normalized_max_error(a.data(), b.data(), n), 1e-5);
  }
  std::vector<float> neg_inf = {-INFINITY, 0.f, -INFINITY};
  softmax(neg_inf.data(), 3);
  EXPECT_EQ(neg_inf[0], 0.f);
  EXPECT_EQ(neg_inf[1], 1.f);
}

TEST(KernelOps, Swiglu) {
  const int64_t n = 999;
  const auto g = test::random_floats(n, 1, 4.f), u = test::random_floats(n, 2);
  std::vector<float> a(n), b(n);
  swiglu(g.data(), u.data(), a.data(), n);
  ref::swiglu(g.data(), u.data(), b.data(), n);
  EXPECT_LE(test::normalized_max_error(a.data(), b.data(), n), 1e-6);
  auto alias = g;
  swiglu(alias.data(), u.data(), alias.data(), n);
  EXPECT_EQ(alias, a);
  std::vector<float> big = {100.f, -100.f}, one = {1.f, 1.f}, out(2);
  swiglu(big.data(), one.data(), out.data(), 2);
  EXPECT_NEAR(out[0], 100.f, 1e-4);
  EXPECT_NEAR(out[1], 0.f, 1e-4);
}

TEST(KernelOps, AxpyScale) {
  const int64_t n = 103;
  const auto x = test::random_floats(n, 1);
  auto y = test::random_floats(n, 2);
  const auto y0 = y;
  axpy(y.data(), 0.5f, x.data(), n);
  for (int64_t i = 0; i < n; ++i) EXPECT_FLOAT_EQ(y[i], y0[i] + 0.5f * x[i]);
  scale(y.data(), 2.f, n);
  for (int64_t i = 0; i < n; ++i) EXPECT_FLOAT_EQ(y[i], 2.f * (y0[i] + 0.5f * x[i]));
}

// The exp-based functions on every ISA against the double-precision
// reference, over lengths around the vector width and values from tiny to
// saturating, with NaN carried through.
TEST(KernelOps, ExpBasedFunctionsOnEveryIsa) {
  test::IsaGuard guard;
  for (int64_t n : {1, 15, 16, 17, 33, 1000}) {
    auto x = test::random_floats(n, 11, 6.f);
    x[0] = -30.f;
    if (n > 2) x[1] = 30.f;
    if (n > 3) x[2] = 0.f;
    const auto up = test::random_floats(n, 12);
    std::vector<float> want_tanh = x, want_erf = x, want_swiglu(n), want_softmax = x;
    ref::gelu_tanh(want_tanh.data(), n);
    ref::gelu_erf(want_erf.data(), n);
    ref::swiglu(x.data(), up.data(), want_swiglu.data(), n);
    ref::softmax(want_softmax.data(), n);
    for (CpuIsa isa : test::all_isas()) {
      if (!set_active_isa(isa)) continue;
      std::vector<float> a = x, b = x, c(n + 1, 99.f), d = x;
      gelu_tanh(a.data(), n);
      gelu_erf(b.data(), n);
      swiglu(x.data(), up.data(), c.data(), n);
      softmax(d.data(), n);
      EXPECT_EQ(c[n], 99.f) << "wrote past the end";
      for (const auto* v : {&a, &b, &d})
        for (int64_t i = 0; i < n; ++i) ASSERT_TRUE(std::isfinite((*v)[i])) << isa_name(isa);
      EXPECT_LE(test::normalized_max_error(a.data(), want_tanh.data(), n), 2e-6)
          << isa_name(isa) << n;
      EXPECT_LE(test::normalized_max_error(b.data(), want_erf.data(), n), 2e-6)
          << isa_name(isa) << n;
      EXPECT_LE(test::normalized_max_error(c.data(), want_swiglu.data(), n), 2e-6)
          << isa_name(isa) << n;
      EXPECT_LE(test::normalized_max_error(d.data(), want_softmax.data(), n), 2e-6)
          << isa_name(isa) << n;
    }
  }
  for (CpuIsa isa : test::all_isas()) {
    if (!set_active_isa(isa)) continue;
    std::vector<float> nan = {1.f, std::nanf(""), -2.f};
    gelu_erf(nan.data(), 3);
    EXPECT_TRUE(std::isnan(nan[1])) << isa_name(isa);
    std::vector<float> nan2 = {std::nanf(""), 0.5f};
    gelu_tanh(nan2.data(), 2);
    EXPECT_TRUE(std::isnan(nan2[0])) << isa_name(isa);
    EXPECT_NEAR(nan2[1], 0.345714f, 1e-5) << isa_name(isa);
  }
}

TEST(KernelOps, AxpyOnEveryIsa) {
  test::IsaGuard guard;
  for (int64_t n : {1, 7, 15, 16, 17, 31, 32, 33, 512, 1001}) {
    const auto x = test::random_floats(n, 7);
    const auto y0 = test::random_floats(n, 8);
    auto expect = y0;
    ref::axpy(expect.data(), 1.25f, x.data(), n);
    for (CpuIsa isa : test::all_isas()) {
      if (!set_active_isa(isa)) continue;
      // Guard cells around the row: the vector tail must not write past n.
      std::vector<float> y(n + 2, 99.0f);
      std::copy(y0.begin(), y0.end(), y.begin() + 1);
      axpy(y.data() + 1, 1.25f, x.data(), n);
      EXPECT_EQ(y.front(), 99.0f);
      EXPECT_EQ(y.back(), 99.0f);
      EXPECT_LE(test::normalized_max_error(y.data() + 1, expect.data(), n), 1e-6)
          << isa_name(isa) << " " << n;
    }
  }
}

TEST(KernelOps, WeightedRowSumOnEveryIsa) {
  test::IsaGuard guard;
  for (bool f16 : {false, true}) {
    for (int64_t n_out : {1, 3, 6, 8, 16}) {
      for (int64_t n_cols : {5, 16, 40, 64, 100, 512}) {
        for (int64_t n_rows : {1, 7, 33}) {
          const int64_t w_stride = n_rows + 3, v_stride = n_cols + 9, out_stride = n_cols + 4;
          const auto w = test::random_floats(n_out * w_stride, 11);
          const auto vf = test::random_floats(n_rows * v_stride, 12);
          std::vector<uint16_t> vh(vf.size());
          for (size_t i = 0; i < vf.size(); ++i) vh[i] = fp32_to_fp16(vf[i]);
          const void* v = f16 ? static_cast<const void*>(vh.data()) : vf.data();
          std::vector<float> expect(n_out * out_stride, -7.0f);
          ref::weighted_row_sum(w.data(), w_stride, n_out, v, f16, v_stride, n_rows, expect.data(),
                                out_stride, n_cols);
          for (CpuIsa isa : test::all_isas()) {
            if (!set_active_isa(isa)) continue;
            std::vector<float> out(n_out * out_stride, -7.0f);
            weighted_row_sum(w.data(), w_stride, n_out, v, f16, v_stride, n_rows, out.data(),
                             out_stride, n_cols);
            // Compared element by element, padding included (it must stay -7).
            EXPECT_LE(test::normalized_max_error(out.data(), expect.data(), out.size()), 1e-5)
                << isa_name(isa) << " f16=" << f16 << " " << n_out << "x" << n_cols << " rows "
                << n_rows;
          }
        }
      }
    }
  }
}

TEST(KernelOps, AxpyF16OnEveryIsa) {
  test::IsaGuard guard;
  for (int64_t n : {1, 8, 15, 16, 33, 128, 1001}) {
    const auto xf = test::random_floats(n, 5);
    std::vector<uint16_t> xh(n);
    for (int64_t i = 0; i < n; ++i) xh[i] = fp32_to_fp16(xf[i]);
    const auto y0 = test::random_floats(n, 6);
    auto expect = y0;
    ref::axpy_f16(expect.data(), -0.75f, xh.data(), n);
    for (CpuIsa isa : test::all_isas()) {
      if (!set_active_isa(isa)) continue;
      auto y = y0;
      axpy_f16(y.data(), -0.75f, xh.data(), n);
      // FMA may round once where the reference rounds twice.
      EXPECT_LE(test::normalized_max_error(y.data(), expect.data(), n), 1e-6)
          << isa_name(isa) << " " << n;
    }
  }
}

}  // namespace
}  // namespace mosaic::kernels
