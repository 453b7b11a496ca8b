// The Qwen3-VL vision encoder (engine/vision) against the plain double
// reference (reference_vision.cpp) on synthetic mmproj files, plus the
// preprocessing sizes and the load errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

#include "engine/error.h"
#include "engine/synthetic/synthetic_mmproj.h"
#include "engine/vision/image_normalize.h"
#include "engine/vision/image_size.h"
#include "engine/vision/patch_grid.h"
#include "engine/vision/vision_encoder.h"
#include "engine/vision/vision_ops.h"
#include "kernels/cpu/thread_pool.h"
#include "tests/engine/reference_vision.h"
#include "tests/engine/test_support.h"

namespace mosaic::testing {
namespace {

using synthetic::MmprojSpec;
using vision::PixelSize;

ReferenceImage random_image(int64_t w, int64_t h, uint32_t seed) {
  ReferenceImage img{w, h, std::vector<uint8_t>(static_cast<size_t>(w * h * 3))};
  std::mt19937 rng(seed);
  for (auto& b : img.rgb) b = static_cast<uint8_t>(rng() & 0xff);
  return img;
}

// Largest |engine - reference| over all outputs, relative to the largest
// |reference| value.
double relative_error(const vision::ImageEmbedding& got,
                      const std::vector<std::vector<double>>& want) {
  double max_diff = 0, max_ref = 0;
  for (size_t t = 0; t < want.size(); ++t)
    for (size_t c = 0; c < want[t].size(); ++c) {
      const double g = got.rows[t * static_cast<size_t>(got.row_width()) + c];
      max_diff = std::max(max_diff, std::abs(g - want[t][c]));
      max_ref = std::max(max_ref, std::abs(want[t][c]));
    }
  return max_diff / max_ref;
}

void expect_matches_reference(const MmprojSpec& spec, int64_t w, int64_t h, int64_t expect_tokens) {
  TempDir dir;
  const std::string path = dir.file("mmproj.gguf");
  synthetic::write_synthetic_mmproj(path, spec);
  const auto enc = vision::VisionEncoder::open(path);
  const ReferenceImage img = random_image(w, h, 11);
  kernels::ThreadPool pool(2);
  const vision::ImageEmbedding got = enc.encode(pool, {img.width_px, img.height_px, img.rgb});
  const PixelSize size = enc.input_size(w, h);
  const auto want = reference_encode(path, img, size.width_px, size.height_px);

  const int64_t n_ds = std::count(spec.deepstack.begin(), spec.deepstack.end(), true);
  EXPECT_EQ(got.n_tokens, expect_tokens);
  ASSERT_EQ(static_cast<int64_t>(want.size()), got.n_tokens);
  ASSERT_EQ(static_cast<int64_t>(want[0].size()), got.row_width());
  EXPECT_EQ(got.row_width(), spec.projection_dim * (1 + n_ds));
  EXPECT_EQ(got.grid_w * got.grid_h, got.n_tokens);
  EXPECT_LT(relative_error(got, want), 2e-5);
}

TEST(VisionEncoder, MatchesReferenceF32FusedQkv) {
  MmprojSpec spec;  // 40x24 -> 10x6 patches (table 4x4 resized), 15 tokens
  expect_matches_reference(spec, 40, 24, 15);
}

TEST(VisionEncoder, MatchesReferenceF16SeparateQkvTallImage) {
  MmprojSpec spec;
  spec.weight_type = kernels::DType::F16;
  spec.qkv = synthetic::QkvLayout::Separate;
  spec.deepstack = {false, true, true};
  spec.seed = 99;
  // 13x50: resized to 16x48 -> 4x12 patches -> 2x6 merged tokens.
  expect_matches_reference(spec, 13, 50, 12);
}

TEST(VisionEncoder, MatchesReferenceWithoutDeepstackAndDownscaled) {
  MmprojSpec spec;
  spec.deepstack = {false, false, false};
  spec.max_pixels = 32 * 32;                    // forces a downscale of the 100x60 image
  expect_matches_reference(spec, 100, 60, 15);  // -> 40x24
}

TEST(VisionEncoder, CancelStopsEncoding) {
  TempDir dir;
  const std::string path = dir.file("mmproj.gguf");
  synthetic::write_synthetic_mmproj(path, MmprojSpec{});
  const auto enc = vision::VisionEncoder::open(path);
  const ReferenceImage img = random_image(16, 16, 3);
  kernels::ThreadPool pool(1);
  int calls = 0;
  try {
    enc.encode(pool, {16, 16, img.rgb}, [&](float) { return ++calls < 2; });
    FAIL() << "expected cancellation";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Cancelled);
  }
  EXPECT_EQ(calls, 2);
}

TEST(VisionEncoder, RejectsImageWithWrongByteCount) {
  TempDir dir;
  const std::string path = dir.file("mmproj.gguf");
  synthetic::write_synthetic_mmproj(path, MmprojSpec{});
  const auto enc = vision::VisionEncoder::open(path);
  std::vector<uint8_t> bytes(16 * 16 * 3 - 1);
  kernels::ThreadPool pool(1);
  try {
    enc.encode(pool, {16, 16, bytes});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("768 bytes"), std::string::npos) << e.what();
  }
}

TEST(VisionLoad, RefusesOtherProjectorTypesByName) {
  TempDir dir;
  const std::string path = dir.file("mmproj.gguf");
  MmprojSpec spec;
  spec.projector_type = "qwen2.5vl_merger";
  synthetic::write_synthetic_mmproj(path, spec);
  try {
    vision::VisionEncoder::open(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Unsupported);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'qwen2.5vl_merger'"), std::string::npos) << msg;
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
  }
}

// Qwen3-Omni's thinker takes pictures through the same path: its mmproj
// holds an audio encoder too, with the projector types under
// clip.vision./clip.audio.; the vision half gives the same embeddings.
TEST(VisionLoad, OmniMmprojWithAudioEncodesPicturesTheSame) {
  TempDir dir;
  MmprojSpec vision_only, omni;
  omni.with_audio_encoder = true;
  synthetic::write_synthetic_mmproj(dir.file("vl.gguf"), vision_only);
  synthetic::write_synthetic_mmproj(dir.file("omni.gguf"), omni);
  const auto a = vision::VisionEncoder::open(dir.file("vl.gguf"));
  const auto b = vision::VisionEncoder::open(dir.file("omni.gguf"));
  const ReferenceImage img = random_image(40, 24, 3);
  kernels::ThreadPool pool(1);
  const auto ea = a.encode(pool, {img.width_px, img.height_px, img.rgb});
  const auto eb = b.encode(pool, {img.width_px, img.height_px, img.rgb});
  ASSERT_EQ(ea.rows.size(), eb.rows.size());
  EXPECT_EQ(ea.rows, eb.rows);
}

TEST(VisionLoad, RefusesTextModel) {
  TempDir dir;
  const std::string path = dir.file("model.gguf");
  synthetic::write_model(tiny_spec(kernels::DType::F32), path);
  try {
    vision::VisionEncoder::open(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Format);
    EXPECT_NE(std::string(e.what()).find("clip.projector_type"), std::string::npos) << e.what();
  }
}

TEST(VisionLoad, ReadsHyperparameters) {
  TempDir dir;
  const std::string path = dir.file("mmproj.gguf");
  MmprojSpec spec;
  spec.deepstack = {false, true, true};
  synthetic::write_synthetic_mmproj(path, spec);
  const auto enc = vision::VisionEncoder::open(path);
  const auto& hp = enc.hparams();
  EXPECT_EQ(hp.n_embd, spec.n_embd);
  EXPECT_EQ(hp.head_dim, spec.n_embd / spec.n_head);
  EXPECT_EQ(hp.projection_dim, spec.projection_dim);
  EXPECT_EQ(hp.pixel_factor(), spec.patch_size * 2);
  EXPECT_EQ(hp.deepstack_layers, (std::vector<int64_t>{1, 2}));
  EXPECT_FLOAT_EQ(hp.image_std[2], 0.7f);
}

// Known answers worked out by hand (Qwen-VL smart resize, factor 32, 8..4096
// tokens of 32x32 pixels).
TEST(VisionPreprocess, FitSizesKnownAnswers) {
  struct Case {
    int64_t w, h, want_w, want_h;
  };
  const Case cases[] = {
      {640, 480, 640, 480},      // already multiples
      {1000, 500, 992, 512},     // 31.25 -> 31, 15.6 -> 16
      {100, 10, 288, 32},        // too small: scaled up by sqrt(8192/1000)
      {8000, 6000, 2336, 1760},  // too large: scaled down, floors
      {48, 1200, 64, 1216},      // tall strip
      {1, 1, 96, 96},            // one pixel -> smallest budget
      {3000, 40, 3008, 32},      // wide strip
  };
  for (const Case& c : cases) {
    const PixelSize s = vision::fit_image_size(c.w, c.h, 32, 8 * 1024, 4096 * 1024);
    EXPECT_EQ(s.width_px, c.want_w) << c.w << "x" << c.h;
    EXPECT_EQ(s.height_px, c.want_h) << c.w << "x" << c.h;
  }
}

TEST(VisionPreprocess, FitSizesStayInBudgetAndKeepAspect) {
  std::mt19937 rng(5);
  for (int i = 0; i < 2000; ++i) {
    const int64_t w = 1 + rng() % 6000, h = 1 + rng() % 6000;
    if (std::max(w, h) > 200 * std::min(w, h)) continue;
    const PixelSize s = vision::fit_image_size(w, h, 32, 8 * 1024, 4096 * 1024);
    ASSERT_EQ(s.width_px % 32, 0);
    ASSERT_EQ(s.height_px % 32, 0);
    ASSERT_LE(s.width_px * s.height_px, 4096 * 1024) << w << "x" << h;
    // The aspect ratio is kept up to one grid step per side (rounding, or
    // floor/ceil after rescaling); strips pinned to one step are exempt.
    if (s.width_px > 32 && s.height_px > 32) {
      const double aspect = static_cast<double>(w) / static_cast<double>(h);
      ASSERT_GE(aspect, static_cast<double>(s.width_px - 32) / (s.height_px + 32)) << w << "x" << h;
      ASSERT_LE(aspect, static_cast<double>(s.width_px + 32) / (s.height_px - 32)) << w << "x" << h;
    }
  }
}

// The resize: same size keeps every pixel, a flat picture stays flat, and
// shrinking filters (fine stripes become grey instead of aliasing into
// stripes, which point sampling or plain bilinear taps would give).
TEST(VisionPreprocess, ResizeKeepsPixelsAndFiltersWhenShrinking) {
  const std::array<float, 3> zero = {0, 0, 0}, one = {1, 1, 1};
  auto value = [](const std::vector<float>& planes, int64_t w, int64_t h, int c, int64_t x,
                  int64_t y) { return planes[static_cast<size_t>((c * h + y) * w + x)] * 255.0f; };
  std::vector<uint8_t> rgb(24 * 16 * 3);
  std::mt19937 rng(5);
  for (auto& b : rgb) b = static_cast<uint8_t>(rng());
  const vision::RgbImage noise{24, 16, rgb};
  const auto same = vision::normalize_image(noise, {24, 16}, zero, one);
  for (int64_t y = 0; y < 16; ++y)
    for (int64_t x = 0; x < 24; ++x)
      for (int c = 0; c < 3; ++c)
        ASSERT_NEAR(value(same, 24, 16, c, x, y), rgb[static_cast<size_t>((y * 24 + x) * 3 + c)],
                    1e-3);

  std::vector<uint8_t> flat(40 * 40 * 3, 77);
  const auto flat_out = vision::normalize_image({40, 40, flat}, {16, 24}, zero, one);
  for (float v : flat_out) ASSERT_NEAR(v * 255.0f, 77.0f, 1e-3);

  // One-pixel black and white columns shrunk 4x across.
  std::vector<uint8_t> stripes(64 * 8 * 3);
  for (int64_t y = 0; y < 8; ++y)
    for (int64_t x = 0; x < 64; ++x)
      for (int c = 0; c < 3; ++c)
        stripes[static_cast<size_t>((y * 64 + x) * 3 + c)] = x % 2 ? 255 : 0;
  const auto shrunk = vision::normalize_image({64, 8, stripes}, {16, 8}, zero, one);
  for (int64_t x = 1; x < 15; ++x)
    EXPECT_NEAR(value(shrunk, 16, 8, 0, x, 4), 127.5f, 3.0f) << x;  // bicubic ripples a little
}

// The engine's resize against the reference's, over shrinking, growing and
// odd ratios: the same 8-bit pixels (both use exact fixed point).
TEST(VisionPreprocess, ResizeMatchesTheReference) {
  const std::array<float, 3> mean = {0.5f, 0.4f, 0.3f}, stdv = {0.25f, 0.5f, 0.2f};
  const std::vector<double> mean_d(mean.begin(), mean.end()), std_d(stdv.begin(), stdv.end());
  for (const auto& [w, h, tw, th] : {std::array<int64_t, 4>{100, 60, 40, 24},
                                     {80, 48, 40, 24},
                                     {13, 50, 16, 48},
                                     {37, 29, 64, 32},
                                     {300, 7, 32, 16}}) {
    const ReferenceImage img = random_image(w, h, 7);
    const auto got = vision::normalize_image({w, h, img.rgb}, {tw, th}, mean, stdv);
    const auto want = reference_preprocess(img, tw, th, mean_d, std_d);
    int off = 0;
    for (int c = 0; c < 3; ++c)
      for (int64_t i = 0; i < tw * th; ++i)
        if (std::abs(got[static_cast<size_t>(c * tw * th + i)] -
                     want[static_cast<size_t>(c)][static_cast<size_t>(i)]) > 1e-5)
          ++off;
    EXPECT_EQ(off, 0) << w << "x" << h << " -> " << tw << "x" << th;
  }
}

TEST(VisionPreprocess, RejectsEmptyAndExtremeImages) {
  EXPECT_THROW(vision::fit_image_size(0, 10, 32, 8192, 1 << 22), Error);
  EXPECT_THROW(vision::fit_image_size(10, -1, 32, 8192, 1 << 22), Error);
  EXPECT_THROW(vision::fit_image_size(2010, 10, 32, 8192, 1 << 22), Error);
  EXPECT_NO_THROW(vision::fit_image_size(2000, 10, 32, 8192, 1 << 22));
}

TEST(VisionPatchGrid, MergeBlocksAreContiguous) {
  const auto order = vision::merge_ordered_patches(4, 2, 2);
  const std::vector<std::pair<int64_t, int64_t>> want = {{0, 0}, {0, 1}, {1, 0}, {1, 1},
                                                         {0, 2}, {0, 3}, {1, 2}, {1, 3}};
  ASSERT_EQ(order.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(order[i].y, want[i].first) << i;
    EXPECT_EQ(order[i].x, want[i].second) << i;
  }
}

// The C entry points: same numbers as the C++ encoder, and the contracts.
TEST(VisionApi, EncodeMatchesEncoderAndReportsErrors) {
  TempDir dir;
  const std::string path = dir.file("mmproj.gguf");
  synthetic::write_synthetic_mmproj(path, MmprojSpec{});
  mosaic_mmproj* mm = nullptr;
  ASSERT_EQ(mosaic_mmproj_load(path.c_str(), &mm), MOSAIC_OK) << mosaic_last_error();
  mosaic_mmproj_info info{};
  ASSERT_EQ(mosaic_mmproj_get_info(mm, &info), MOSAIC_OK);
  EXPECT_EQ(info.projection_dim, 24);
  EXPECT_EQ(info.n_deepstack, 2);
  EXPECT_EQ(info.pixels_per_token, 8);

  const ReferenceImage img = random_image(40, 24, 11);
  mosaic_image_params params{};
  params.n_threads = 1;
  mosaic_image_embedding e{};
  ASSERT_EQ(mosaic_image_encode(mm, img.rgb.data(), img.rgb.size(), 40, 24, &params, &e), MOSAIC_OK)
      << mosaic_last_error();
  EXPECT_EQ(e.n_tokens, 15);
  EXPECT_EQ(e.grid_w, 5);
  EXPECT_EQ(e.grid_h, 3);
  EXPECT_EQ(e.row_width, 24 * 3);
  const auto want = reference_encode(path, img, 40, 24);
  double max_diff = 0;
  for (int t = 0; t < e.n_tokens; ++t)
    for (int c = 0; c < e.row_width; ++c)
      max_diff = std::max(max_diff, std::abs(e.data[t * e.row_width + c] -
                                             want[static_cast<size_t>(t)][static_cast<size_t>(c)]));
  EXPECT_LT(max_diff, 1e-4);
  // The grid is known before encoding, for this and other shapes.
  int32_t grid_w = 0, grid_h = 0;
  ASSERT_EQ(mosaic_image_token_grid(mm, 40, 24, 0, &grid_w, &grid_h), MOSAIC_OK);
  EXPECT_EQ(grid_w, e.grid_w);
  EXPECT_EQ(grid_h, e.grid_h);
  for (const auto& [w, h] : {std::pair{7, 61}, std::pair{90, 13}, std::pair{1, 1}}) {
    const ReferenceImage other = random_image(w, h, 3);
    mosaic_image_embedding o{};
    ASSERT_EQ(mosaic_image_encode(mm, other.rgb.data(), other.rgb.size(), w, h, &params, &o),
              MOSAIC_OK)
        << w << "x" << h << ": " << mosaic_last_error();
    ASSERT_EQ(mosaic_image_token_grid(mm, w, h, 0, &grid_w, &grid_h), MOSAIC_OK);
    EXPECT_EQ(grid_w, o.grid_w) << w << "x" << h;
    EXPECT_EQ(grid_h, o.grid_h) << w << "x" << h;
    mosaic_image_embedding_free(&o);
  }
  EXPECT_EQ(mosaic_image_token_grid(mm, 0, 24, 0, &grid_w, &grid_h), MOSAIC_ERR_INVALID_ARGUMENT);
  mosaic_image_embedding_free(&e);
  EXPECT_EQ(e.data, nullptr);
  mosaic_image_embedding_free(&e);  // twice is harmless

  EXPECT_EQ(mosaic_image_encode(mm, img.rgb.data(), img.rgb.size() - 3, 40, 24, nullptr, &e),
            MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(mosaic_last_error()).find("2880 bytes"), std::string::npos)
      << mosaic_last_error();
  params.progress = [](float, void*) { return 1; };
  EXPECT_EQ(mosaic_image_encode(mm, img.rgb.data(), img.rgb.size(), 40, 24, &params, &e),
            MOSAIC_ERR_CANCELLED);
  EXPECT_EQ(e.data, nullptr);
  mosaic_mmproj_free(mm);

  mosaic_mmproj* missing = nullptr;
  EXPECT_EQ(mosaic_mmproj_load(dir.file("nope.gguf").c_str(), &missing), MOSAIC_ERR_IO);
  EXPECT_EQ(missing, nullptr);
}

// Two video frames as one temporal patch: against the reference with each
// temporal half on its own frame; a frame paired with itself is the still
// picture; order matters; sizes must match.
TEST(VisionApi, VideoFramePairsMatchTheReference) {
  TempDir dir;
  const std::string path = dir.file("mmproj.gguf");
  synthetic::write_synthetic_mmproj(path, MmprojSpec{});
  mosaic_mmproj* mm = nullptr;
  ASSERT_EQ(mosaic_mmproj_load(path.c_str(), &mm), MOSAIC_OK) << mosaic_last_error();
  const ReferenceImage a = random_image(40, 24, 21), b = random_image(40, 24, 22);
  mosaic_image_params params{};
  params.n_threads = 2;
  const auto max_diff = [](const mosaic_image_embedding& e,
                           const std::vector<std::vector<double>>& want) {
    double d = 0;
    for (int t = 0; t < e.n_tokens; ++t)
      for (int c = 0; c < e.row_width; ++c)
        d = std::max(d, std::abs(e.data[t * e.row_width + c] -
                                 want[static_cast<size_t>(t)][static_cast<size_t>(c)]));
    return d;
  };
  mosaic_image_embedding ab{}, ba{}, aa{};
  ASSERT_EQ(mosaic_video_frames_encode(mm, a.rgb.data(), b.rgb.data(), a.rgb.size(), 40, 24,
                                       &params, &ab),
            MOSAIC_OK)
      << mosaic_last_error();
  ASSERT_EQ(mosaic_video_frames_encode(mm, b.rgb.data(), a.rgb.data(), a.rgb.size(), 40, 24,
                                       &params, &ba),
            MOSAIC_OK);
  ASSERT_EQ(mosaic_video_frames_encode(mm, a.rgb.data(), a.rgb.data(), a.rgb.size(), 40, 24,
                                       &params, &aa),
            MOSAIC_OK);
  EXPECT_EQ(ab.n_tokens, 15);  // the tokens of one frame
  EXPECT_LT(max_diff(ab, reference_encode(path, a, 40, 24, &b)), 1e-4);
  EXPECT_LT(max_diff(ba, reference_encode(path, b, 40, 24, &a)), 1e-4);
  const auto still = reference_encode(path, a, 40, 24);
  EXPECT_LT(max_diff(aa, still), 1e-4);
  EXPECT_GT(max_diff(ab, still), 1e-3);  // the second frame is seen
  for (auto* e : {&ab, &ba, &aa}) mosaic_image_embedding_free(e);

  mosaic_image_embedding e{};
  EXPECT_EQ(
      mosaic_video_frames_encode(mm, a.rgb.data(), nullptr, a.rgb.size(), 40, 24, &params, &e),
      MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_video_frames_encode(mm, a.rgb.data(), b.rgb.data(), a.rgb.size() - 3, 40, 24,
                                       &params, &e),
            MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(e.data, nullptr);
  mosaic_mmproj_free(mm);
}

// A token budget below the file's shrinks the picture (aspect kept), the same
// in planning and encoding; one above the file's changes nothing.
TEST(VisionApi, TokenBudgetShrinksThePicture) {
  TempDir dir;
  const std::string path = dir.file("mmproj.gguf");
  synthetic::write_synthetic_mmproj(path, MmprojSpec{});  // 4..64 tokens of 8x8 pixels
  mosaic_mmproj* mm = nullptr;
  ASSERT_EQ(mosaic_mmproj_load(path.c_str(), &mm), MOSAIC_OK) << mosaic_last_error();
  const ReferenceImage img = random_image(96, 64, 5);  // 12x8 = 96 tokens natively
  mosaic_image_params params{};
  params.n_threads = 1;
  int32_t file_w = 0, file_h = 0;
  ASSERT_EQ(mosaic_image_token_grid(mm, 96, 64, 0, &file_w, &file_h), MOSAIC_OK);
  EXPECT_LE(file_w * file_h, 64);
  EXPECT_GT(file_w, file_h);
  for (int32_t max_tokens : {0, 16, 6, 1000}) {
    int32_t gw = 0, gh = 0;
    ASSERT_EQ(mosaic_image_token_grid(mm, 96, 64, max_tokens, &gw, &gh), MOSAIC_OK);
    if (max_tokens == 0 || max_tokens >= 64) {
      EXPECT_EQ(gw, file_w);
      EXPECT_EQ(gh, file_h);
    } else {
      EXPECT_LE(gw * gh, max_tokens) << max_tokens;
      EXPECT_GE(gw, gh) << max_tokens;  // still landscape
    }
    params.max_tokens = max_tokens;
    mosaic_image_embedding e{};
    ASSERT_EQ(mosaic_image_encode(mm, img.rgb.data(), img.rgb.size(), 96, 64, &params, &e),
              MOSAIC_OK)
        << mosaic_last_error();
    EXPECT_EQ(e.grid_w, gw) << max_tokens;
    EXPECT_EQ(e.grid_h, gh) << max_tokens;
    EXPECT_EQ(e.n_tokens, gw * gh);
    mosaic_image_embedding_free(&e);
  }
  int32_t gw = 0, gh = 0;
  EXPECT_EQ(mosaic_image_token_grid(mm, 96, 64, -1, &gw, &gh), MOSAIC_ERR_INVALID_ARGUMENT);
  params.max_tokens = -5;
  mosaic_image_embedding e{};
  EXPECT_EQ(mosaic_image_encode(mm, img.rgb.data(), img.rgb.size(), 96, 64, &params, &e),
            MOSAIC_ERR_INVALID_ARGUMENT);
  mosaic_mmproj_free(mm);
}

// The GEMM-based encoder attention against its plain loop, over sizes that
// cross the query block (512) and with large scores (softmax stability).
TEST(VisionAttention, BlockedMatchesPlainLoop) {
  kernels::ThreadPool pool(2);
  struct Shape {
    int64_t n_tok, n_head, head_dim;
    float magnitude;
  };
  for (const Shape sh : {Shape{1, 1, 16, 1.0f}, Shape{7, 2, 16, 1.0f}, Shape{600, 2, 64, 1.0f},
                         Shape{33, 3, 32, 30.0f}}) {
    const int64_t e = sh.n_head * sh.head_dim, ld = 3 * e;
    std::vector<float> qkv(static_cast<size_t>(sh.n_tok * ld));
    std::mt19937 rng(static_cast<uint32_t>(sh.n_tok));
    std::uniform_real_distribution<float> dist(-sh.magnitude, sh.magnitude);
    for (float& x : qkv) x = dist(rng);
    std::vector<float> fast(static_cast<size_t>(sh.n_tok * e)), plain(fast.size());
    vision::full_attention(pool, qkv.data(), qkv.data() + e, qkv.data() + 2 * e, ld, sh.n_tok,
                           sh.n_head, sh.head_dim, fast.data(), e);
    vision::full_attention_reference(pool, qkv.data(), qkv.data() + e, qkv.data() + 2 * e, ld,
                                     sh.n_tok, sh.n_head, sh.head_dim, plain.data(), e);
    // Scores grow with magnitude^2; float rounding of a score s shifts its
    // weight by about s * 6e-8, which bounds the tolerance.
    const double max_score = sh.magnitude * sh.magnitude * sh.head_dim / std::sqrt(sh.head_dim);
    const double tolerance = std::max(1e-5, max_score * 2e-7);
    EXPECT_LT(mosaic::testing::relative_error(fast, plain), tolerance) << sh.n_tok << " tokens";
    for (float x : fast) ASSERT_TRUE(std::isfinite(x));
  }
}

}  // namespace
}  // namespace mosaic::testing
