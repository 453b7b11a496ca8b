// Loudness of a block of samples, for microphone level bars and for the
// voice-activity detector. dBFS: 0 is a full-scale square wave, a full-scale
// sine is -3, silence is clamped to kSilenceDbfs.
#pragma once

#include <cstddef>

namespace mosaic::media {

inline constexpr float kSilenceDbfs = -120.0f;

struct BlockLevel {
  float rms_dbfs = kSilenceDbfs;
  float peak_dbfs = kSilenceDbfs;
};

BlockLevel measure_level(const float* samples, size_t count);

float amplitude_to_dbfs(double amplitude);

// Share of adjacent sample pairs with opposite signs (0..1): high for noise
// and fricatives, low for voiced speech and hum.
double zero_crossing_rate(const float* samples, size_t count);

}  // namespace mosaic::media
