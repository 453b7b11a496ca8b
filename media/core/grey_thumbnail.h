// Small greyscale copies of frames for cheap comparisons: scene-change and
// motion detection only need coarse structure, and comparing 64-pixel-wide
// thumbnails is thousands of times cheaper than full frames and insensitive
// to sensor noise.
#pragma once

#include <cstdint>
#include <vector>

#include "media/core/rgb_frame.h"

namespace mosaic::media {

struct GreyThumbnail {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // width * height luma values
};

inline constexpr int kDefaultThumbnailWidth = 64;

// Averages boxes of the frame (sampled on an up-to-4x4 grid) down to
// target_width columns (keeping the aspect ratio, at least one row), as
// luma with BT.601 weights.
GreyThumbnail make_grey_thumbnail(const RgbFrame& frame, int target_width = kDefaultThumbnailWidth);

// Mean absolute difference of two thumbnails, in grey levels (0..255).
// Thumbnails of different sizes count as completely different (255).
double mean_absolute_difference(const GreyThumbnail& a, const GreyThumbnail& b);

}  // namespace mosaic::media
