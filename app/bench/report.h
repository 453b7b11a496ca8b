// mosaic-bench output: a llama-bench-like markdown table, or JSON.
#pragma once

#include <string>
#include <vector>

#include "app/bench/memory_bandwidth.h"
#include "app/bench/model_bench.h"

namespace mosaic::bench {

// Weight bytes streamed per second while generating (decimal GB/s).
double weight_gb_per_s(const ModelResult& model, const TestResult& test);
// Generation speed as a percentage of bandwidth / active_bytes_per_token.
double percent_of_ceiling(const ModelResult& model, const TestResult& test,
                          const BandwidthMeasurement& bandwidth);

std::string markdown_report(const std::vector<ModelResult>& models,
                            const BandwidthMeasurement& bandwidth, int threads);
std::string json_report(const std::vector<ModelResult>& models,
                        const BandwidthMeasurement& bandwidth, int threads);

}  // namespace mosaic::bench
