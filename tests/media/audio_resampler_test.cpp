// The conversion the microphone uses: interleaved device audio at the
// device's rate, in callback-sized blocks, to 16 kHz mono.
#include "media/decode/audio_resampler.h"

#include <gtest/gtest.h>

#include <cmath>

#include "media/core/media_error.h"
#include "tests/media/media_test_support.h"

namespace mosaic::media {
namespace {

TEST(AudioResampler, StereoDeviceBlocksToSpeechRate) {
  constexpr int kDeviceRate = 48000;
  constexpr int kFrames = kDeviceRate * 2;  // 2 s
  std::vector<float> interleaved(static_cast<size_t>(kFrames) * 2);
  for (int i = 0; i < kFrames; ++i) {
    const float left = 0.4f * std::sin(2 * 3.14159265f * 700 * static_cast<float>(i) / kDeviceRate);
    interleaved[static_cast<size_t>(i) * 2] = left;
    interleaved[static_cast<size_t>(i) * 2 + 1] = left;  // same tone on both channels
  }
  AudioResampler resampler(kDeviceRate, 2, 16000);
  std::vector<float> out;
  // Odd block sizes, as device callbacks deliver them.
  int position = 0;
  for (int block = 441; position < kFrames; block = block % 1000 + 97) {
    const int count = std::min(block, kFrames - position);
    resampler.process(interleaved.data() + static_cast<size_t>(position) * 2, count, out);
    position += count;
  }
  resampler.flush(out);
  EXPECT_NEAR(static_cast<double>(out.size()), 32000.0, 2.0);
  EXPECT_NEAR(test::dominant_frequency_hz(out, 16000, 50, 4000), 700.0, 2.0);
  // Mixing two identical channels to one keeps the level within a few percent
  // (swresample's stereo-to-mono matrix is normalized).
  const double level = test::rms(out, 4000, 28000);
  EXPECT_NEAR(level, 0.4 / std::sqrt(2.0), 0.4 / std::sqrt(2.0) * 0.1) << level;
}

TEST(AudioResampler, RejectsImpossibleFormats) {
  EXPECT_THROW(AudioResampler(0, 1, 16000), MediaError);
  EXPECT_THROW(AudioResampler(44100, 0, 16000), MediaError);
  EXPECT_THROW(AudioResampler(44100, 1, -5), MediaError);
}

}  // namespace
}  // namespace mosaic::media
