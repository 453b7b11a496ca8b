// Mono float PCM in [-1, 1]. The engine's speech side wants 16 kHz, which is
// what every decoder and capture source here produces.
#pragma once

#include <cstdint>
#include <vector>

namespace mosaic::media {

inline constexpr int kSpeechSampleRateHz = 16000;

struct AudioBuffer {
  std::vector<float> samples;
  int sample_rate_hz = kSpeechSampleRateHz;

  int64_t duration_ms() const {
    if (sample_rate_hz <= 0) return 0;
    return static_cast<int64_t>(samples.size()) * 1000 / sample_rate_hz;
  }
};

}  // namespace mosaic::media
