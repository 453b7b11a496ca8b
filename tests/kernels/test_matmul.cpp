// matmul / matmul_tasks on every ISA against references:
//  - "exact" reference: activations quantized with the reference quantizer,
//    then ref::vec_dot per output. Isolates kernel arithmetic (tight bound).
//  - ref::matmul on float activations: includes activation quantization
//    error (loose bound), catches a wrong activation type or layout.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "kernels/cpu/dot.h"
#include "kernels/cpu/matmul.h"
#include "kernels/cpu/quant.h"
#include "kernels/cpu/thread_pool.h"
#include "tests/kernels/test_util.h"

namespace mosaic::kernels {
namespace {

struct Problem {
  DType wt;
  int64_t n_in, n_out, n_tok, ldx, ldy;
  std::vector<uint8_t> w;
  std::vector<float> x;
  std::vector<float> exact;  // n_tok x ldy
};

Problem make_problem(DType wt, int64_t n_in, int64_t n_out, int64_t n_tok, uint32_t seed) {
  Problem p{wt, n_in, n_out, n_tok, n_in + 3, n_out + 5, {}, {}, {}};
  const auto wf = test::random_floats(static_cast<size_t>(n_out * n_in), seed);
  p.w = test::quantize(wt, wf, n_out, n_in);
  p.x = test::random_floats(static_cast<size_t>(n_tok * p.ldx), seed + 1);
  const DType xt = type_traits(wt).vec_dot_type;
  const size_t xrb = row_bytes(xt, n_in), wrb = row_bytes(wt, n_in);
  std::vector<uint8_t> xq(xrb * n_tok);
  for (int64_t t = 0; t < n_tok; ++t)
    ref::quantize_row(xt, p.x.data() + t * p.ldx, xq.data() + t * xrb, n_in);
  p.exact.assign(static_cast<size_t>(n_tok * p.ldy), 0.f);
  for (int64_t t = 0; t < n_tok; ++t) {
    for (int64_t o = 0; o < n_out; ++o) {
      p.exact[t * p.ldy + o] = ref::vec_dot(wt, n_in, p.w.data() + o * wrb, xq.data() + t * xrb);
    }
  }
  return p;
}

// Error per token row, normalized by that row's largest output.
double row_error(const Problem& p, const std::vector<float>& y) {
  double worst = 0;
  for (int64_t t = 0; t < p.n_tok; ++t) {
    worst =
        std::max(worst, test::normalized_max_error(y.data() + t * p.ldy, p.exact.data() + t * p.ldy,
                                                   static_cast<size_t>(p.n_out)));
  }
  return worst;
}

class KernelMatmul : public ::testing::TestWithParam<DType> {};

TEST_P(KernelMatmul, MatchesReferenceOnEveryIsa) {
  const DType wt = GetParam();
  const int64_t be = std::max<int64_t>(type_traits(wt).block_elems, 32);
  struct Shape {
    int64_t n_in, n_out, n_tok;
  };
  std::vector<Shape> shapes = {
      {be, 1, 1},       {be, 7, 2},        {2 * be, 33, 3},   {4 * be, 65, 7},   {be, 100, 16},
      {3 * be, 31, 33}, {be * 2, 129, 64}, {256 * 16, 40, 1}, {256 * 17, 17, 5}, {256 * 4, 64, 70},
      {512, 96, 9},     {3 * be, 9, 1},    {5 * be, 5, 3},    {17 * be, 3, 2},
  };
  ThreadPool pool1(1), pool2(2), pool3(3);
  ThreadPool* pools[] = {&pool1, &pool2, &pool3};
  test::IsaGuard guard;
  uint32_t seed = 1;
  for (const Shape& s : shapes) {
    const Problem p = make_problem(wt, s.n_in, s.n_out, s.n_tok, seed++);
    for (CpuIsa isa : test::all_isas()) {
      if (!set_active_isa(isa)) continue;
      ThreadPool& pool = *pools[seed % 3];
      MatmulScratch scratch;
      std::vector<float> y(static_cast<size_t>(p.n_tok * p.ldy), -12345.f);
      matmul(pool, wt, p.w.data(), p.n_in, p.n_out, p.x.data(), p.n_tok, p.ldx, y.data(), p.ldy,
             scratch);
      const std::string what =
          std::string(isa_name(isa)) + " " + test::type_name(wt) +
          " n_in=" + std::to_string(s.n_in) + " n_out=" + std::to_string(s.n_out) +
          " n_tok=" + std::to_string(s.n_tok) + " threads=" + std::to_string(pool.size());
      EXPECT_LE(row_error(p, y), 2e-5) << what;
      // Padding between rows (ldy > n_out) is never written.
      for (int64_t t = 0; t < p.n_tok; ++t) {
        for (int64_t o = p.n_out; o < p.ldy; ++o) ASSERT_EQ(y[t * p.ldy + o], -12345.f) << what;
      }
    }
  }
}

// Against the float reference (no activation quantization in the
// reference): bounded by the activation type's precision.
TEST_P(KernelMatmul, CloseToFloatReference) {
  const DType wt = GetParam();
  const int64_t n_in = 1024, n_out = 50, n_tok = 20;
  const auto wf = test::random_floats(n_out * n_in, 5);
  const auto w = test::quantize(wt, wf, n_out, n_in);
  const auto x = test::random_floats(n_tok * n_in, 6);
  std::vector<float> expect(n_tok * n_out), got(n_tok * n_out);
  ref::matmul(wt, w.data(), n_in, n_out, x.data(), n_tok, n_in, expect.data(), n_out);
  ThreadPool pool(2);
  MatmulScratch scratch;
  test::IsaGuard guard;
  for (CpuIsa isa : test::all_isas()) {
    if (!set_active_isa(isa)) continue;
    for (int64_t tok : {int64_t{1}, n_tok}) {
      matmul(pool, wt, w.data(), n_in, n_out, x.data(), tok, n_in, got.data(), n_out, scratch);
      const double tol = type_traits(wt).vec_dot_type == DType::F32 ? 1e-5 : 0.03;
      EXPECT_LE(test::normalized_max_error(got.data(), expect.data(), tok * n_out), tol)
          << isa_name(isa) << " " << test::type_name(wt) << " tokens " << tok;
    }
  }
}

// Mixture-of-experts style: several weight matrices, each with its own
// gathered subset of activation rows, in one call; must equal a dense matmul
// per task on the gathered rows.
TEST_P(KernelMatmul, TasksWithGatherEqualDensePerTask) {
  const DType wt = GetParam();
  const DType xt = type_traits(wt).vec_dot_type;
  const int64_t n_in = std::max<int64_t>(type_traits(wt).block_elems, 32) * 2, n_out = 37,
                n_act = 80;
  const size_t xrb = row_bytes(xt, n_in);
  const auto xf = test::random_floats(n_act * n_in, 77);
  ThreadPool pool(2);
  std::vector<uint8_t> xq;
  quantize_rows(pool, xt, xf.data(), n_act, n_in, n_in, xq);
  ASSERT_GE(xq.size(), xrb * n_act);

  const std::vector<int64_t> counts = {0, 1, 3, 60,
                                       17};  // idle, decode-like and prefill-like experts
  std::mt19937 rng(3);
  std::vector<std::vector<uint8_t>> weights;
  std::vector<std::vector<int32_t>> rows;
  std::vector<std::vector<float>> outs;
  for (size_t e = 0; e < counts.size(); ++e) {
    weights.push_back(test::quantize(wt, test::random_floats(n_out * n_in, 100 + e), n_out, n_in));
    std::vector<int32_t> r(counts[e]);
    for (auto& v : r) v = static_cast<int32_t>(rng() % n_act);
    rows.push_back(r);
    outs.emplace_back(std::max<int64_t>(counts[e], 1) * (n_out + 2), -7.f);
  }
  test::IsaGuard guard;
  for (CpuIsa isa : test::all_isas()) {
    if (!set_active_isa(isa)) continue;
    std::vector<MatmulTask> tasks;
    for (size_t e = 0; e < counts.size(); ++e) {
      tasks.push_back({weights[e].data(), xq.data(), xrb, rows[e].data(), counts[e], outs[e].data(),
                       n_out + 2});
    }
    matmul_tasks(pool, wt, n_in, n_out, tasks);
    for (size_t e = 0; e < counts.size(); ++e) {
      // Dense reference on the gathered float rows.
      std::vector<float> xg(std::max<int64_t>(counts[e], 1) * n_in);
      for (int64_t r = 0; r < counts[e]; ++r) {
        std::memcpy(&xg[r * n_in], &xf[rows[e][r] * n_in], n_in * sizeof(float));
      }
      std::vector<float> dense(std::max<int64_t>(counts[e], 1) * n_out);
      MatmulScratch scratch;
      matmul(pool, wt, weights[e].data(), n_in, n_out, xg.data(), counts[e], n_in, dense.data(),
             n_out, scratch);
      for (int64_t r = 0; r < counts[e]; ++r) {
        const double err = test::normalized_max_error(&outs[e][r * (n_out + 2)], &dense[r * n_out],
                                                      static_cast<size_t>(n_out));
        EXPECT_LE(err, 1e-5) << isa_name(isa) << " expert " << e << " row " << r;
      }
      if (counts[e] == 0) {
        EXPECT_EQ(outs[e][0], -7.f);  // idle expert untouched
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Types, KernelMatmul, ::testing::ValuesIn(test::weight_types()),
                         [](const auto& info) { return test::type_name(info.param); });

// After the first call, the decode path keeps its buffers: the activation
// scratch is not reallocated for same-size (or smaller) calls.
TEST(KernelMatmulScratch, NoReallocationAfterWarmup) {
  const int64_t n_in = 512, n_out = 64;
  const auto w = test::quantize(DType::Q4_K, test::random_floats(n_in * n_out, 1), n_out, n_in);
  const auto x = test::random_floats(n_in * 4, 2);
  std::vector<float> y(4 * n_out);
  ThreadPool pool(2);
  MatmulScratch scratch;
  matmul(pool, DType::Q4_K, w.data(), n_in, n_out, x.data(), 4, n_in, y.data(), n_out, scratch);
  const uint8_t* data = scratch.activations.data();
  const size_t cap = scratch.activations.capacity();
  for (int i = 0; i < 100; ++i) {
    matmul(pool, DType::Q4_K, w.data(), n_in, n_out, x.data(), 1 + i % 4, n_in, y.data(), n_out,
           scratch);
  }
  EXPECT_EQ(scratch.activations.data(), data);
  EXPECT_EQ(scratch.activations.capacity(), cap);
}

TEST(KernelMatmulScratch, QuantizeRowsMatchesRowByRow) {
  ThreadPool pool(2);
  const int64_t n_in = 256 * 3, n_rows = 37, ldx = n_in + 8;
  const auto x = test::random_floats(n_rows * ldx, 9);
  for (DType t : {DType::Q8_0, DType::Q8_K, DType::F16}) {
    std::vector<uint8_t> out;
    quantize_rows(pool, t, x.data(), n_rows, n_in, ldx, out);
    const size_t rb = row_bytes(t, n_in);
    std::vector<uint8_t> one(rb);
    for (int64_t r = 0; r < n_rows; ++r) {
      ref::quantize_row(t, x.data() + r * ldx, one.data(), n_in);
      ASSERT_EQ(0, std::memcmp(one.data(), out.data() + r * rb, rb))
          << type_traits(t).name << " row " << r;
    }
  }
}

}  // namespace
}  // namespace mosaic::kernels
