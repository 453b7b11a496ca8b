// Header sizes read without decoding: hand-built headers with known fields,
// and real files whose declared size is patched to something enormous (the
// decompression-bomb shape) for each format whose header we parse.
#include "media/decode/image_header.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "media/core/media_error.h"
#include "media/decode/image_decoder.h"
#include "tests/media/media_test_support.h"

namespace mosaic::media {
namespace {

std::vector<uint8_t> bytes_of(std::initializer_list<int> values) {
  std::vector<uint8_t> out;
  for (int v : values) out.push_back(static_cast<uint8_t>(v));
  return out;
}

TEST(ImageHeader, HandBuiltHeaders) {
  // GIF logical screen 300 x 200, little-endian.
  auto gif = bytes_of({'G', 'I', 'F', '8', '9', 'a', 0x2C, 0x01, 0xC8, 0x00, 0, 0, 0});
  ImageHeader h = read_image_header(gif, "a.gif");
  EXPECT_EQ(h.format, ImageFormat::Gif);
  EXPECT_EQ(h.width, 300);
  EXPECT_EQ(h.height, 200);

  // WebP extended (VP8X): canvas 4000 x 3000 stored as minus-one 24-bit values.
  std::vector<uint8_t> webp = bytes_of({'R', 'I', 'F', 'F', 0,  0, 0, 0, 'W', 'E', 'B', 'P',
                                        'V', 'P', '8', 'X', 10, 0, 0, 0, 0,   0,   0,   0});
  const int w = 4000 - 1, hh = 3000 - 1;
  for (int v : {w & 0xFF, (w >> 8) & 0xFF, w >> 16, hh & 0xFF, (hh >> 8) & 0xFF, hh >> 16}) {
    webp.push_back(static_cast<uint8_t>(v));
  }
  h = read_image_header(webp, "a.webp");
  EXPECT_EQ(h.format, ImageFormat::WebP);
  EXPECT_EQ(h.width, 4000);
  EXPECT_EQ(h.height, 3000);

  // BMP with a negative (top-down) height.
  std::vector<uint8_t> bmp(26, 0);
  bmp[0] = 'B';
  bmp[1] = 'M';
  bmp[14] = 40;    // BITMAPINFOHEADER
  bmp[18] = 0x80;  // width 640
  bmp[19] = 0x02;
  const int32_t top_down = -480;  // height
  for (int i = 0; i < 4; ++i)
    bmp[22 + i] = static_cast<uint8_t>(static_cast<uint32_t>(top_down) >> (8 * i));
  h = read_image_header(bmp, "a.bmp");
  EXPECT_EQ(h.width, 640);
  EXPECT_EQ(h.height, 480);

  // Unknown bytes: no format, no error (FFmpeg gets to try).
  EXPECT_EQ(read_image_header(bytes_of({'h', 'e', 'l', 'l', 'o'}), "x").format,
            ImageFormat::Unknown);
  // A recognized signature cut short is Truncated.
  try {
    read_image_header(bytes_of({0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0}), "cut.png");
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::Truncated);
    EXPECT_NE(std::string(error.what()).find("cut.png"), std::string::npos);
  }
}

struct BombCase {
  const char* file_name;
  // Patches the declared size of a real file of that format.
  void (*patch)(std::vector<uint8_t>& bytes);
};

void patch_jpeg(std::vector<uint8_t>& bytes) {
  for (size_t i = 2; i + 8 < bytes.size(); ++i) {
    if (bytes[i] == 0xFF && bytes[i + 1] >= 0xC0 && bytes[i + 1] <= 0xC2) {
      // SOF: length(2) precision(1) height(2) width(2), big-endian; 60000 x 60000.
      bytes[i + 5] = 0xEA;
      bytes[i + 6] = 0x60;
      bytes[i + 7] = 0xEA;
      bytes[i + 8] = 0x60;
      return;
    }
  }
  FAIL() << "no SOF marker";
}

void patch_gif(std::vector<uint8_t>& bytes) {
  std::fill(bytes.begin() + 6, bytes.begin() + 10, 0xFF);  // 65535 x 65535
}

void patch_bmp(std::vector<uint8_t>& bytes) {
  bytes[18] = bytes[22] = 0xA0;  // 100000 x 100000 (0x000186A0)
  bytes[19] = bytes[23] = 0x86;
  bytes[20] = bytes[24] = 0x01;
  bytes[21] = bytes[25] = 0x00;
}

class ImageBombTest : public ::testing::TestWithParam<BombCase> {};

TEST_P(ImageBombTest, RefusedFromTheHeader) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  test::ScratchDir dir;
  const auto file = dir / GetParam().file_name;
  ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i testsrc2=s=64x48 -frames:v 1 " + test::quoted(file)));
  std::vector<uint8_t> bytes = test::read_bytes(file);
  ASSERT_GT(bytes.size(), 64u);
  GetParam().patch(bytes);
  test::write_bytes(file, bytes);
  try {
    decode_image_file(file);
    ADD_FAILURE() << "decoded a bomb";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::TooLarge) << error.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, ImageBombTest,
                         ::testing::Values(BombCase{"bomb.jpg", patch_jpeg},
                                           BombCase{"bomb.gif", patch_gif},
                                           BombCase{"bomb.bmp", patch_bmp}),
                         [](const auto& info) {
                           std::string name = info.param.file_name;
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

}  // namespace
}  // namespace mosaic::media
