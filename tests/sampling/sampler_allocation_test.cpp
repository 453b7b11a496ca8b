// "No allocation per call after the first": counts operator new calls made
// by this thread while sampling. The replacement operators below apply to the
// whole test program and only count; they forward to malloc/free.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <vector>

#include "engine/sampling/sampler.h"

namespace {
thread_local long g_allocations = 0;
}

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace mosaic {
namespace {

TEST(SamplerAllocation, NoAllocationAfterTheFirstCall) {
  SamplerParams params;  // defaults: top-k, top-p, min-p all on
  params.repeat_penalty = 1.1f;
  params.frequency_penalty = 0.1f;
  Sampler sampler(params);
  std::vector<float> logits(5000);
  for (size_t i = 0; i < logits.size(); ++i) logits[i] = float(i % 97) * 0.05f;
  const std::vector<int32_t> history = {1, 2, 3, 4, 5, 1, 2, 3};

  sampler.sample(logits, history);
  const long before = g_allocations;
  for (int i = 0; i < 50; ++i) sampler.sample(logits, history);
  EXPECT_EQ(g_allocations - before, 0);

  params.top_k = 0;  // the full-sort path for top-p
  Sampler unsorted(params);
  unsorted.sample(logits, history);
  const long before_unsorted = g_allocations;
  for (int i = 0; i < 20; ++i) unsorted.sample(logits, history);
  EXPECT_EQ(g_allocations - before_unsorted, 0);
}

}  // namespace
}  // namespace mosaic
