// JPEGs carrying an EXIF Orientation tag must come back upright. The expected
// layouts come from the EXIF specification's wording ("the 0th row is the
// visual right-hand side, the 0th column is the visual top"), not from the
// decoder's pixel mapping.
#include <gtest/gtest.h>

#include "media/decode/image_decoder.h"
#include "tests/media/media_test_support.h"

namespace mosaic::media {
namespace {

using test::Rgb;

enum class Side { Top, Bottom, Left, Right };

Side opposite(Side side) {
  switch (side) {
    case Side::Top:
      return Side::Bottom;
    case Side::Bottom:
      return Side::Top;
    case Side::Left:
      return Side::Right;
    case Side::Right:
      return Side::Left;
  }
  return side;
}

struct OrientationSides {
  Side row0;  // where the stored first row is displayed
  Side col0;  // where the stored first column is displayed
};

// EXIF 2.32, tag 0x0112, values 1..8.
const OrientationSides kSpec[9] = {
    {Side::Top, Side::Left},     {Side::Top, Side::Left},     {Side::Top, Side::Right},
    {Side::Bottom, Side::Right}, {Side::Bottom, Side::Left},  {Side::Left, Side::Top},
    {Side::Right, Side::Top},    {Side::Right, Side::Bottom}, {Side::Left, Side::Bottom},
};

// An APP1 segment holding a big-endian TIFF structure with one IFD entry.
std::vector<uint8_t> exif_segment(int orientation) {
  std::vector<uint8_t> tiff = {'M',  'M',
                               0,    42,
                               0,    0,
                               0,    8,  // header, IFD at offset 8
                               0,    1,  // one entry
                               0x01, 0x12,
                               0,    3,
                               0,    0,
                               0,    1,  // Orientation, SHORT, count 1
                               0,    static_cast<uint8_t>(orientation),
                               0,    0,  // value, padded
                               0,    0,
                               0,    0};  // no next IFD
  std::vector<uint8_t> segment = {0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
  for (uint8_t byte : tiff) segment.push_back(byte);  // insert() trips a GCC 12 false warning
  const size_t length = segment.size() - 2;
  segment[2] = static_cast<uint8_t>(length >> 8);
  segment[3] = static_cast<uint8_t>(length);
  return segment;
}

// The same with Intel byte order ("II"), as most cameras write it.
std::vector<uint8_t> little_endian_exif_segment(int orientation) {
  const std::vector<uint8_t> tiff = {'I',
                                     'I',
                                     42,
                                     0,
                                     8,
                                     0,
                                     0,
                                     0,  // header, IFD at offset 8
                                     1,
                                     0,  // one entry
                                     0x12,
                                     0x01,
                                     3,
                                     0,
                                     1,
                                     0,
                                     0,
                                     0,  // Orientation, SHORT, count 1
                                     static_cast<uint8_t>(orientation),
                                     0,
                                     0,
                                     0,
                                     0,
                                     0,
                                     0,
                                     0};
  std::vector<uint8_t> segment = {0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
  for (uint8_t byte : tiff) segment.push_back(byte);
  segment[3] = static_cast<uint8_t>(segment.size() - 2);
  return segment;
}

class ExifOrientationTest : public ::testing::TestWithParam<int> {};

TEST_P(ExifOrientationTest, DisplaysUpright) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  const int orientation = GetParam();
  test::ScratchDir dir;
  const Rgb top_left{255, 0, 0}, top_right{0, 255, 0}, bottom_left{0, 0, 255},
      bottom_right{255, 255, 255};
  test::write_ppm(dir / "in.ppm", test::make_quadrant_frame(64, 32, top_left, top_right,
                                                            bottom_left, bottom_right));
  ASSERT_TRUE(test::run_ffmpeg("-i " + test::quoted(dir / "in.ppm") + " -q:v 2 " +
                               test::quoted(dir / "plain.jpg")));
  std::vector<uint8_t> jpeg = test::read_bytes(dir / "plain.jpg");
  ASSERT_GT(jpeg.size(), 2u);
  const std::vector<uint8_t> app1 = exif_segment(orientation);
  jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());  // right after SOI
  test::write_bytes(dir / "oriented.jpg", jpeg);

  const RgbFrame frame = decode_image_file(dir / "oriented.jpg");
  const bool swapped = orientation >= 5;
  ASSERT_EQ(frame.width, swapped ? 32 : 64);
  ASSERT_EQ(frame.height, swapped ? 64 : 32);

  const OrientationSides sides = kSpec[orientation];
  struct StoredCorner {
    bool first_row, first_column;
    Rgb color;
  };
  for (const StoredCorner& corner :
       {StoredCorner{true, true, top_left}, StoredCorner{true, false, top_right},
        StoredCorner{false, true, bottom_left}, StoredCorner{false, false, bottom_right}}) {
    const Side a = corner.first_row ? sides.row0 : opposite(sides.row0);
    const Side b = corner.first_column ? sides.col0 : opposite(sides.col0);
    bool at_top = false, at_left = false;
    for (Side s : {a, b}) {
      if (s == Side::Top) at_top = true;
      if (s == Side::Left) at_left = true;
    }
    const int x = at_left ? frame.width / 4 : frame.width * 3 / 4;
    const int y = at_top ? frame.height / 4 : frame.height * 3 / 4;
    const Rgb actual = test::average_color(frame, x, y, 3);
    EXPECT_TRUE(test::near_color(actual, corner.color, 40))
        << "orientation " << orientation << ": expected " << test::describe(corner.color) << " at ("
        << x << ", " << y << "), got " << test::describe(actual);
  }
}

INSTANTIATE_TEST_SUITE_P(AllEight, ExifOrientationTest, ::testing::Range(1, 9));

TEST(ExifOrientation, IgnoredWhenAsked) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  test::ScratchDir dir;
  test::write_ppm(dir / "in.ppm", test::make_quadrant_frame(64, 32, {255, 0, 0}, {0, 255, 0},
                                                            {0, 0, 255}, {255, 255, 255}));
  ASSERT_TRUE(test::run_ffmpeg("-i " + test::quoted(dir / "in.ppm") + " " +
                               test::quoted(dir / "plain.jpg")));
  std::vector<uint8_t> jpeg = test::read_bytes(dir / "plain.jpg");
  const std::vector<uint8_t> app1 = exif_segment(6);
  jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
  test::write_bytes(dir / "oriented.jpg", jpeg);
  EXPECT_EQ(read_image_file_header(dir / "oriented.jpg").exif_orientation, 6);
  const RgbFrame frame = decode_image_file(
      dir / "oriented.jpg", ImageDecodeOptions{.orientation = OrientationHandling::Ignore});
  EXPECT_EQ(frame.width, 64);
  EXPECT_EQ(frame.height, 32);
}

TEST(ExifOrientation, LittleEndianExif) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  test::ScratchDir dir;
  test::write_ppm(dir / "in.ppm", test::make_quadrant_frame(64, 32, {255, 0, 0}, {0, 255, 0},
                                                            {0, 0, 255}, {255, 255, 255}));
  ASSERT_TRUE(test::run_ffmpeg("-i " + test::quoted(dir / "in.ppm") + " " +
                               test::quoted(dir / "plain.jpg")));
  std::vector<uint8_t> jpeg = test::read_bytes(dir / "plain.jpg");
  const std::vector<uint8_t> app1 = little_endian_exif_segment(8);
  jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
  test::write_bytes(dir / "oriented.jpg", jpeg);
  EXPECT_EQ(read_image_file_header(dir / "oriented.jpg").exif_orientation, 8);
  const RgbFrame frame = decode_image_file(dir / "oriented.jpg");
  EXPECT_EQ(frame.width, 32);
  EXPECT_EQ(frame.height, 64);
  // Orientation 8: the stored first row is the visual left side, the first
  // column the visual bottom, so the stored top-left (red) is at the bottom left.
  EXPECT_TRUE(test::near_color(test::average_color(frame, 8, 56, 3), {255, 0, 0}, 40))
      << test::describe(test::average_color(frame, 8, 56, 3));
}

}  // namespace
}  // namespace mosaic::media
