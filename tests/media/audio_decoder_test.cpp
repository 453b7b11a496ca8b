// Sine tones of known frequency and length, in several codecs and layouts,
// must come back as 16 kHz mono with that frequency, level and duration.
#include "media/decode/audio_decoder.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>

#include "media/core/media_error.h"
#include "tests/media/media_test_support.h"

namespace mosaic::media {
namespace {

struct ToneCase {
  const char* file_name;
  const char* codec_options;
  int source_rate_hz;
  int channels;
  int duration_tolerance_ms;  // lossy codecs pad the start and end
};

class AudioToneTest : public ::testing::TestWithParam<ToneCase> {};

TEST_P(AudioToneTest, DecodesFrequencyLevelAndDuration) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  const ToneCase& c = GetParam();
  test::ScratchDir dir;
  const auto file = dir / c.file_name;
  // lavfi's sine source has amplitude 1/8. The pan filter copies it unchanged
  // to every channel (-ac would scale it by the upmix matrix).
  std::string pan;
  if (c.channels == 2) pan = "-af 'pan=stereo|c0=c0|c1=c0'";
  if (c.channels == 6) pan = "-af 'pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0'";
  ASSERT_TRUE(test::run_ffmpeg(
      "-f lavfi -i sine=frequency=440:sample_rate=" + std::to_string(c.source_rate_hz) +
      ":duration=2 " + pan + " " + c.codec_options + " " + test::quoted(file)));
  const AudioBuffer audio = decode_audio_file(file);
  EXPECT_EQ(audio.sample_rate_hz, 16000);
  EXPECT_NEAR(static_cast<double>(audio.duration_ms()), 2000.0, c.duration_tolerance_ms);
  EXPECT_NEAR(test::dominant_frequency_hz(audio.samples, 16000, 50, 4000), 440.0, 2.0);
  // The middle second, away from codec ramp-up. The downmix averages channels,
  // so the same tone on both keeps its level.
  const double level = test::rms(audio.samples, 8000, 24000);
  EXPECT_NEAR(level, 0.125 / std::sqrt(2.0), 0.125 / std::sqrt(2.0) * 0.1) << "rms " << level;
}

INSTANTIATE_TEST_SUITE_P(Codecs, AudioToneTest,
                         ::testing::Values(ToneCase{"tone.wav", "", 44100, 1, 5},
                                           ToneCase{"tone_48k.wav", "", 48000, 1, 5},
                                           ToneCase{"tone_8k.wav", "", 8000, 1, 5},
                                           ToneCase{"tone.flac", "", 44100, 1, 5},
                                           ToneCase{"tone.mp3", "-b:a 64k", 44100, 1, 80},
                                           ToneCase{"tone.ogg", "-c:a libvorbis", 44100, 1, 80},
                                           ToneCase{"tone.opus", "-c:a libopus -b:a 48k", 48000, 1,
                                                    80},
                                           ToneCase{"tone.m4a", "-c:a aac -b:a 64k", 44100, 1, 80},
                                           ToneCase{"stereo.wav", "", 44100, 2, 5},
                                           ToneCase{"stereo.mp3", "-b:a 128k", 48000, 2, 80},
                                           ToneCase{"surround.flac", "", 48000, 6, 5}),
                         [](const auto& info) {
                           std::string name = info.param.file_name;
                           for (char& ch : name) {
                             if (ch == '.') ch = '_';
                           }
                           return name;
                         });

TEST(AudioDecoder, StereoDownmixKeepsTheTone) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  test::ScratchDir dir;
  // Different tones left and right: both must survive the downmix.
  ASSERT_TRUE(test::run_ffmpeg(
      "-f lavfi -i sine=frequency=300:duration=1 -f lavfi -i sine=frequency=1200:duration=1 "
      "-filter_complex '[0:a][1:a]join=inputs=2:channel_layout=stereo' " +
      test::quoted(dir / "stereo.wav")));
  const AudioBuffer audio = decode_audio_file(dir / "stereo.wav");
  EXPECT_NEAR(static_cast<double>(audio.duration_ms()), 1000.0, 5);
  const double low = test::dominant_frequency_hz(audio.samples, 16000, 100, 700);
  const double high = test::dominant_frequency_hz(audio.samples, 16000, 800, 4000);
  EXPECT_NEAR(low, 300, 2);
  EXPECT_NEAR(high, 1200, 2);
}

TEST(AudioDecoder, AudioTrackOfAVideo) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  test::ScratchDir dir;
  ASSERT_TRUE(test::run_ffmpeg(
      "-f lavfi -i testsrc2=s=160x120:r=10:d=1 -f lavfi -i sine=frequency=1000:duration=1 "
      "-c:v libx264 -preset ultrafast -c:a aac -shortest " +
      test::quoted(dir / "clip.mp4")));
  const AudioBuffer audio = decode_audio_file(dir / "clip.mp4");
  EXPECT_NEAR(test::dominant_frequency_hz(audio.samples, 16000, 50, 4000), 1000, 2);
  EXPECT_NEAR(static_cast<double>(audio.duration_ms()), 1000.0, 80);
}

TEST(AudioDecoder, DurationLimit) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  test::ScratchDir dir;
  ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i sine=duration=2 " + test::quoted(dir / "long.wav")));
  try {
    decode_audio_file(dir / "long.wav", AudioDecodeOptions{.max_duration_ms = 1000});
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::TooLarge) << error.what();
  }
}

TEST(AudioDecoder, VideoWithoutAudioIsUnsupported) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  test::ScratchDir dir;
  ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i testsrc2=s=64x48:r=5:d=0.4 -c:v libx264 " +
                               test::quoted(dir / "silent.mp4")));
  try {
    decode_audio_file(dir / "silent.mp4");
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::Unsupported) << error.what();
    EXPECT_NE(std::string(error.what()).find("no audio"), std::string::npos) << error.what();
  }
}

TEST(AudioDecoder, DamagedFilesFailCleanly) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  test::ScratchDir dir;
  for (const char* name : {"tone.mp3", "tone.m4a", "tone.ogg", "tone.flac", "tone.wav"}) {
    ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i sine=duration=1 " + test::quoted(dir / name)));
    // Cut in the header: nothing decodable may come back.
    test::write_truncated_copy(dir / name, dir / (std::string("head-") + name), 0.02);
    EXPECT_THROW(decode_audio_file(dir / (std::string("head-") + name)), MediaError) << name;
    // Cut in the middle or scrambled: an error, or (formats that stream) the part before the cut.
    test::write_truncated_copy(dir / name, dir / (std::string("half-") + name), 0.5);
    test::write_scrambled_copy(dir / name, dir / (std::string("mangled-") + name), 0.3, 2000);
    for (const char* prefix : {"half-", "mangled-"}) {
      try {
        const AudioBuffer audio = decode_audio_file(dir / (std::string(prefix) + name));
        EXPECT_LE(audio.duration_ms(), 1100) << prefix << name;
      } catch (const MediaError& error) {
        SUCCEED() << error.what();
      }
    }
  }
  EXPECT_THROW(decode_audio_file(dir / "absent.wav"), MediaError);
}

// A named pipe with no writer would block a reader forever: refused up front.
TEST(AudioDecoder, PipesAreRefusedInsteadOfBlocking) {
  test::ScratchDir dir;
  const auto fifo = dir / "stream.wav";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  try {
    decode_audio_file(fifo);
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::Unsupported);
    EXPECT_NE(std::string(error.what()).find("not a regular file"), std::string::npos);
  }
}

}  // namespace
}  // namespace mosaic::media
