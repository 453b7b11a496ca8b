#include "app/bench/bench_options.h"

#include "mosaic/engine.h"

namespace mosaic::bench {

int physical_cores() { return mosaic_physical_core_count(); }

std::function<void()> add_bench_options(CLI::App& app, BenchOptions& o) {
  app.add_option("-m,--model", o.model_paths, "GGUF model to measure (repeat for several)")
      ->required();
  app.add_option("-p,--n-prompt", o.n_prompt, "Prompt tokens fed in one call (0: skip pp)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("-n,--n-gen", o.n_gen, "Tokens generated one at a time (0: skip tg)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("-t,--threads", o.threads, "Threads for the engine and the bandwidth test")
      ->check(CLI::PositiveNumber)
      ->default_str("physical cores");
  app.add_option("-r,--repetitions", o.repetitions, "Measured runs per test (after a warm-up)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--kv-type", o.kv_type, "KV cache element type")
      ->check(CLI::IsMember({"f16", "f32"}))
      ->capture_default_str();
  app.add_option("--weights", o.weights,
                 "mapped: weights used in place from the file (default); huge-pages: read "
                 "into memory backed by 2 MiB pages")
      ->check(CLI::IsMember({"mapped", "huge-pages"}))
      ->capture_default_str();
  app.add_option("--bandwidth-mib", o.bandwidth_buffer_mib,
                 "Buffer of the memory bandwidth test in MiB (keep it far above the caches)")
      ->check(CLI::Range(int64_t{64}, int64_t{1} << 20))
      ->capture_default_str();
  app.add_flag_callback(
      "--json", [&o] { o.format = ReportFormat::Json; }, "Print JSON instead of a table");
  return [&o] {
    if (o.n_prompt == 0 && o.n_gen == 0) {
      throw CLI::ValidationError("-p/-n", "both tests are disabled (-p 0 -n 0)");
    }
    if (o.threads == 0) o.threads = physical_cores();
  };
}

}  // namespace mosaic::bench
