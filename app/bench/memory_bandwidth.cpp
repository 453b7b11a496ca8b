#include "app/bench/memory_bandwidth.h"

#include <immintrin.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <thread>
#include <vector>

namespace mosaic::bench {
namespace {

constexpr size_t kChunkAlignment = 256;               // bytes per loop iteration of every kernel
constexpr size_t kBufferAlignment = 2 * 1024 * 1024;  // lets the kernel back it with huge pages

// Each kernel XORs everything it reads into a checksum so the compiler cannot
// drop the loads; four independent accumulators keep enough loads in flight.
__attribute__((target("avx512f"))) uint64_t read_avx512(const uint8_t* p, size_t bytes) {
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
  for (size_t i = 0; i < bytes; i += 256) {
    a0 = _mm512_xor_si512(a0, _mm512_load_si512(p + i));
    a1 = _mm512_xor_si512(a1, _mm512_load_si512(p + i + 64));
    a2 = _mm512_xor_si512(a2, _mm512_load_si512(p + i + 128));
    a3 = _mm512_xor_si512(a3, _mm512_load_si512(p + i + 192));
  }
  const __m512i all = _mm512_xor_si512(_mm512_xor_si512(a0, a1), _mm512_xor_si512(a2, a3));
  return static_cast<uint64_t>(_mm512_reduce_add_epi64(all));
}

__attribute__((target("avx2"))) uint64_t read_avx2(const uint8_t* p, size_t bytes) {
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  for (size_t i = 0; i < bytes; i += 128) {
    a0 = _mm256_xor_si256(a0, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i)));
    a1 = _mm256_xor_si256(a1, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 32)));
    a2 = _mm256_xor_si256(a2, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 64)));
    a3 = _mm256_xor_si256(a3, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 96)));
  }
  const __m256i all = _mm256_xor_si256(_mm256_xor_si256(a0, a1), _mm256_xor_si256(a2, a3));
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), all);
  return lanes[0] ^ lanes[1] ^ lanes[2] ^ lanes[3];
}

uint64_t read_scalar(const uint8_t* p, size_t bytes) {
  const auto* words = reinterpret_cast<const uint64_t*>(p);
  uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (size_t i = 0; i < bytes / 8; i += 4) {
    a0 ^= words[i];
    a1 ^= words[i + 1];
    a2 ^= words[i + 2];
    a3 ^= words[i + 3];
  }
  return a0 ^ a1 ^ a2 ^ a3;
}

using ReadKernel = uint64_t (*)(const uint8_t*, size_t);

struct Kernel {
  ReadKernel read;
  const char* name;
};

Kernel best_kernel() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return {read_avx512, "AVX-512"};
  if (__builtin_cpu_supports("avx2")) return {read_avx2, "AVX2"};
  return {read_scalar, "scalar"};
}

struct AlignedFree {
  void operator()(uint8_t* p) const { std::free(p); }
};

}  // namespace

BandwidthMeasurement measure_read_bandwidth(int threads, size_t buffer_bytes, int runs) {
  threads = std::max(threads, 1);
  runs = std::max(runs, 1);
  const size_t chunk = buffer_bytes / threads / kChunkAlignment * kChunkAlignment;
  const size_t total = chunk * threads;
  const size_t allocation = (total + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
  std::unique_ptr<uint8_t, AlignedFree> buffer(
      static_cast<uint8_t*>(std::aligned_alloc(kBufferAlignment, allocation)));
  if (!buffer) throw std::bad_alloc();
  madvise(buffer.get(), allocation, MADV_HUGEPAGE);  // a hint; failure is harmless

  // Each thread first writes its own chunk, so on NUMA machines the pages
  // land near the thread that later reads them. The threads take their own
  // timestamps: a coordinating thread could be descheduled while they read
  // (likely when threads == cores) and would then time nothing at all.
  const Kernel kernel = best_kernel();
  using Clock = std::chrono::steady_clock;
  std::vector<Clock::time_point> starts(threads * runs), ends(threads * runs);
  std::atomic<uint64_t> checksum{0};
  std::barrier start_together(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      uint8_t* mine = buffer.get() + chunk * t;
      std::memset(mine, t + 1, chunk);
      for (int run = 0; run < runs; ++run) {
        start_together.arrive_and_wait();
        starts[run * threads + t] = Clock::now();
        checksum.fetch_xor(kernel.read(mine, chunk), std::memory_order_relaxed);
        ends[run * threads + t] = Clock::now();
      }
    });
  }
  for (auto& worker : workers) worker.join();
  // Keeps the checksum (and so the loads) observable.
  asm volatile("" : : "r"(checksum.load()) : "memory");

  std::vector<double> seconds_per_run;
  for (int run = 0; run < runs; ++run) {
    const auto first = starts.begin() + run * threads, last = ends.begin() + run * threads;
    const auto begin = *std::min_element(first, first + threads);
    const auto end = *std::max_element(last, last + threads);
    seconds_per_run.push_back(std::chrono::duration<double>(end - begin).count());
  }

  const double best = *std::min_element(seconds_per_run.begin(), seconds_per_run.end());
  return {static_cast<double>(total) / best / 1e9, kernel.name, total, threads, runs};
}

}  // namespace mosaic::bench
