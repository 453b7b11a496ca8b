// mosaic-kernel-bench: matmul throughput per weight type, ISA and thread
// count.
//   decode  (n_tok = 1): memory bound, reported as weight bytes/s
//   prefill (n_tok = 512): compute bound, reported as FLOP/s (2 per MAC)
// Also the reference quantizers' speed (values/s), which bounds how fast
// test models can be written.
//
// Examples:
//   mosaic-kernel-bench --benchmark_filter='decode/q4_K'
//   mosaic-kernel-bench --benchmark_filter='prefill/.*/avx512/t2'
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "kernels/cpu/dot.h"
#include "kernels/cpu/matmul.h"
#include "kernels/cpu/ops.h"
#include "kernels/cpu/quant.h"
#include "kernels/cpu/thread_pool.h"
#include "kernels/cpu/types.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace mk = mosaic::kernels;

namespace {

// Weight buffer on 2 MB pages where the OS allows (transparent huge pages
// via madvise): the decode figures then measure the kernels and DRAM, not
// TLB misses of a 300+ MB stream. (A file mmap without THP may be slower.)
struct Weights {
  uint8_t* ptr = nullptr;
  size_t bytes = 0;
  uint8_t* data() const { return ptr; }
  size_t size() const { return bytes; }
  uint8_t& operator[](size_t i) { return ptr[i]; }
};

Weights alloc_weights(size_t bytes) {
  constexpr size_t kHuge = size_t{2} << 20;
  const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
  Weights w;
  w.ptr = static_cast<uint8_t*>(std::aligned_alloc(kHuge, rounded));
  w.bytes = bytes;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise(w.ptr, rounded, MADV_HUGEPAGE);
#endif
  return w;
}

// Random but valid weights, generated directly as block bytes (quantizing a
// 2048 x 151936 matrix would take longer than the benchmark): random codes,
// small fp16 scales in the places each format keeps them.
Weights random_weights(mk::DType t, int64_t n_in, int64_t n_out) {
  const size_t bytes = mk::row_bytes(t, n_in) * static_cast<size_t>(n_out);
  Weights w = alloc_weights(bytes);
  std::mt19937_64 rng(42);
  for (size_t i = 0; i < bytes; i += 8) {
    const uint64_t r = rng();
    std::memcpy(&w[i], &r, bytes - i < 8 ? bytes - i : 8);
  }
  const uint16_t h = mk::fp32_to_fp16(0.01f);
  const size_t bb = mk::type_traits(t).block_bytes;
  switch (t) {
    case mk::DType::F16:
    case mk::DType::BF16:
      for (size_t i = 0; i + 2 <= bytes; i += 2) {
        const uint16_t v = static_cast<uint16_t>(t == mk::DType::F16 ? (w[i] & 0x03) | (h & ~0x03)
                                                                     : 0x3C00 | (w[i] & 0x7F));
        std::memcpy(&w[i], &v, 2);
      }
      break;
    case mk::DType::F32:
      for (size_t i = 0; i + 4 <= bytes; i += 4) {
        const float v = static_cast<float>(w[i]) / 256.f - 0.5f;
        std::memcpy(&w[i], &v, 4);
      }
      break;
    case mk::DType::Q4_K:
      for (size_t i = 0; i < bytes; i += bb) {
        std::memcpy(&w[i], &h, 2);
        std::memcpy(&w[i + 2], &h, 2);
      }
      break;
    case mk::DType::Q6_K:
      for (size_t i = 0; i < bytes; i += bb) std::memcpy(&w[i + 208], &h, 2);
      break;
    default:
      for (size_t i = 0; i < bytes; i += bb) std::memcpy(&w[i], &h, 2);
      break;
  }
  return w;
}

// One weight matrix per (type, shape), kept for the whole run (the ISA and
// thread variants reuse it). Only the latest big one is kept, to bound memory.
const Weights& weights(mk::DType t, int64_t n_in, int64_t n_out) {
  static std::map<std::tuple<int, int64_t, int64_t>, Weights> cache;
  const auto key = std::make_tuple(static_cast<int>(t), n_in, n_out);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  for (auto i = cache.begin(); i != cache.end();) {
    if (i->second.size() > (size_t{64} << 20)) {
      std::free(i->second.ptr);
      i = cache.erase(i);
    } else {
      ++i;
    }
  }
  return cache.emplace(key, random_weights(t, n_in, n_out)).first->second;
}

mk::ThreadPool& pool(int threads) {
  static std::map<int, std::unique_ptr<mk::ThreadPool>> pools;
  auto& p = pools[threads];
  if (!p) p = std::make_unique<mk::ThreadPool>(threads);
  return *p;
}

void run_matmul(benchmark::State& state, mk::DType t, mk::CpuIsa isa, int threads, int64_t n_in,
                int64_t n_out, int64_t n_tok) {
  if (!mk::set_active_isa(isa)) {
    state.SkipWithError("ISA not supported by this CPU");
    return;
  }
  const auto& w = weights(t, n_in, n_out);
  std::vector<float> x(static_cast<size_t>(n_in * n_tok));
  std::mt19937 rng(1);
  std::normal_distribution<float> nd;
  for (auto& v : x) v = nd(rng);
  std::vector<float> y(static_cast<size_t>(n_out * n_tok));
  mk::MatmulScratch scratch;
  mk::ThreadPool& p = pool(threads);
  mk::matmul(p, t, w.data(), n_in, n_out, x.data(), n_tok, n_in, y.data(), n_out,
             scratch);  // warm-up
  for (auto _ : state) {
    mk::matmul(p, t, w.data(), n_in, n_out, x.data(), n_tok, n_in, y.data(), n_out, scratch);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  const double iters = static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(iters * static_cast<double>(w.size())));
  state.counters["FLOP/s"] =
      benchmark::Counter(2.0 * n_in * n_out * n_tok * iters, benchmark::Counter::kIsRate);
  state.counters["tok/s"] =
      benchmark::Counter(static_cast<double>(n_tok) * iters, benchmark::Counter::kIsRate);
}

void run_quantize(benchmark::State& state, mk::DType t) {
  const int64_t n = 256 * 1024;
  std::vector<float> x(n);
  std::mt19937 rng(1);
  std::normal_distribution<float> nd;
  for (auto& v : x) v = nd(rng);
  std::vector<uint8_t> q(mk::row_bytes(t, n));
  for (auto _ : state) {
    mk::quantize_row(t, x.data(), q.data(), n);
    benchmark::DoNotOptimize(q.data());
  }
  state.counters["values/s"] =
      benchmark::Counter(static_cast<double>(n) * state.iterations(), benchmark::Counter::kIsRate);
}

// Attention's value sum over an F16 cache, as one token of prefill does it:
// n_out heads (the scores) x n_rows cached rows x n_cols columns.
void run_weighted_row_sum(benchmark::State& state, mk::CpuIsa isa, int64_t n_out, int64_t n_rows,
                          int64_t n_cols) {
  if (!mk::set_active_isa(isa)) {
    state.SkipWithError("ISA not supported by this CPU");
    return;
  }
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> ud(-1.f, 1.f);
  std::vector<float> w(static_cast<size_t>(n_out * n_rows));
  for (auto& x : w) x = ud(rng);
  std::vector<uint16_t> v(static_cast<size_t>(n_rows * n_cols));
  for (auto& x : v) x = mk::fp32_to_fp16(ud(rng));
  std::vector<float> out(static_cast<size_t>(n_out * n_cols));
  for (auto _ : state) {
    mk::weighted_row_sum(w.data(), n_rows, n_out, v.data(), true, n_cols, n_rows, out.data(),
                         n_cols, n_cols);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["FLOP/s"] =
      benchmark::Counter(2.0 * n_out * n_rows * n_cols * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

// Cost of one parallel_for with trivial tasks: the fixed overhead every
// decode matmul pays (publish, wake spinning workers, claim, wait).
void run_parallel_for(benchmark::State& state, int threads, int64_t n_tasks) {
  mk::ThreadPool& p = pool(threads);
  std::vector<int64_t> sink(static_cast<size_t>(threads) * 16);
  for (auto _ : state) {
    p.parallel_for(n_tasks,
                   [&](int64_t t, int thread) { sink[static_cast<size_t>(thread) * 16] += t; });
  }
  benchmark::DoNotOptimize(sink.data());
}

}  // namespace

int main(int argc, char** argv) {
  const mk::DType types[] = {mk::DType::Q8_0, mk::DType::Q4_0, mk::DType::Q4_K, mk::DType::Q6_K,
                             mk::DType::F16,  mk::DType::BF16, mk::DType::F32};
  const mk::CpuIsa isas[] = {mk::CpuIsa::Avx512, mk::CpuIsa::Avx2, mk::CpuIsa::Scalar};
  struct Shape {
    const char* kind;
    int64_t n_in, n_out, n_tok;
  };
  const Shape shapes[] = {
      {"decode", 1024, 2048, 1},
      {"decode", 2048, 151936, 1},
      {"prefill", 2048, 2048, 512},
  };
  for (const Shape& s : shapes) {
    for (mk::DType t : types) {
      for (mk::CpuIsa isa : isas) {
        for (int threads : {1, 2}) {
          const std::string name = std::string(s.kind) + "/" +
                                   std::string(mk::type_traits(t).name) + "/" +
                                   std::to_string(s.n_in) + "x" + std::to_string(s.n_out) + "/" +
                                   mk::isa_name(isa) + "/t" + std::to_string(threads);
          auto* b = benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) {
            run_matmul(st, t, isa, threads, s.n_in, s.n_out, s.n_tok);
          });
          b->UseRealTime()->Unit(benchmark::kMillisecond);
          if (s.n_out > 100000 || s.n_tok > 1) b->MinTime(0.5);
        }
      }
    }
  }
  for (mk::DType t : {mk::DType::Q4_K, mk::DType::Q6_K, mk::DType::Q8_0, mk::DType::Q4_0}) {
    const std::string name = std::string("quantize/") + std::string(mk::type_traits(t).name);
    benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) {
      run_quantize(st, t);
    })->Unit(benchmark::kMillisecond);
  }
  for (mk::CpuIsa isa : isas) {
    // 16 heads over a 512-wide latent (deepseek2) and 4 over 128 (one GQA group).
    for (auto [n_out, n_cols] : {std::pair<int64_t, int64_t>{16, 512}, {4, 128}}) {
      const std::string name = "attention/weighted_row_sum/" + std::to_string(n_out) + "x1024x" +
                               std::to_string(n_cols) + "/" + mk::isa_name(isa);
      benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) {
        run_weighted_row_sum(st, isa, n_out, 1024, n_cols);
      })->Unit(benchmark::kMicrosecond);
    }
  }
  for (int threads : {1, 2}) {
    for (int64_t n : {2, 16, 64}) {
      const std::string name =
          "pool/parallel_for/t" + std::to_string(threads) + "/tasks" + std::to_string(n);
      benchmark::RegisterBenchmark(name.c_str(),
                                   [=](benchmark::State& st) { run_parallel_for(st, threads, n); })
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
