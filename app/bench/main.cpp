// mosaic-bench: prompt and generation speed of models, next to the memory
// bandwidth that bounds generation (llama-bench style output).
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <vector>

#include "app/bench/bench_options.h"
#include "app/bench/memory_bandwidth.h"
#include "app/bench/model_bench.h"
#include "app/bench/report.h"
#include "app/core/logging.h"

#ifndef MOSAIC_VERSION
#define MOSAIC_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  using namespace mosaic::bench;
  CLI::App app{"Measure Mosaic's prompt processing and generation speed", "mosaic-bench"};
  app.set_version_flag("--version", "mosaic-bench " MOSAIC_VERSION);
  BenchOptions options;
  const auto finish_options = add_bench_options(app, options);
  try {
    app.parse(argc, argv);
    finish_options();
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  mosaic::app::init_logging({"mosaic-bench", std::nullopt, mosaic::app::LogFile::Enabled});

  int exit_code = 0;
  try {
    fmt::print(stderr, "measuring memory bandwidth ({} threads)...\n", options.threads);
    const BandwidthMeasurement bandwidth = measure_read_bandwidth(
        options.threads, static_cast<size_t>(options.bandwidth_buffer_mib) << 20, 5);
    std::vector<ModelResult> results;
    for (const auto& path : options.model_paths) {
      fmt::print(stderr, "benchmarking {}...\n", path);
      results.push_back(bench_model(path, options));
      results.back().bandwidth_gb_per_s =
          measure_read_bandwidth(options.threads,
                                 static_cast<size_t>(options.bandwidth_buffer_mib) << 20, 3)
              .gb_per_s;
    }
    const std::string report = options.format == ReportFormat::Json
                                   ? json_report(results, bandwidth, options.threads)
                                   : markdown_report(results, bandwidth, options.threads);
    std::fputs(report.c_str(), stdout);
  } catch (const std::exception& e) {
    fmt::print(stderr, "mosaic-bench: error: {}\n", e.what());
    exit_code = 1;
  }
  mosaic::app::shutdown_logging();
  return exit_code;
}
