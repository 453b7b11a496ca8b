// RGB8 image -> planar float tensor the patch embedding reads.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/vision/image_size.h"

namespace mosaic::vision {

// An interleaved RGB8 image, rows top to bottom, width_px * 3 bytes a row.
struct RgbImage {
  int64_t width_px = 0;
  int64_t height_px = 0;
  std::span<const uint8_t> bytes;
};

// Throws Error(InvalidArgument) unless sizes are positive and bytes holds
// exactly width * height * 3 bytes.
void check_image(const RgbImage& image);

// Resizes to `size` as Qwen-VL's image processor does (bicubic, a = -0.5,
// antialiased when shrinking, each axis pass rounded to 8 bits), scales to
// [0, 1] and normalizes (x - mean) / std per channel. Result: 3 planes of
// height_px rows of width_px floats.
std::vector<float> normalize_image(const RgbImage& image, PixelSize size,
                                   const std::array<float, 3>& mean,
                                   const std::array<float, 3>& std_dev);

}  // namespace mosaic::vision
