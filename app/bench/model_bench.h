// Prompt-processing and generation speed of one model, llama-bench style.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/bench/bench_options.h"
#include "mosaic/engine.h"

namespace mosaic::bench {

enum class TestKind { PromptProcessing, Generation };

struct TestResult {
  TestKind kind;
  int32_t n_tokens;
  std::vector<double> tokens_per_s;  // one per repetition
  double mean() const;
  double stddev() const;     // sample standard deviation (0 for one run)
  std::string name() const;  // "pp512", "tg128"
};

struct ModelResult {
  std::string path;
  mosaic_model_info info;
  std::vector<TestResult> tests;
  // Read bandwidth measured right after this model's tests: on a shared
  // machine the ceiling moves, so each model is compared with its own.
  double bandwidth_gb_per_s = 0.0;
};

// Loads the model and runs the enabled tests: one warm-up of each, then
// options.repetitions measured runs. Throws std::runtime_error with the
// engine's message on failure.
ModelResult bench_model(const std::string& path, const BenchOptions& options);

}  // namespace mosaic::bench
