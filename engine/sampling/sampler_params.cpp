#include "engine/sampling/sampler_params.h"

#include <cmath>
#include <sstream>
#include <string>

#include "engine/error.h"

namespace mosaic {
namespace {

[[noreturn]] void reject(const char* field, double value, const char* expectation) {
  std::ostringstream message;
  message << "sampler: " << field << " = " << value << " is invalid (" << expectation << ")";
  fail(ErrorCode::InvalidArgument, message.str());
}

}  // namespace

void validate_sampler_params(const SamplerParams& p) {
  // Comparisons are written so that NaN fails them (every comparison with NaN is false).
  if (!(p.temperature >= 0.0f) || std::isinf(p.temperature)) {
    reject("temperature", p.temperature, "must be a finite number >= 0; 0 means greedy");
  }
  if (!(p.top_p > 0.0f && p.top_p <= 1.0f)) {
    reject("top_p", p.top_p, "must be in (0, 1]; 1 turns it off");
  }
  if (!(p.min_p >= 0.0f && p.min_p < 1.0f)) {
    reject("min_p", p.min_p, "must be in [0, 1); 0 turns it off");
  }
  if (!(p.repeat_penalty > 0.0f) || std::isinf(p.repeat_penalty)) {
    reject("repeat_penalty", p.repeat_penalty, "must be a finite number > 0; 1 turns it off");
  }
  if (!std::isfinite(p.presence_penalty)) {
    reject("presence_penalty", p.presence_penalty, "must be finite; 0 turns it off");
  }
  if (!std::isfinite(p.frequency_penalty)) {
    reject("frequency_penalty", p.frequency_penalty, "must be finite; 0 turns it off");
  }
  if (p.repeat_last_n < 0) {
    reject("repeat_last_n", p.repeat_last_n, "must be >= 0; 0 turns the penalties off");
  }
}

}  // namespace mosaic
