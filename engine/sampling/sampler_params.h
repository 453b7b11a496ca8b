// Parameters of the token sampler and their validation.
#pragma once

#include <cstdint>

namespace mosaic {

struct SamplerParams {
  float temperature = 0.8f;        // 0: greedy (argmax after penalties)
  int32_t top_k = 40;              // <= 0: off
  float top_p = 0.95f;             // in (0, 1]; 1: off
  float min_p = 0.05f;             // in [0, 1); 0: off
  float repeat_penalty = 1.0f;     // > 0; 1: off
  float presence_penalty = 0.0f;   // 0: off
  float frequency_penalty = 0.0f;  // 0: off
  int32_t repeat_last_n = 64;      // history window for the penalties; 0: no penalties
  uint64_t seed = 0;
};

// Throws mosaic::Error(InvalidArgument) naming the offending field and value.
void validate_sampler_params(const SamplerParams& params);

}  // namespace mosaic
