#include "app/cli/sampling_options.h"

#include <fmt/format.h>

#include <cmath>

#include "app/cli/cli_error.h"
#include "app/cli/option_checks.h"

namespace mosaic::cli {
namespace {

// Comparisons are written so that NaN (which CLI11 parses from "nan") fails.
void require(bool ok, const std::string& message) {
  if (!ok) throw UsageError(message);
}

}  // namespace

void add_sampling_options(CLI::App& app, SamplingOptions& o) {
  auto& s = o.sampler;
  app.add_option("--temp", s.temperature, "Temperature (0: greedy)")->capture_default_str();
  app.add_option("--top-k", s.top_k, "Keep the K most likely tokens (0: off)")
      ->capture_default_str();
  app.add_option("--top-p", s.top_p, "Nucleus sampling threshold in (0, 1] (1: off)")
      ->capture_default_str();
  app.add_option("--min-p", s.min_p, "Drop tokens below min-p x the top probability (0: off)")
      ->capture_default_str();
  app.add_option("--repeat-penalty", s.repeat_penalty, "Penalty for recent tokens (1: off)")
      ->capture_default_str();
  app.add_option("--presence-penalty", s.presence_penalty, "Subtracted once per recent token")
      ->capture_default_str();
  app.add_option("--frequency-penalty", s.frequency_penalty,
                 "Subtracted per occurrence of a recent token")
      ->capture_default_str();
  app.add_option("--repeat-last-n", s.repeat_last_n, "Recent-token window of the penalties")
      ->capture_default_str();
  app.add_option("--seed", s.seed, "Random seed (same seed, same output)")
      ->check(kNonNegativeInteger)
      ->capture_default_str();

  app.add_option("-c,--ctx", o.session.n_ctx, "Context length (0: min(trained, 4096))")
      ->capture_default_str();
  app.add_option("-t,--threads", o.session.n_threads, "Threads (0: physical cores)")
      ->capture_default_str();
  app.add_option("-b,--batch", o.session.n_batch, "Prompt tokens per forward pass (0: 512)")
      ->capture_default_str();
  app.add_option("--kv-type", o.kv_type, "KV cache element type")
      ->check(CLI::IsMember({"f16", "f32"}))
      ->capture_default_str();
}

void validate_sampling_options(SamplingOptions& o) {
  const auto& s = o.sampler;
  require(s.temperature >= 0.0f && std::isfinite(s.temperature),
          fmt::format("--temp must be a number >= 0 (0 = greedy); got {}", s.temperature));
  require(s.top_k >= 0, fmt::format("--top-k must be >= 0 (0 = off); got {}", s.top_k));
  require(s.top_p > 0.0f && s.top_p <= 1.0f,
          fmt::format("--top-p must be in (0, 1] (1 = off); got {}", s.top_p));
  require(s.min_p >= 0.0f && s.min_p < 1.0f,
          fmt::format("--min-p must be in [0, 1) (0 = off); got {}", s.min_p));
  require(s.repeat_penalty > 0.0f && std::isfinite(s.repeat_penalty),
          fmt::format("--repeat-penalty must be > 0 (1 = off); got {}", s.repeat_penalty));
  require(std::isfinite(s.presence_penalty),
          fmt::format("--presence-penalty must be a finite number; got {}", s.presence_penalty));
  require(std::isfinite(s.frequency_penalty),
          fmt::format("--frequency-penalty must be a finite number; got {}", s.frequency_penalty));
  require(s.repeat_last_n >= 0,
          fmt::format("--repeat-last-n must be >= 0; got {}", s.repeat_last_n));
  require(o.session.n_ctx >= 0, fmt::format("--ctx must be >= 0; got {}", o.session.n_ctx));
  require(o.session.n_threads >= 0,
          fmt::format("--threads must be >= 0; got {}", o.session.n_threads));
  require(o.session.n_batch >= 0, fmt::format("--batch must be >= 0; got {}", o.session.n_batch));
  o.session.kv_type = o.kv_type == "f32" ? MOSAIC_KV_F32 : MOSAIC_KV_F16;
}

}  // namespace mosaic::cli
