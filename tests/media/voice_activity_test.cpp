// Speech from espeak-ng placed in silence (with a little noise) at known
// times: the detector's segments must match where the speech really is. The
// reference boundaries come from the clean synthesized clips, whose padding
// is digital silence, with a plain amplitude threshold.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "media/audio/level_meter.h"
#include "media/audio/voice_activity_detector.h"
#include "media/decode/audio_decoder.h"
#include "tests/media/media_test_support.h"

namespace mosaic::media {
namespace {

constexpr int kRate = kSpeechSampleRateHz;

struct Extent {
  size_t first = 0, last = 0;  // sample indices of the first and last audible sample
};

Extent audible_extent(const std::vector<float>& samples) {
  Extent extent;
  bool found = false;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (std::fabs(samples[i]) > 0.02f) {
      if (!found) extent.first = i;
      extent.last = i;
      found = true;
    }
  }
  return extent;
}

void append_silence(std::vector<float>& out, int duration_ms) {
  out.insert(out.end(), static_cast<size_t>(duration_ms) * kRate / 1000, 0.0f);
}

void add_noise(std::vector<float>& samples, float amplitude) {
  std::mt19937 random(99);
  std::uniform_real_distribution<float> noise(-amplitude, amplitude);
  for (float& sample : samples) sample += noise(random);
}

TEST(VoiceActivity, FindsEspeakUtterancesAtKnownTimes) {
  MOSAIC_REQUIRE_PROGRAM("espeak-ng");
  test::ScratchDir dir;
  ASSERT_TRUE(test::run_command("espeak-ng -w " + test::quoted(dir / "one.wav") +
                                " 'Hello there, this is the first sentence.'"));
  ASSERT_TRUE(test::run_command("espeak-ng -w " + test::quoted(dir / "two.wav") +
                                " 'And here comes another one.'"));
  const AudioBuffer one = decode_audio_file(dir / "one.wav");
  const AudioBuffer two = decode_audio_file(dir / "two.wav");
  const Extent one_extent = audible_extent(one.samples);
  const Extent two_extent = audible_extent(two.samples);

  // 1.0 s silence, clip one, 1.5 s silence, clip two, 1.0 s silence.
  std::vector<float> mix;
  append_silence(mix, 1000);
  const size_t one_offset = mix.size();
  mix.insert(mix.end(), one.samples.begin(), one.samples.end());
  append_silence(mix, 1500);
  const size_t two_offset = mix.size();
  mix.insert(mix.end(), two.samples.begin(), two.samples.end());
  append_silence(mix, 1000);
  add_noise(mix, 0.003f);  // about -55 dBFS RMS: a quiet room

  auto ms = [](size_t sample) { return static_cast<double>(sample) * 1000.0 / kRate; };
  const double one_start = ms(one_offset + one_extent.first);
  const double one_end = ms(one_offset + one_extent.last);
  const double two_start = ms(two_offset + two_extent.first);
  const double two_end = ms(two_offset + two_extent.last);

  const std::vector<SpeechSegment> segments =
      detect_speech_segments(AudioBuffer{mix, kRate}, VadOptions{});
  ASSERT_EQ(segments.size(), 2u) << "first: " << (segments.empty() ? -1 : segments[0].start_ms);
  EXPECT_NEAR(static_cast<double>(segments[0].start_ms), one_start, 80);
  EXPECT_NEAR(static_cast<double>(segments[0].end_ms), one_end, 150);
  EXPECT_NEAR(static_cast<double>(segments[1].start_ms), two_start, 80);
  EXPECT_NEAR(static_cast<double>(segments[1].end_ms), two_end, 150);
}

// Streaming in odd block sizes gives the same events as one call.
TEST(VoiceActivity, StreamingMatchesWholeBuffer) {
  std::vector<float> signal;
  append_silence(signal, 700);
  for (int i = 0; i < kRate; ++i) {  // 1 s of a 220 Hz tone at -17 dBFS, like voiced speech
    signal.push_back(0.2f * std::sin(2 * 3.14159265f * 220 * static_cast<float>(i) / kRate));
  }
  append_silence(signal, 800);
  add_noise(signal, 0.002f);

  const std::vector<SpeechSegment> whole = detect_speech_segments(AudioBuffer{signal, kRate});
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_NEAR(static_cast<double>(whole[0].start_ms), 700, 40);
  EXPECT_NEAR(static_cast<double>(whole[0].end_ms), 1700, 40);

  VoiceActivityDetector detector;
  std::vector<VadEvent> events;
  size_t position = 0;
  for (size_t block = 1; position < signal.size(); block = block * 7 % 997 + 1) {
    const size_t count = std::min(block, signal.size() - position);
    for (const VadEvent& event :
         detector.process(std::span<const float>(signal.data() + position, count))) {
      events.push_back(event);
    }
    position += count;
  }
  for (const VadEvent& event : detector.finish()) events.push_back(event);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, VadEventKind::SpeechStart);
  EXPECT_EQ(events[0].time_ms, whole[0].start_ms);
  EXPECT_EQ(events[1].kind, VadEventKind::SpeechEnd);
  EXPECT_EQ(events[1].time_ms, whole[0].end_ms);
}

TEST(VoiceActivity, ClicksAndSteadyNoiseAreNotSpeech) {
  std::vector<float> signal;
  append_silence(signal, 2000);
  add_noise(signal, 0.05f);  // loud but steady hiss: the floor adapts to it
  // A 20 ms click well above the hiss.
  for (int i = 0; i < kRate / 50; ++i) signal[kRate + static_cast<size_t>(i)] += 0.5f;
  EXPECT_TRUE(detect_speech_segments(AudioBuffer{signal, kRate}).empty());
}

TEST(VoiceActivity, HangoverBridgesShortPauses) {
  auto tone = [](std::vector<float>& out, int duration_ms) {
    for (int i = 0; i < duration_ms * kRate / 1000; ++i) {
      out.push_back(0.2f * std::sin(2 * 3.14159265f * 300 * static_cast<float>(i) / kRate));
    }
  };
  std::vector<float> signal;
  append_silence(signal, 500);
  tone(signal, 400);
  append_silence(signal, 150);  // a pause between words: shorter than the hangover
  tone(signal, 400);
  append_silence(signal, 600);  // a real pause
  tone(signal, 400);
  append_silence(signal, 500);
  add_noise(signal, 0.002f);
  const std::vector<SpeechSegment> segments = detect_speech_segments(AudioBuffer{signal, kRate});
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_NEAR(static_cast<double>(segments[0].start_ms), 500, 40);
  EXPECT_NEAR(static_cast<double>(segments[0].end_ms), 1450, 40);
  EXPECT_NEAR(static_cast<double>(segments[1].start_ms), 2050, 40);
}

// A fan switching on raises the noise for good: the detector may take the
// step for speech, but only until the noise window has passed, and it still
// finds speech in the louder room afterwards.
TEST(VoiceActivity, AdaptsToANoiseStep) {
  std::vector<float> signal(static_cast<size_t>(9 * kRate), 0.0f);
  std::mt19937 random(5);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  for (size_t i = 0; i < signal.size(); ++i) {
    const float amplitude = i < static_cast<size_t>(kRate) ? 0.002f : 0.03f;  // step at 1 s
    signal[i] = amplitude * unit(random);
    if (i >= static_cast<size_t>(7 * kRate) && i < static_cast<size_t>(8 * kRate)) {
      signal[i] += 0.3f * std::sin(2 * 3.14159265f * 200 * static_cast<float>(i) / kRate);
    }
  }
  const VadOptions options;  // 3 s noise window, 300 ms hangover
  const std::vector<SpeechSegment> segments = detect_speech_segments(AudioBuffer{signal, kRate});
  ASSERT_FALSE(segments.empty());
  const SpeechSegment& last = segments.back();
  EXPECT_NEAR(static_cast<double>(last.start_ms), 7000, 60);
  EXPECT_NEAR(static_cast<double>(last.end_ms), 8000, 60);
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    EXPECT_GE(segments[i].start_ms, 1000 - 60);
    EXPECT_LE(segments[i].end_ms, 1000 + options.noise_window_ms + options.hangover_ms + 60);
  }
}

TEST(LevelMeter, KnownLevels) {
  std::vector<float> sine(kRate);
  for (int i = 0; i < kRate; ++i)
    sine[static_cast<size_t>(i)] = std::sin(2 * 3.14159265f * 100 * i / kRate);
  const BlockLevel level = measure_level(sine.data(), sine.size());
  EXPECT_NEAR(level.rms_dbfs, -3.01, 0.05);  // full-scale sine
  EXPECT_NEAR(level.peak_dbfs, 0.0, 0.05);
  EXPECT_NEAR(zero_crossing_rate(sine.data(), sine.size()), 200.0 / kRate, 0.001);
  const std::vector<float> silence(100, 0.0f);
  EXPECT_EQ(measure_level(silence.data(), silence.size()).rms_dbfs, kSilenceDbfs);
}

}  // namespace
}  // namespace mosaic::media
