// app/vision: media markers, the encoder's cache, pictures from videos and
// PDFs, and prompts cut into chunks, on generated media and a synthetic
// mmproj file.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "app/vision/image_encoder.h"
#include "app/vision/media_marker.h"
#include "app/vision/multimodal_prompt.h"
#include "app/vision/visual_inputs.h"
#include "engine/synthetic/synthetic_mmproj.h"
#include "media/core/media_error.h"
#include "tests/media/media_test_support.h"
#include "tests/media/pdf_writer.h"

namespace mosaic::vision_prompt {
namespace {

using media::test::ScratchDir;

media::RgbFrame noise_frame(int w, int h, uint32_t seed) {
  media::RgbFrame f(w, h);
  std::mt19937 rng(seed);
  for (auto& b : f.pixels) b = static_cast<uint8_t>(rng());
  return f;
}

TEST(MediaMarker, SplitsIntoMarkersPlusOnePieces) {
  const std::string m(kMediaMarker);
  const std::string prompt = "a" + m + m + "b" + m;  // the pieces point into it
  const auto pieces = split_at_media_markers(prompt);
  ASSERT_EQ(pieces.size(), 4u);
  EXPECT_EQ(pieces[0], "a");
  EXPECT_EQ(pieces[1], "");
  EXPECT_EQ(pieces[2], "b");
  EXPECT_EQ(pieces[3], "");
  EXPECT_EQ(count_media_markers("no pictures"), 0u);
  EXPECT_EQ(count_media_markers("<__media_>"), 0u);  // almost a marker is text
}

TEST(VisualInputs, UserTextPutsEachLabelBeforeItsMarker) {
  std::vector<VisualInput> inputs(2);
  inputs[1].label = video_timestamp_label(1'500'000);
  EXPECT_EQ(inputs[1].label, "<1.5 seconds>");
  const std::string m(kMediaMarker);
  EXPECT_EQ(user_text_with_media(inputs, "what?"), m + "\n<1.5 seconds>" + m + "\nwhat?");
}

class EncoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    synthetic::MmprojSpec spec;
    spec.projection_dim = 32;
    path_ = dir_ / "mm.gguf";
    synthetic::write_synthetic_mmproj(path_.string(), spec);
  }
  ScratchDir dir_;
  std::filesystem::path path_;
};

TEST_F(EncoderTest, SamePixelsComeFromTheCache) {
  ImageEncoder encoder(path_.string(), 1);
  const auto a = noise_frame(40, 30, 1), b = noise_frame(40, 30, 2);
  CacheLookup lookup{};
  const auto first = encoder.encode(a, {}, &lookup);
  EXPECT_EQ(lookup, CacheLookup::Encoded);
  const auto again = encoder.encode(a, {}, &lookup);
  EXPECT_EQ(lookup, CacheLookup::Hit);
  EXPECT_EQ(first.get(), again.get());
  const auto other = encoder.encode(b, {}, &lookup);
  EXPECT_EQ(lookup, CacheLookup::Encoded);
  EXPECT_NE(other.get(), first.get());
  EXPECT_EQ(encoder.stats().encoded, 2);
  EXPECT_EQ(encoder.stats().cache_hits, 1);
  EXPECT_EQ(first->embedding().projection_dim, 32);
}

TEST_F(EncoderTest, LeastRecentlyUsedPicturesLeaveAFullCache) {
  ImageEncoder probe(path_.string(), 1);
  const size_t one = probe.encode(noise_frame(40, 30, 1))->bytes();
  ImageEncoder encoder(path_.string(), 1, 2 * one);  // room for two
  const auto a = noise_frame(40, 30, 1), b = noise_frame(40, 30, 2), c = noise_frame(40, 30, 3);
  CacheLookup lookup{};
  encoder.encode(a);
  encoder.encode(b);
  encoder.encode(a);  // a is now the most recent
  encoder.encode(c);  // evicts b
  encoder.encode(a, {}, &lookup);
  EXPECT_EQ(lookup, CacheLookup::Hit);
  encoder.encode(b, {}, &lookup);
  EXPECT_EQ(lookup, CacheLookup::Encoded);
}

TEST_F(EncoderTest, CancelAndErrorsAreExceptionsNotCrashes) {
  ImageEncoder encoder(path_.string(), 1);
  EXPECT_THROW(encoder.encode(noise_frame(40, 30, 1), [](float) { return false; }),
               EncodeCancelled);
  EXPECT_EQ(encoder.stats().encoded, 0);  // nothing half-done was cached
  media::RgbFrame broken(10, 10);
  broken.pixels.resize(5);
  EXPECT_THROW(encoder.encode(broken), std::runtime_error);
  EXPECT_THROW(ImageEncoder((dir_ / "missing.gguf").string()), std::runtime_error);
}

TEST_F(EncoderTest, PromptChunksFollowTheMarkers) {
  ImageEncoder encoder(path_.string(), 1);
  const EncodedImages images = {encoder.encode(noise_frame(40, 30, 1)),
                                encoder.encode(noise_frame(30, 40, 2))};
  const std::string m(kMediaMarker);
  const std::string prompt = "look " + m + " and " + m;
  const auto chunks = prompt_chunks(prompt, images);
  ASSERT_EQ(chunks.size(), 4u);  // the empty text after the last picture is dropped
  EXPECT_EQ(chunks[0].type, MOSAIC_CHUNK_TEXT);
  EXPECT_EQ(std::string(chunks[0].text, chunks[0].text_len), "look ");
  EXPECT_EQ(chunks[1].image, &images[0]->embedding());
  EXPECT_EQ(std::string(chunks[2].text, chunks[2].text_len), " and ");
  EXPECT_EQ(chunks[3].image, &images[1]->embedding());
  EXPECT_THROW(prompt_chunks("one " + m, {}), std::invalid_argument);
}

TEST(VisualInputs, VideoFramesCarryTheirTimes) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  ScratchDir dir;
  const auto video = dir / "clip.mp4";
  ASSERT_TRUE(media::test::run_ffmpeg("-f lavfi -i testsrc=size=160x120:rate=10 -t 5 " +
                                      media::test::quoted(video)));
  VideoFrameOptions options;
  options.interval_ms = 2000;
  options.max_frames = 8;
  const auto frames = load_video_frames(video, options);
  ASSERT_GE(frames.size(), 3u);  // 0, 2, 4 s (plus any scene change)
  EXPECT_EQ(frames[0].label, "<0.0 seconds>");
  for (size_t i = 1; i < frames.size(); ++i) {
    EXPECT_GT(frames[i].frame.pts_us, frames[i - 1].frame.pts_us);
    EXPECT_EQ(frames[i].label, video_timestamp_label(frames[i].frame.pts_us));
  }
  options.max_frames = 2;
  EXPECT_EQ(load_video_frames(video, options).size(), 2u);
  EXPECT_THROW(load_video_frames(dir / "missing.mp4"), media::MediaError);
}

TEST(VisualInputs, PdfPagesBecomePicturesWithPageLabels) {
  ScratchDir dir;
  media::test::PdfWriter pdf;
  pdf.add_text_page({"first"});
  pdf.add_text_page({"second"});
  pdf.add_text_page({"third"});
  const auto path = dir / "doc.pdf";
  pdf.write(path);
  PdfPageOptions options;
  options.first_page = 2;
  options.max_pages = 5;
  const auto pages = load_pdf_pages(path, options);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].label, "Page 2:");
  EXPECT_EQ(pages[1].label, "Page 3:");
  EXPECT_GT(pages[0].frame.width, 0);
  EXPECT_THROW(load_pdf_pages(dir / "missing.pdf"), media::MediaError);
}

}  // namespace
}  // namespace mosaic::vision_prompt
