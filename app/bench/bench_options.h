// Command line of mosaic-bench.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "mosaic/engine.h"

namespace mosaic::bench {

enum class ReportFormat { Markdown, Json };

struct BenchOptions {
  std::vector<std::string> model_paths;
  int32_t n_prompt = 512;  // pp test: tokens in one feed (0: skip)
  int32_t n_gen = 128;     // tg test: single-token decode steps (0: skip)
  int32_t threads = 0;     // 0: physical cores
  int32_t repetitions = 3;
  std::string kv_type = "f16";
  std::string weights = "mapped";  // mapped | huge-pages
  int64_t bandwidth_buffer_mib = 1024;
  ReportFormat format = ReportFormat::Markdown;

  mosaic_kv_type kv() const { return kv_type == "f32" ? MOSAIC_KV_F32 : MOSAIC_KV_F16; }
  mosaic_weights_residency residency() const {
    return weights == "huge-pages" ? MOSAIC_WEIGHTS_HUGE_PAGES : MOSAIC_WEIGHTS_MAPPED;
  }
};

// Registers the options; returns the check to run after parsing (throws
// CLI::ValidationError, which main reports with exit code 2).
std::function<void()> add_bench_options(CLI::App& app, BenchOptions& options);

// Physical cores (distinct core/package pairs in sysfs), or the number of
// hardware threads where sysfs says nothing.
int physical_cores();

}  // namespace mosaic::bench
