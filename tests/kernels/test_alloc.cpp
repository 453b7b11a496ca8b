// The decode path must not allocate once warm: a replacement global
// operator new counts allocations while `g_counting` is set.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "kernels/cpu/matmul.h"
#include "tests/kernels/test_util.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<int64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed))
    g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace mosaic::kernels {
namespace {

TEST(KernelMatmulAlloc, DecodePathDoesNotAllocateAfterWarmup) {
  ThreadPool pool(2);
  test::IsaGuard guard;
  for (CpuIsa isa : test::all_isas()) {
    if (!set_active_isa(isa)) continue;
    for (DType wt : test::weight_types()) {
      const int64_t n_in = 512, n_out = 300;
      const auto w = test::quantize(wt, test::random_floats(n_in * n_out, 1), n_out, n_in);
      const auto x = test::random_floats(n_in * 2, 2);
      std::vector<float> y(2 * n_out);
      MatmulScratch scratch;
      // MoE-style decode: two experts, one routed token each.
      const DType xt = type_traits(wt).vec_dot_type;
      std::vector<uint8_t> xq;
      quantize_rows(pool, xt, x.data(), 2, n_in, n_in, xq);
      const int32_t rows0[] = {1}, rows1[] = {0};
      std::vector<float> y0(n_out), y1(n_out);
      const MatmulTask tasks[] = {
          {w.data(), xq.data(), row_bytes(xt, n_in), rows0, 1, y0.data(), n_out},
          {w.data(), xq.data(), row_bytes(xt, n_in), rows1, 1, y1.data(), n_out}};
      auto decode = [&] {
        matmul(pool, wt, w.data(), n_in, n_out, x.data(), 1, n_in, y.data(), n_out, scratch);
        matmul(pool, wt, w.data(), n_in, n_out, x.data(), 2, n_in, y.data(), n_out, scratch);
        matmul_tasks(pool, wt, n_in, n_out, tasks);
      };
      for (int i = 0; i < 3; ++i) decode();  // warm-up: buffers reach their size
      g_allocations = 0;
      g_counting = true;
      for (int i = 0; i < 20; ++i) decode();
      g_counting = false;
      EXPECT_EQ(g_allocations.load(), 0) << isa_name(isa) << " " << test::type_name(wt);
    }
  }
}

}  // namespace
}  // namespace mosaic::kernels
