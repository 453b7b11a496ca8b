// Live-source machinery with files standing in for devices, and the
// no-device paths as they behave on machines without camera or sound card.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "media/capture/camera_source.h"
#include "media/capture/file_audio_source.h"
#include "media/capture/memory_audio_sink.h"
#include "media/capture/portaudio_devices.h"
#include "media/capture/portaudio_microphone.h"
#include "media/capture/portaudio_speaker.h"
#include "media/capture/video_file_source.h"
#include "media/core/frame_sampler.h"
#include "media/core/media_error.h"
#include "media/decode/audio_decoder.h"
#include "tests/media/media_test_support.h"

namespace mosaic::media {
namespace {

using Clock = std::chrono::steady_clock;

std::filesystem::path make_cut_video(const test::ScratchDir& dir) {
  // Red 1.5 s then blue 1.5 s at 10 fps: a cut at exactly 1500 ms.
  const auto file = dir / "cut.mkv";
  EXPECT_TRUE(test::run_ffmpeg(
      "-f lavfi -i color=c=red:s=160x120:r=10:d=1.5 -f lavfi -i color=c=blue:s=160x120:r=10:d=1.5 "
      "-filter_complex concat=n=2:v=1:a=0 -c:v libx264 -preset ultrafast " +
      test::quoted(file)));
  return file;
}

TEST(VideoFileSource, AsFastAsPossibleDeliversEveryFrameAndTheCut) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  test::ScratchDir dir;
  const auto file = make_cut_video(dir);
  VideoFileSourceOptions options;
  options.pacing = Pacing::AsFastAsPossible;
  options.queue_capacity = 2;  // smaller than the clip: the source must wait, not drop
  VideoFileSource source(file, options);
  source.start();
  EXPECT_EQ(source.state(), CaptureState::Running);

  FrameSamplerOptions sampler_options;
  sampler_options.interval_ms = 0;
  FrameSampler sampler(sampler_options);
  std::vector<int64_t> cuts_ms;
  int count = 0;
  int64_t previous_pts = -1;
  while (auto frame = source.next_frame(5000)) {
    EXPECT_GT(frame->pts_us, previous_pts);
    previous_pts = frame->pts_us;
    if (sampler.consider(*frame).reason == SampleReason::SceneChange) {
      cuts_ms.push_back(frame->pts_us / 1000);
    }
    ++count;
  }
  EXPECT_EQ(count, 30);
  EXPECT_EQ(source.dropped_frames(), 0u);
  EXPECT_EQ(cuts_ms, std::vector<int64_t>{1500});
  EXPECT_EQ(source.state(), CaptureState::Finished);
  const auto last = source.latest_frame();
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(test::near_color(test::average_color(*last, 80, 60, 5), {0, 0, 255}, 40));

  // Started again after the end, it plays the file again from the start.
  source.start();
  const auto first_again = source.next_frame(5000);
  ASSERT_TRUE(first_again.has_value());
  EXPECT_EQ(first_again->pts_us, 0);
  EXPECT_TRUE(test::near_color(test::average_color(*first_again, 80, 60, 5), {255, 0, 0}, 40));
  source.stop();
}

TEST(VideoFileSource, RealTimePacingFollowsTimestamps) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  test::ScratchDir dir;
  const auto file = dir / "second.mkv";
  ASSERT_TRUE(
      test::run_ffmpeg("-f lavfi -i testsrc2=s=160x120:r=10:d=1 -c:v libx264 "
                       "-preset ultrafast " +
                       test::quoted(file)));
  VideoFileSource source(file);  // real time by default
  const auto started = Clock::now();
  source.start();
  int count = 0;
  while (source.next_frame(2000)) ++count;
  const auto elapsed = Clock::now() - started;
  // The last frame is due at 900 ms; decoding alone takes a few ms.
  EXPECT_GE(elapsed, std::chrono::milliseconds(850));
  EXPECT_EQ(count, 10);
  source.stop();
}

TEST(VideoFileSource, StopIsPromptAndLoopKeepsTimestampsRising) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  test::ScratchDir dir;
  const auto file = dir / "short.mkv";
  ASSERT_TRUE(
      test::run_ffmpeg("-f lavfi -i testsrc2=s=64x48:r=10:d=0.3 -c:v libx264 "
                       "-preset ultrafast " +
                       test::quoted(file)));
  VideoFileSourceOptions options;
  options.pacing = Pacing::AsFastAsPossible;
  options.at_end = FileEnd::Loop;
  VideoFileSource source(file, options);
  source.start();
  int64_t previous = -1;
  for (int i = 0; i < 10; ++i) {  // more than three loops of three frames
    const auto frame = source.next_frame(2000);
    ASSERT_TRUE(frame.has_value());
    EXPECT_GT(frame->pts_us, previous);
    previous = frame->pts_us;
  }
  EXPECT_NEAR(static_cast<double>(previous), 900000.0, 1000.0);  // frame 9 of a 10 fps loop
  const auto before = Clock::now();
  source.stop();
  EXPECT_LT(Clock::now() - before, std::chrono::milliseconds(500));
  EXPECT_EQ(source.state(), CaptureState::Stopped);
}

TEST(VideoFileSource, MissingFileFailsAtStart) {
  VideoFileSource source("/nonexistent/clip.mp4");
  EXPECT_THROW(source.start(), MediaError);
  EXPECT_EQ(source.state(), CaptureState::Failed);
  EXPECT_NE(source.status_message().find("clip.mp4"), std::string::npos);
}

TEST(Camera, MissingCameraIsAQuickClearError) {
  const std::vector<CameraInfo> cameras = list_cameras();
  for (const CameraInfo& camera : cameras) {
    EXPECT_TRUE(std::filesystem::exists(camera.device_path)) << camera.device_path;
  }
  CameraOptions options;
  options.device_index = 97;  // no machine has this many
  ASSERT_FALSE(std::filesystem::exists("/dev/video97"));
  CameraSource camera(options);
  const auto before = Clock::now();
  try {
    camera.start();
    ADD_FAILURE() << "started a camera that does not exist";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::NoDevice);
    EXPECT_NE(std::string(error.what()).find("no camera"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("/dev/video97"), std::string::npos) << error.what();
  }
  EXPECT_LT(Clock::now() - before, std::chrono::milliseconds(500));
  EXPECT_EQ(camera.state(), CaptureState::NoDevice);
  EXPECT_FALSE(camera.next_frame(0).has_value());
}

TEST(Microphone, NoDeviceIsAState) {
  MicrophoneOptions options;
  options.device_index = 4096;
  PortAudioMicrophone microphone(options);
  try {
    microphone.start();
    ADD_FAILURE() << "started a microphone that does not exist";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::NoDevice);
  }
  EXPECT_EQ(microphone.state(), CaptureState::NoDevice);
  EXPECT_NE(microphone.status_message().find("no microphone"), std::string::npos);
  float buffer[16];
  EXPECT_EQ(microphone.read(buffer, 16), 0u);

  // The default device: absent on build machines, present on desktops.
  bool has_input = false;
  for (const AudioDeviceInfo& device : list_audio_devices())
    has_input |= device.max_input_channels > 0;
  if (!has_input) {
    PortAudioMicrophone default_microphone;
    EXPECT_THROW(default_microphone.start(), MediaError);
    EXPECT_EQ(default_microphone.state(), CaptureState::NoDevice);
  }
}

TEST(Speaker, NoDeviceIsAState) {
  SpeakerOptions options;
  options.device_index = 4096;
  PortAudioSpeaker speaker(options);
  EXPECT_THROW(speaker.start(), MediaError);
  EXPECT_EQ(speaker.state(), CaptureState::NoDevice);
  EXPECT_NE(speaker.status_message().find("no speaker"), std::string::npos);
  EXPECT_THROW(speaker.play(AudioBuffer{{0.0f}, kSpeechSampleRateHz}), MediaError);
}

AudioBuffer tone(double frequency_hz, int duration_ms, float amplitude = 0.3f) {
  AudioBuffer audio;
  for (int i = 0; i < duration_ms * kSpeechSampleRateHz / 1000; ++i) {
    audio.samples.push_back(
        amplitude * static_cast<float>(
                        std::sin(2 * 3.14159265358979 * frequency_hz * i / kSpeechSampleRateHz)));
  }
  return audio;
}

TEST(FileAudioSource, FastPacingDeliversTheWholeFile) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  test::ScratchDir dir;
  ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i sine=frequency=500:sample_rate=44100:duration=1.5 " +
                               test::quoted(dir / "tone.flac")));
  const AudioBuffer expected = decode_audio_file(dir / "tone.flac");
  FileAudioSourceOptions options;
  options.pacing = Pacing::AsFastAsPossible;
  FileAudioSource source(dir / "tone.flac", options);
  source.start();
  std::vector<float> received;
  float block[1000];
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    const size_t got = source.read(block, 1000);
    received.insert(received.end(), block, block + got);
    if (got == 0) {
      if (source.state() == CaptureState::Finished && source.read(block, 1) == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  EXPECT_EQ(received, expected.samples);
  EXPECT_EQ(source.dropped_samples(), 0u);
  // The last block's level: lavfi's sine has amplitude 1/8, RMS 1/(8 sqrt 2) = -21.07 dBFS.
  EXPECT_NEAR(source.level_dbfs(), -21.07, 0.5);
}

TEST(FileAudioSource, RealTimePacingArrivesOverTime) {
  FileAudioSource source(tone(300, 2000));
  source.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  std::vector<float> block(kSpeechSampleRateHz * 2);
  const size_t got = source.read(block.data(), block.size());
  // About 400 ms worth: generous bounds for a loaded machine, but far from all 2 s.
  EXPECT_GT(got, static_cast<size_t>(kSpeechSampleRateHz * 0.2));
  EXPECT_LT(got, static_cast<size_t>(kSpeechSampleRateHz * 1.0));
  EXPECT_EQ(source.state(), CaptureState::Running);
  source.stop();
  EXPECT_EQ(source.state(), CaptureState::Stopped);
}

TEST(MemoryAudioSink, StopIsImmediateAndQueueingWorks) {
  MemoryAudioSink sink(Pacing::RealTime);
  sink.start();
  sink.play(tone(440, 3000));
  EXPECT_TRUE(sink.is_playing());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  sink.stop();
  EXPECT_FALSE(sink.is_playing());
  const size_t played_at_stop = sink.played_samples().size();
  EXPECT_LT(played_at_stop, static_cast<size_t>(kSpeechSampleRateHz * 1.5));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(sink.played_samples().size(), played_at_stop);  // nothing after stop

  // Audio at another rate is converted; two buffers play back to back.
  AudioBuffer at_8k;
  at_8k.sample_rate_hz = 8000;
  at_8k.samples.assign(800, 0.1f);  // 100 ms
  sink.play(at_8k);
  sink.play(tone(440, 100));
  EXPECT_TRUE(sink.wait_until_idle(3000));
  const size_t added = sink.played_samples().size() - played_at_stop;
  EXPECT_NEAR(static_cast<double>(added), 3200.0, 40.0);
  sink.close();
}

TEST(WavFileSink, WritesAFileTheDecoderReadsBack) {
  test::ScratchDir dir;
  {
    WavFileSink sink(dir / "reply.wav");
    sink.start();
    sink.play(tone(880, 500));
    sink.play(tone(880, 500));
    sink.close();
  }
  const AudioBuffer decoded = decode_audio_file(dir / "reply.wav");
  EXPECT_EQ(decoded.duration_ms(), 1000);
  EXPECT_NEAR(test::dominant_frequency_hz(decoded.samples, kSpeechSampleRateHz, 100, 4000), 880, 2);
  EXPECT_NEAR(test::rms(decoded.samples, 0, decoded.samples.size()), 0.3 / std::sqrt(2.0), 0.01);
}

}  // namespace
}  // namespace mosaic::media
