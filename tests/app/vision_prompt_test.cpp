// app/vision: media markers, the encoder's cache, pictures from videos and
// PDFs, and prompts cut into chunks, on generated media and a synthetic
// mmproj file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>

#include "app/core/engine_handles.h"
#include "app/core/media_marker.h"
#include "app/store/attachment_files.h"
#include "app/store/conversation_store.h"
#include "app/turns/attachment_import.h"
#include "app/vision/attachment_pictures.h"
#include "app/vision/image_encoder.h"
#include "app/vision/multimodal_prompt.h"
#include "app/vision/vision_file_finder.h"
#include "app/vision/visual_inputs.h"
#include "engine/synthetic/synthetic_mmproj.h"
#include "engine/synthetic/synthetic_model.h"
#include "media/core/media_error.h"
#include "tests/media/media_test_support.h"
#include "tests/media/pdf_writer.h"

namespace mosaic::vision_prompt {
using app::count_media_markers;
using app::kMediaMarker;
using app::split_at_media_markers;
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

// The token budget shrinks big pictures, the grid planned before encoding
// follows it, and a picture cached under one budget is encoded again under
// another (its embeddings differ).
TEST_F(EncoderTest, TokenBudgetShrinksPicturesAndKeysTheCache) {
  ImageEncoder encoder(path_.string(), 1);  // spec: 8x8 pixels per token, 4..64 tokens
  EXPECT_EQ(encoder.max_tokens(), app::kDefaultPictureTokens);
  const auto frame = noise_frame(96, 64, 3);
  encoder.set_max_tokens(0);
  const auto [full_w, full_h] = encoder.token_grid(96, 64);
  const auto full = encoder.encode(frame);
  EXPECT_EQ(full->embedding().n_tokens, full_w * full_h);
  encoder.set_max_tokens(12);
  const auto [small_w, small_h] = encoder.token_grid(96, 64);
  EXPECT_LE(small_w * small_h, 12);
  EXPECT_LT(small_w * small_h, full_w * full_h);
  CacheLookup lookup{};
  const auto small = encoder.encode(frame, {}, &lookup);
  EXPECT_EQ(lookup, CacheLookup::Encoded);
  EXPECT_EQ(small->embedding().grid_w, small_w);
  EXPECT_EQ(small->embedding().grid_h, small_h);
  encoder.set_max_tokens(0);
  EXPECT_EQ(encoder.encode(frame, {}, &lookup).get(), full.get());
  EXPECT_EQ(lookup, CacheLookup::Hit);
  encoder.set_max_tokens(-3);
  EXPECT_EQ(encoder.max_tokens(), 0);
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
  // Each frame comes with the one 0.5 s later (10 fps: exactly 5 frames on),
  // labelled with the mean of their times, as Qwen3-VL's processor does.
  EXPECT_EQ(frames[0].label, "<0.2 seconds>");  // (0.0 + 0.5) / 2, one decimal
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i > 0) EXPECT_GT(frames[i].frame.pts_us, frames[i - 1].frame.pts_us);
    ASSERT_FALSE(frames[i].next_frame.empty()) << i;
    EXPECT_EQ(frames[i].next_frame.pts_us - frames[i].frame.pts_us, 500000) << i;
    EXPECT_EQ(frames[i].next_frame.width, frames[i].frame.width);
    EXPECT_NE(frames[i].next_frame.pixels, frames[i].frame.pixels) << i;  // testsrc moves
    EXPECT_EQ(frames[i].label,
              video_timestamp_label((frames[i].frame.pts_us + frames[i].next_frame.pts_us) / 2));
  }
  options.max_frames = 2;
  EXPECT_EQ(load_video_frames(video, options).size(), 2u);
  // Frames alone when asked, labelled with their own times.
  options.pair_after_ms = 0;
  const auto lone = load_video_frames(video, options);
  ASSERT_EQ(lone.size(), 2u);
  EXPECT_TRUE(lone[0].next_frame.empty());
  EXPECT_EQ(lone[0].label, "<0.0 seconds>");
  // A frame sampled within 0.5 s of the end is paired with the last frame.
  const auto short_video = dir / "short.mp4";
  ASSERT_TRUE(media::test::run_ffmpeg("-f lavfi -i testsrc=size=160x120:rate=10 -t 0.3 " +
                                      media::test::quoted(short_video)));
  const auto tail = load_video_frames(short_video, VideoFrameOptions{});
  ASSERT_EQ(tail.size(), 1u);
  ASSERT_FALSE(tail[0].next_frame.empty());
  EXPECT_EQ(tail[0].next_frame.pts_us, 200000);
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

// A vision model and its mmproj (64-wide, two DeepStack slices), a store,
// and attachments made from generated files.
class AttachmentPicturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    synthetic::MmprojSpec mm;
    mm.projection_dim = 64;
    mmproj_ = dir_ / "mmproj-vl.gguf";
    synthetic::write_synthetic_mmproj(mmproj_.string(), mm);
    const synthetic::ModelSpec spec = synthetic::tiny_vision_spec(64, 2);
    model_path_ = dir_ / "vl.gguf";
    synthetic::write_model(spec, model_path_.string());
    model_ = app::load_model(model_path_.string());
    store_.emplace(store::ConversationStore::open(dir_ / "chats.db"));
    encoder_ = std::make_shared<ImageEncoder>(mmproj_.string(), 1);
  }
  store::Attachment import(const std::filesystem::path& file) {
    return turns::import_attachment(*store_, file).attachment;
  }
  std::filesystem::path stored(const store::Attachment& a) {
    return store::attachment_path(store_->attachments_dir(), a.sha256);
  }

  ScratchDir dir_;
  std::filesystem::path mmproj_, model_path_;
  app::ModelPtr model_;
  std::optional<store::ConversationStore> store_;
  std::shared_ptr<ImageEncoder> encoder_;
};

TEST_F(AttachmentPicturesTest, PicturesVideosAndPdfPagesWithTheirGrids) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  ASSERT_TRUE(media::test::run_ffmpeg("-f lavfi -i testsrc=size=72x40 -frames:v 1 " +
                                      media::test::quoted(dir_ / "photo.png")));
  ASSERT_TRUE(media::test::run_ffmpeg("-f lavfi -i testsrc=size=64x48:rate=5 -t 5 " +
                                      media::test::quoted(dir_ / "clip.mp4")));
  media::test::PdfWriter pdf;
  pdf.add_text_page({"first"});
  pdf.add_text_page({"second"});
  pdf.write(dir_ / "doc.pdf");
  std::ofstream(dir_ / "notes.txt") << "plain words";

  AttachmentPictureOptions options;
  options.pdf.dpi = 20;  // small pages keep the encode quick
  AttachmentPictures pictures(encoder_, options);
  const store::Attachment photo = import(dir_ / "photo.png");
  const auto one = pictures.pictures_in(photo, stored(photo));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].label, "");
  EXPECT_EQ(one[0].source_name, "photo.png");
  EXPECT_EQ(one[0].identity, photo.sha256 + "#0");
  const auto grid = encoder_->token_grid(72, 40);
  EXPECT_EQ(one[0].grid_w, grid.first);
  EXPECT_EQ(one[0].grid_h, grid.second);
  const auto encoded = pictures.encode(one[0], {});
  ASSERT_NE(encoded, nullptr);
  EXPECT_EQ(encoded->grid_w, one[0].grid_w);
  EXPECT_EQ(encoded->grid_h, one[0].grid_h);
  pictures.encode(one[0], {});
  EXPECT_EQ(encoder_->stats().cache_hits, 1);

  const store::Attachment clip = import(dir_ / "clip.mp4");
  EXPECT_EQ(clip.mime_type, "video/mp4");
  const auto frames = pictures.pictures_in(clip, stored(clip));
  ASSERT_GE(frames.size(), 3u);
  EXPECT_EQ(frames[0].label, "<0.3 seconds>");  // frames at 0 and 0.52 s, paired
  EXPECT_EQ(frames[1].identity, clip.sha256 + "#1");

  const store::Attachment doc = import(dir_ / "doc.pdf");
  const auto pages = pictures.pictures_in(doc, stored(doc));
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[1].label, "Page 2:");
  EXPECT_EQ(pictures.encode(pages[1], [](float) { return false; }), nullptr);  // cancelled
  EXPECT_NE(pictures.encode(pages[1], {}), nullptr);

  const store::Attachment notes = import(dir_ / "notes.txt");
  EXPECT_TRUE(pictures.pictures_in(notes, stored(notes)).empty());
}

TEST_F(AttachmentPicturesTest, EvictedPixelsAreReadAgainAndDamageIsNamed) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  ASSERT_TRUE(media::test::run_ffmpeg("-f lavfi -i testsrc=size=48x48 -frames:v 1 " +
                                      media::test::quoted(dir_ / "a.png")));
  ASSERT_TRUE(media::test::run_ffmpeg("-f lavfi -i color=c=red:size=48x48 -frames:v 1 " +
                                      media::test::quoted(dir_ / "b.png")));
  AttachmentPictureOptions tiny_cache;
  tiny_cache.pixel_cache_bytes = 1;  // keeps only the newest picture's pixels
  AttachmentPictures pictures(encoder_, tiny_cache);
  const store::Attachment a = import(dir_ / "a.png"), b = import(dir_ / "b.png");
  const auto pa = pictures.pictures_in(a, stored(a));
  const auto pb = pictures.pictures_in(b, stored(b));
  ASSERT_EQ(pa.size(), 1u);
  ASSERT_NE(pictures.encode(pa[0], {}), nullptr);  // decoded again from the store
  EXPECT_EQ(encoder_->stats().encoded, 1);

  // A damaged stored file: a fresh source (a restarted app) says which.
  const std::filesystem::path file = stored(b);
  std::filesystem::permissions(file, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::ofstream(file, std::ios::trunc) << "not a picture";
  AttachmentPictures fresh(encoder_);
  try {
    fresh.pictures_in(b, file);
    FAIL() << "a damaged picture must not be read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("b.png"), std::string::npos) << e.what();
  }
}

TEST_F(AttachmentPicturesTest, VisionFileIsFoundBesideTheModelAndMustBelongToIt) {
  // Another model's vision file sorts first: it is skipped, not used.
  synthetic::MmprojSpec other;
  other.projection_dim = 32;
  synthetic::write_synthetic_mmproj((dir_ / "mmproj-a-other.gguf").string(), other);
  const auto found = vision_files_beside(model_path_);
  ASSERT_EQ(found.size(), 2u);
  const VisionPairing paired = pair_vision_file(model_.get(), model_path_, {}, 1);
  ASSERT_NE(paired.encoder, nullptr) << paired.note;
  EXPECT_EQ(paired.file.filename(), "mmproj-vl.gguf");
  EXPECT_NE(paired.note.find("found beside the model"), std::string::npos);

  EXPECT_THROW(pair_vision_file(model_.get(), model_path_, dir_ / "mmproj-a-other.gguf", 1),
               std::runtime_error);
  std::filesystem::remove(mmproj_);
  const VisionPairing none = pair_vision_file(model_.get(), model_path_, {}, 1);
  EXPECT_EQ(none.encoder, nullptr);
  EXPECT_NE(none.note.find("no vision (mmproj) file"), std::string::npos) << none.note;
  EXPECT_NE(none.note.find("mmproj-a-other.gguf"), std::string::npos) << none.note;

  synthetic::ModelSpec text;
  text.n_vocab = 600;
  text.n_embd = 64;
  text.n_layer = 1;
  text.n_head = 2;
  text.n_head_kv = 1;
  text.head_dim = 32;
  text.n_expert = 4;
  text.n_expert_used = 2;
  text.n_ff_expert = 64;
  synthetic::write_model(text, (dir_ / "text.gguf").string());
  const app::ModelPtr text_model = app::load_model((dir_ / "text.gguf").string());
  const VisionPairing text_pairing = pair_vision_file(text_model.get(), dir_ / "text.gguf", {}, 1);
  EXPECT_EQ(text_pairing.encoder, nullptr);
  EXPECT_TRUE(text_pairing.note.empty());
}

}  // namespace
}  // namespace mosaic::vision_prompt
