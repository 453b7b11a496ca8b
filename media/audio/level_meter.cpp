#include "media/audio/level_meter.h"

#include <algorithm>
#include <cmath>

namespace mosaic::media {

float amplitude_to_dbfs(double amplitude) {
  if (amplitude <= 1e-6) return kSilenceDbfs;
  return std::max(kSilenceDbfs, static_cast<float>(20.0 * std::log10(amplitude)));
}

BlockLevel measure_level(const float* samples, size_t count) {
  if (count == 0) return {};
  double sum_squares = 0;
  float peak = 0;
  for (size_t i = 0; i < count; ++i) {
    sum_squares += static_cast<double>(samples[i]) * samples[i];
    peak = std::max(peak, std::fabs(samples[i]));
  }
  return BlockLevel{amplitude_to_dbfs(std::sqrt(sum_squares / static_cast<double>(count))),
                    amplitude_to_dbfs(peak)};
}

double zero_crossing_rate(const float* samples, size_t count) {
  if (count < 2) return 0;
  size_t crossings = 0;
  for (size_t i = 1; i < count; ++i) {
    if ((samples[i - 1] >= 0) != (samples[i] >= 0)) ++crossings;
  }
  return static_cast<double>(crossings) / static_cast<double>(count - 1);
}

}  // namespace mosaic::media
