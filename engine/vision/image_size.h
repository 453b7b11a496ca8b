// The size an image is resized to before patching: Qwen-VL's "smart resize".
#pragma once

#include <cstdint>

namespace mosaic::vision {

struct PixelSize {
  int64_t width_px = 0;
  int64_t height_px = 0;
};

// Keeps the aspect ratio as closely as possible while making both sides
// multiples of factor_px (patch * merge) with factor_px <= side, and the area
// within [min_pixels, max_pixels]: sides are rounded to the nearest multiple,
// then scaled down (floor) or up (ceil) by one common factor when the area is
// outside the budget. Throws Error(InvalidArgument) for an empty image or an
// aspect ratio beyond 200:1 (Qwen-VL's limit; such strips carry no content
// a 32-pixel grid could see).
PixelSize fit_image_size(int64_t width_px, int64_t height_px, int64_t factor_px, int64_t min_pixels,
                         int64_t max_pixels);

}  // namespace mosaic::vision
