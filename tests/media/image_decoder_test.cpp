// Pictures generated with ffmpeg from an exact PPM: every format must come
// back at the right size with the right colours in the right places.
#include "media/decode/image_decoder.h"

#include <gtest/gtest.h>

#include "media/core/media_error.h"
#include "tests/media/media_test_support.h"

namespace mosaic::media {
namespace {

using test::Rgb;

constexpr Rgb kRed{255, 0, 0}, kGreen{0, 255, 0}, kBlue{0, 0, 255}, kWhite{255, 255, 255};

class ImageDecoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MOSAIC_REQUIRE_PROGRAM("ffmpeg");
    source_ = dir_ / "quadrants.ppm";
    test::write_ppm(source_, test::make_quadrant_frame(64, 32, kRed, kGreen, kBlue, kWhite));
  }

  std::filesystem::path convert(const std::string& name, const std::string& extra = "") {
    const auto out = dir_ / name;
    EXPECT_TRUE(
        test::run_ffmpeg("-i " + test::quoted(source_) + " " + extra + " " + test::quoted(out)));
    return out;
  }

  // Checks the quadrant colours of a 64 x 32 picture.
  static void expect_quadrants(const RgbFrame& frame, int tolerance) {
    ASSERT_EQ(frame.width, 64);
    ASSERT_EQ(frame.height, 32);
    EXPECT_TRUE(test::near_color(test::average_color(frame, 16, 8, 3), kRed, tolerance))
        << test::describe(test::average_color(frame, 16, 8, 3));
    EXPECT_TRUE(test::near_color(test::average_color(frame, 48, 8, 3), kGreen, tolerance))
        << test::describe(test::average_color(frame, 48, 8, 3));
    EXPECT_TRUE(test::near_color(test::average_color(frame, 16, 24, 3), kBlue, tolerance))
        << test::describe(test::average_color(frame, 16, 24, 3));
    EXPECT_TRUE(test::near_color(test::average_color(frame, 48, 24, 3), kWhite, tolerance))
        << test::describe(test::average_color(frame, 48, 24, 3));
  }

  test::ScratchDir dir_;
  std::filesystem::path source_;
};

struct FormatCase {
  const char* file_name;
  const char* ffmpeg_options;
  int tolerance;  // lossy formats drift at quadrant edges and in chroma
};

class ImageFormatTest : public ImageDecoderTest,
                        public ::testing::WithParamInterface<FormatCase> {};

TEST_P(ImageFormatTest, DecodesToExactSizeAndColours) {
  const FormatCase& c = GetParam();
  const auto file = convert(c.file_name, c.ffmpeg_options);
  expect_quadrants(decode_image_file(file), c.tolerance);
}

TEST_P(ImageFormatTest, TruncatedFileFailsCleanly) {
  const FormatCase& c = GetParam();
  const auto file = convert(c.file_name, c.ffmpeg_options);
  const auto truncated = dir_ / (std::string("truncated-") + c.file_name);
  test::write_truncated_copy(file, truncated, 0.4);
  try {
    const RgbFrame frame = decode_image_file(truncated);
    ADD_FAILURE() << "decoded a truncated " << c.file_name << " as " << frame.width << "x"
                  << frame.height;
  } catch (const MediaError& error) {
    EXPECT_NE(std::string(error.what()).find(truncated.string()), std::string::npos)
        << error.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, ImageFormatTest,
                         ::testing::Values(FormatCase{"picture.png", "", 0},
                                           FormatCase{"picture.bmp", "", 0},
                                           FormatCase{"picture.tiff", "", 0},
                                           FormatCase{"picture.gif", "", 8},  // palette
                                           FormatCase{"picture.jpg", "-q:v 2", 40},
                                           FormatCase{"picture.webp", "-quality 90", 40},
                                           FormatCase{"lossless.webp", "-lossless 1", 0}),
                         [](const auto& info) {
                           std::string name = info.param.file_name;
                           for (char& c : name) {
                             if (c == '.' || c == '-') c = '_';
                           }
                           return name;
                         });

TEST_F(ImageDecoderTest, AnimatedGifGivesFirstFrame) {
  const auto gif = dir_ / "animated.gif";
  ASSERT_TRUE(test::run_ffmpeg(
      "-f lavfi -i color=c=red:s=40x30:r=5:d=0.4 -f lavfi -i color=c=blue:s=40x30:r=5:d=0.4 "
      "-filter_complex concat=n=2:v=1:a=0 " +
      test::quoted(gif)));
  const RgbFrame frame = decode_image_file(gif);
  ASSERT_EQ(frame.width, 40);
  ASSERT_EQ(frame.height, 30);
  EXPECT_TRUE(test::near_color(test::average_color(frame, 20, 15, 5), kRed, 10))
      << test::describe(test::average_color(frame, 20, 15, 5));
}

TEST_F(ImageDecoderTest, TransparentPixelsBecomeWhite) {
  const auto png = dir_ / "transparent.png";
  ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i color=c=red@0.0:s=16x16,format=rgba -frames:v 1 " +
                               test::quoted(png)));
  const RgbFrame frame = decode_image_file(png);
  EXPECT_TRUE(test::near_color(test::average_color(frame, 8, 8, 4), kWhite, 2))
      << test::describe(test::average_color(frame, 8, 8, 4));
}

TEST_F(ImageDecoderTest, ShrinksToMaxSide) {
  const auto png = convert("picture.png");
  const RgbFrame frame = decode_image_file(png, ImageDecodeOptions{.max_side_px = 32});
  EXPECT_EQ(frame.width, 32);
  EXPECT_EQ(frame.height, 16);
  EXPECT_TRUE(test::near_color(test::average_color(frame, 8, 4, 2), kRed, 8));
  EXPECT_TRUE(test::near_color(test::average_color(frame, 24, 12, 2), kWhite, 8));
}

TEST_F(ImageDecoderTest, PixelLimitRejectsBeforeDecoding) {
  const auto png = convert("picture.png");
  try {
    decode_image_file(png, ImageDecodeOptions{.max_pixels = 64 * 32 - 1});
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::TooLarge) << error.what();
    EXPECT_NE(std::string(error.what()).find("64 x 32"), std::string::npos) << error.what();
  }
  EXPECT_NO_THROW(decode_image_file(png, ImageDecodeOptions{.max_pixels = 64 * 32}));
}

// A 60 kB file claiming 100000 x 100000 pixels: the header check must refuse
// it without the decoder ever allocating 30 GB.
TEST_F(ImageDecoderTest, DecompressionBombHeaderIsRefused) {
  const auto png = convert("picture.png");
  std::vector<uint8_t> bytes = test::read_bytes(png);
  ASSERT_GT(bytes.size(), 24u);
  const uint32_t huge = 100000;
  for (int offset : {16, 20}) {  // IHDR width and height, big-endian
    bytes[offset] = static_cast<uint8_t>(huge >> 24);
    bytes[offset + 1] = static_cast<uint8_t>(huge >> 16);
    bytes[offset + 2] = static_cast<uint8_t>(huge >> 8);
    bytes[offset + 3] = static_cast<uint8_t>(huge);
  }
  const auto bomb = dir_ / "bomb.png";
  test::write_bytes(bomb, bytes);
  try {
    decode_image_file(bomb);
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::TooLarge) << error.what();
  }
}

TEST_F(ImageDecoderTest, FileLimitRejectsLargeFiles) {
  const auto bmp = convert("picture.bmp");
  try {
    decode_image_file(bmp, ImageDecodeOptions{.max_file_bytes = 100});
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::TooLarge) << error.what();
  }
}

TEST_F(ImageDecoderTest, MissingEmptyAndGarbageFilesFailWithReasons) {
  try {
    decode_image_file(dir_ / "absent.png");
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::NotFound);
    EXPECT_NE(std::string(error.what()).find("absent.png"), std::string::npos);
  }
  test::write_bytes(dir_ / "empty.jpg", {});
  try {
    decode_image_file(dir_ / "empty.jpg");
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::Truncated);
  }
  std::vector<uint8_t> garbage(5000);
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<uint8_t>(i * 7919 % 251);
  test::write_bytes(dir_ / "garbage.png", garbage);
  EXPECT_THROW(decode_image_file(dir_ / "garbage.png"), MediaError);
  EXPECT_THROW(decode_image_file(dir_.path()), MediaError);  // a directory
}

TEST_F(ImageDecoderTest, ScrambledPixelDataFailsCleanly) {
  for (const char* name : {"damaged.png", "damaged.jpg", "damaged.gif", "damaged.webp"}) {
    const auto file = convert(name);
    const auto damaged = dir_ / (std::string("x-") + name);
    test::write_scrambled_copy(file, damaged, 0.3, 4000);
    // A damaged file either fails with a MediaError or decodes to a picture
    // of the declared size; it must never crash or hang.
    try {
      const RgbFrame frame = decode_image_file(damaged);
      EXPECT_EQ(frame.width, 64) << name;
      EXPECT_EQ(frame.height, 32) << name;
    } catch (const MediaError& error) {
      SUCCEED() << error.what();
    }
  }
}

}  // namespace
}  // namespace mosaic::media
