// Sampling and session options shared by `generate` and `chat`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "mosaic/engine.h"

namespace mosaic::cli {

struct SamplingOptions {
  mosaic_sampler_params sampler = mosaic_sampler_default_params();
  mosaic_session_params session = mosaic_session_default_params();
  std::string kv_type = "f16";
};

// Registers --temp, --top-k, --top-p, --min-p, the penalties, --seed, --ctx,
// --threads, --batch and --kv-type on `app`, writing into `o`.
void add_sampling_options(CLI::App& app, SamplingOptions& o);

// Checks what CLI11 cannot (ranges, NaN) and throws UsageError naming the
// option; sets session.kv_type from --kv-type.
void validate_sampling_options(SamplingOptions& o);

}  // namespace mosaic::cli
