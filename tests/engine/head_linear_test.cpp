// per_head_linear (stacked per-head matrices on strided token x head rows)
// against the scalar reference product, head by head.
#include "engine/blocks/head_linear.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/cpu/matmul.h"
#include "kernels/cpu/quant.h"

namespace mosaic {
namespace {

struct Shape {
  int64_t n_in, n_out, n_head, x_stride, y_stride;
};

void check(kernels::DType type, int64_t n_tok, int n_threads, const Shape& s) {
  const int64_t n_in = s.n_in, n_out = s.n_out, n_head = s.n_head, x_stride = s.x_stride,
                y_stride = s.y_stride;
  const size_t row = kernels::row_bytes(type, n_in);
  std::vector<uint8_t> w(row * n_out * n_head);
  std::vector<float> src(n_in);
  for (int64_t r = 0; r < n_out * n_head; ++r) {
    for (int64_t i = 0; i < n_in; ++i) src[i] = std::sin(0.3f * r + 0.7f * i);
    kernels::quantize_row(type, src.data(), w.data() + r * row, n_in);
  }
  Weight weight;
  weight.type = type;
  weight.ne = {n_in, n_out, n_head, 1};
  weight.data = w.data();
  std::vector<float> x(n_tok * n_head * x_stride);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::cos(0.11f * i);
  std::vector<float> y(n_tok * n_head * y_stride, -7.0f);
  kernels::ThreadPool pool(n_threads);
  HeadLinearScratch scratch;
  per_head_linear(pool, weight, x.data(), x_stride, n_tok, y.data(), y_stride, scratch);

  for (int64_t h = 0; h < n_head; ++h) {
    // The activations as the engine presents them to this weight type.
    const kernels::DType vt = kernels::type_traits(type).vec_dot_type;
    for (int64_t t = 0; t < n_tok; ++t) {
      const float* xr = x.data() + (t * n_head + h) * x_stride;
      std::vector<float> xq(n_in);
      std::vector<uint8_t> q(kernels::row_bytes(vt, n_in));
      kernels::ref::quantize_row(vt, xr, q.data(), n_in);
      kernels::ref::dequantize_row(vt, q.data(), xq.data(), n_in);
      std::vector<float> expect(n_out);
      kernels::ref::matmul(type, w.data() + h * row * n_out, n_in, n_out, xq.data(), 1, n_in,
                           expect.data(), n_out);
      const float* got = y.data() + (t * n_head + h) * y_stride;
      for (int64_t o = 0; o < n_out; ++o) {
        EXPECT_NEAR(got[o], expect[o], 1e-3 * (1 + std::abs(expect[o])))
            << kernels::type_traits(type).name << " t" << t << " h" << h << " o" << o;
      }
      if (y_stride > n_out) {
        EXPECT_EQ(got[n_out], -7.0f);  // untouched between rows
      }
    }
  }
}

TEST(HeadLinearTest, MatchesReferencePerHead) {
  // Strided rows with gaps, and the packed layouts of MLA (k_b reads the
  // first nope floats of q rows; v_b reads packed latent rows).
  const Shape shapes[] = {{64, 48, 3, 80, 56}, {128, 32, 4, 128, 32}, {32, 128, 4, 64, 160}};
  for (const Shape& s : shapes) {
    for (kernels::DType type : {kernels::DType::F32, kernels::DType::F16, kernels::DType::Q8_0}) {
      for (int64_t n_tok : {1, 2, 5, 7, 14}) check(type, n_tok, 2, s);
    }
  }
}

}  // namespace
}  // namespace mosaic
