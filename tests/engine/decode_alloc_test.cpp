// Decoding a token must not allocate once a session is warm: a replacement
// global operator new counts allocations while `g_counting` is set. In its
// own test binary so the replacement touches nothing else.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "tests/engine/test_support.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<int64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
  }
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace mosaic::testing {
namespace {

int64_t allocations_while_decoding(const synthetic::ModelSpec& spec) {
  TempDir dir;
  const std::string path = dir.file("model.gguf");
  synthetic::write_model(spec, path);
  ModelPtr model = load_model(path);
  if (!model) return -1;
  mosaic_session_params p = mosaic_session_default_params();
  p.n_ctx = 64;
  p.n_threads = 2;
  SessionPtr s = new_session(model.get(), p);
  if (!s) return -1;
  const std::vector<int32_t> prompt = {5, 17, 99, 3, 260, 41};
  EXPECT_EQ(mosaic_session_feed(s.get(), prompt.data(), prompt.size(), nullptr, nullptr),
            MOSAIC_OK);
  // Warm-up: the first decode steps size the single-token buffers.
  for (int32_t tok : {7, 8}) {
    EXPECT_EQ(mosaic_session_feed(s.get(), &tok, 1, nullptr, nullptr), MOSAIC_OK);
  }
  g_allocations = 0;
  g_counting = true;
  for (int32_t tok : {9, 10, 11, 12, 13}) {
    if (mosaic_session_feed(s.get(), &tok, 1, nullptr, nullptr) != MOSAIC_OK) break;
  }
  g_counting = false;
  return g_allocations.load();
}

TEST(DecodeAllocTest, Deepseek2DecodeDoesNotAllocate) {
  EXPECT_EQ(allocations_while_decoding(tiny_deepseek2_spec(kernels::DType::Q8_0)), 0);
  synthetic::ModelSpec legacy = tiny_deepseek2_spec(kernels::DType::F16);
  legacy.latent_up = synthetic::LatentUpProjection::LegacyKvB;
  legacy.query = synthetic::QueryProjection::Direct;
  EXPECT_EQ(allocations_while_decoding(legacy), 0);
}

TEST(DecodeAllocTest, Qwen3MoeDecodeDoesNotAllocate) {
  EXPECT_EQ(allocations_while_decoding(tiny_spec(kernels::DType::Q8_0)), 0);
}

}  // namespace
}  // namespace mosaic::testing
