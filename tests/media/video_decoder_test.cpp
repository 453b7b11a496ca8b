// Generated clips with known frame rates, sizes and a colour cut at a known
// time: frames must come out with the right timestamps and sizes, and the
// sampler must pick the cut.
#include "media/decode/video_decoder.h"

#include <gtest/gtest.h>

#include "media/core/media_error.h"
#include "media/decode/media_probe.h"
#include "tests/media/media_test_support.h"

namespace mosaic::media {
namespace {

class VideoDecoderTest : public ::testing::Test {
 protected:
  void SetUp() override { MOSAIC_REQUIRE_PROGRAM("ffmpeg"); }

  // 10 fps, 320 x 240, 2 s of moving test pattern.
  std::filesystem::path make_testsrc(const std::string& name, const std::string& extra = "") {
    const auto file = dir_ / name;
    EXPECT_TRUE(test::run_ffmpeg("-f lavfi -i testsrc2=s=320x240:r=10:d=2 " + extra + " " +
                                 test::quoted(file)));
    return file;
  }

  // Red for 1.5 s, then blue for 1.5 s, at 10 fps: a cut at exactly 1500 ms.
  std::filesystem::path make_cut(const std::string& name) {
    const auto file = dir_ / name;
    EXPECT_TRUE(test::run_ffmpeg(
        "-f lavfi -i color=c=red:s=320x240:r=10:d=1.5 -f lavfi -i "
        "color=c=blue:s=320x240:r=10:d=1.5 "
        "-filter_complex concat=n=2:v=1:a=0 -c:v libx264 -preset ultrafast -pix_fmt yuv420p " +
        test::quoted(file)));
    return file;
  }

  test::ScratchDir dir_;
};

TEST_F(VideoDecoderTest, FramesHaveTimestampsAndSize) {
  for (const char* name : {"clip.mp4", "clip.mkv", "clip.webm"}) {
    const auto file = make_testsrc(name);
    VideoDecoder decoder(file);
    EXPECT_EQ(decoder.output_width(), 320);
    EXPECT_EQ(decoder.output_height(), 240);
    EXPECT_NEAR(decoder.frames_per_second(), 10.0, 0.01) << name;
    int count = 0;
    while (auto frame = decoder.next_frame()) {
      EXPECT_EQ(frame->width, 320);
      EXPECT_EQ(frame->height, 240);
      EXPECT_NEAR(static_cast<double>(frame->pts_us), count * 100000.0, 1000.0)
          << name << " frame " << count;
      ++count;
    }
    EXPECT_EQ(count, 20) << name;
    EXPECT_FALSE(decoder.next_frame().has_value());
  }
}

TEST_F(VideoDecoderTest, ScalesToMaxSide) {
  const auto file = make_testsrc("clip.mp4");
  VideoDecoder decoder(file, VideoDecodeOptions{.max_side_px = 160});
  const auto frame = decoder.next_frame();
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->width, 160);
  EXPECT_EQ(frame->height, 120);
}

// The reference is ffmpeg's own player behaviour: it rotates by the display
// matrix when decoding to a picture ("autorotate").
TEST_F(VideoDecoderTest, RotationMetadataTurnsFramesUpright) {
  // Left half red, right half blue; then a rotation tag added without re-encoding.
  const auto plain = dir_ / "plain.mp4";
  const auto rotated = dir_ / "rotated.mp4";
  ASSERT_TRUE(test::run_ffmpeg(
      "-f lavfi -i color=c=red:s=80x60:r=5:d=0.4 -f lavfi -i color=c=blue:s=80x60:r=5:d=0.4 "
      "-filter_complex hstack -c:v libx264 -preset ultrafast -pix_fmt yuv444p " +
      test::quoted(plain)));
  ASSERT_TRUE(test::run_ffmpeg("-i " + test::quoted(plain) + " -c copy -metadata:s:v:0 rotate=90 " +
                               test::quoted(rotated)));
  ASSERT_TRUE(test::run_ffmpeg("-i " + test::quoted(rotated) + " -frames:v 1 " +
                               test::quoted(dir_ / "reference.ppm")));
  const RgbFrame reference = test::read_ppm(dir_ / "reference.ppm");
  ASSERT_EQ(reference.width, 60);  // ffmpeg did turn it
  ASSERT_EQ(reference.height, 160);

  VideoDecoder decoder(rotated);
  EXPECT_EQ(decoder.output_width(), 60);
  EXPECT_EQ(decoder.output_height(), 160);
  const auto frame = decoder.next_frame();
  ASSERT_TRUE(frame.has_value());
  ASSERT_EQ(frame->width, 60);
  ASSERT_EQ(frame->height, 160);
  for (int y : {40, 120}) {
    const test::Rgb expected = test::average_color(reference, 30, y, 5);
    const test::Rgb actual = test::average_color(*frame, 30, y, 5);
    EXPECT_TRUE(test::near_color(actual, expected, 20))
        << "y " << y << ": " << test::describe(actual) << " vs ffmpeg " << test::describe(expected);
  }
  // And the two halves differ, so the comparison above means something.
  EXPECT_FALSE(test::near_color(test::average_color(reference, 30, 40, 5),
                                test::average_color(reference, 30, 120, 5), 100));
}

TEST_F(VideoDecoderTest, SamplerFindsTheCut) {
  const auto file = make_cut("cut.mp4");
  VideoSamplingOptions options;
  options.sampler.interval_ms = 0;  // scene changes only
  options.max_side_px = 160;
  const auto samples = sample_video_file(file, options);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].reason, SampleReason::FirstFrame);
  EXPECT_EQ(samples[0].frame.pts_us, 0);
  EXPECT_EQ(samples[1].reason, SampleReason::SceneChange);
  EXPECT_NEAR(static_cast<double>(samples[1].frame.pts_us), 1500000.0, 1000.0);
  EXPECT_TRUE(test::near_color(test::average_color(samples[1].frame, 80, 60, 5), {0, 0, 255}, 40));
}

TEST_F(VideoDecoderTest, SamplerCombinesIntervalAndCut) {
  const auto file = make_cut("cut.mkv");
  VideoSamplingOptions options;
  options.sampler.interval_ms = 1000;
  const auto samples = sample_video_file(file, options);
  std::vector<int64_t> times_ms;
  for (const auto& sample : samples) times_ms.push_back(sample.frame.pts_us / 1000);
  // 0 (first), 1000 (interval), 1500 (cut), 2500 (interval after the cut).
  EXPECT_EQ(times_ms, (std::vector<int64_t>{0, 1000, 1500, 2500}));
}

TEST_F(VideoDecoderTest, ProbeDescribesStreams) {
  const auto file = dir_ / "av.mp4";
  ASSERT_TRUE(test::run_ffmpeg(
      "-f lavfi -i testsrc2=s=320x240:r=10:d=2 -f lavfi -i sine=sample_rate=44100:duration=2 "
      "-ac 2 -c:v libx264 -preset ultrafast -c:a aac " +
      test::quoted(file)));
  const MediaInfo info = media_info(file);
  EXPECT_NE(info.container.find("mp4"), std::string::npos) << info.container;
  EXPECT_NEAR(static_cast<double>(info.duration_ms), 2000.0, 100.0);
  const StreamInfo* video = info.first_stream(StreamKind::Video);
  ASSERT_NE(video, nullptr);
  EXPECT_EQ(video->codec, "h264");
  EXPECT_EQ(video->width, 320);
  EXPECT_EQ(video->height, 240);
  EXPECT_NEAR(video->frames_per_second, 10.0, 0.01);
  EXPECT_FALSE(video->still_image);
  const StreamInfo* audio = info.first_stream(StreamKind::Audio);
  ASSERT_NE(audio, nullptr);
  EXPECT_EQ(audio->codec, "aac");
  EXPECT_EQ(audio->sample_rate_hz, 44100);
  EXPECT_EQ(audio->channels, 2);
  EXPECT_GT(info.size_bytes, 0);
}

TEST_F(VideoDecoderTest, ProbeOfAPictureIsAStill) {
  ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i testsrc2=s=96x64 -frames:v 1 " +
                               test::quoted(dir_ / "still.png")));
  const MediaInfo info = media_info(dir_ / "still.png");
  ASSERT_EQ(info.streams.size(), 1u);
  EXPECT_EQ(info.streams[0].codec, "png");
  EXPECT_EQ(info.streams[0].width, 96);
  EXPECT_EQ(info.streams[0].height, 64);
  EXPECT_TRUE(info.streams[0].still_image);
}

TEST_F(VideoDecoderTest, DamagedFilesFailCleanly) {
  const auto mp4 = make_testsrc("clip.mp4", "-c:v libx264 -preset ultrafast");
  // MP4 keeps its index at the end: cut, the file cannot be opened.
  test::write_truncated_copy(mp4, dir_ / "cut.mp4", 0.6);
  EXPECT_THROW(VideoDecoder{dir_ / "cut.mp4"}, MediaError);
  EXPECT_THROW(media_info(dir_ / "cut.mp4"), MediaError);
  test::write_truncated_copy(mp4, dir_ / "stub.mp4", 0.01);
  EXPECT_THROW(sample_video_file(dir_ / "stub.mp4"), MediaError);
  // Streamable containers cut or scrambled: an error, or fewer frames, never a crash.
  const auto mkv = make_testsrc("clip.mkv", "-c:v libx264 -preset ultrafast");
  test::write_truncated_copy(mkv, dir_ / "cut.mkv", 0.5);
  test::write_scrambled_copy(mkv, dir_ / "mangled.mkv", 0.3, 3000);
  for (const char* name : {"cut.mkv", "mangled.mkv"}) {
    try {
      VideoDecoder decoder(dir_ / name);
      int count = 0;
      while (decoder.next_frame()) ++count;
      EXPECT_LE(count, 20) << name;
    } catch (const MediaError& error) {
      SUCCEED() << error.what();
    }
  }
  std::vector<uint8_t> text(2000, 'x');
  test::write_bytes(dir_ / "notes.mp4", text);
  try {
    VideoDecoder decoder(dir_ / "notes.mp4");
    ADD_FAILURE() << "opened a text file as video";
  } catch (const MediaError& error) {
    EXPECT_NE(std::string(error.what()).find("notes.mp4"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace mosaic::media
