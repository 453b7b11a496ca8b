#include "engine/vision/image_size.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace mosaic::vision {

PixelSize fit_image_size(int64_t width_px, int64_t height_px, int64_t factor_px, int64_t min_pixels,
                         int64_t max_pixels) {
  if (width_px <= 0 || height_px <= 0)
    fail(ErrorCode::InvalidArgument, fmt::format("image size {}x{} is empty", width_px, height_px));
  if (factor_px <= 0 || max_pixels < factor_px * factor_px || min_pixels > max_pixels)
    fail(ErrorCode::InvalidArgument,
         fmt::format("image budget {}..{} pixels cannot hold a {}-pixel grid", min_pixels,
                     max_pixels, factor_px));
  const double w = static_cast<double>(width_px), h = static_cast<double>(height_px);
  if (std::max(w, h) / std::min(w, h) > 200.0)
    fail(ErrorCode::InvalidArgument,
         fmt::format("image {}x{} has an aspect ratio beyond 200:1", width_px, height_px));
  const double f = static_cast<double>(factor_px);
  // nearbyint rounds half to even, as the reference (Python round) does.
  double hb = std::max(f, std::nearbyint(h / f) * f);
  double wb = std::max(f, std::nearbyint(w / f) * f);
  if (hb * wb > static_cast<double>(max_pixels)) {
    const double beta = std::sqrt(h * w / static_cast<double>(max_pixels));
    hb = std::max(f, std::floor(h / beta / f) * f);
    wb = std::max(f, std::floor(w / beta / f) * f);
  } else if (hb * wb < static_cast<double>(min_pixels)) {
    const double beta = std::sqrt(static_cast<double>(min_pixels) / (h * w));
    hb = std::ceil(h * beta / f) * f;
    wb = std::ceil(w * beta / f) * f;
  }
  return {static_cast<int64_t>(wb), static_cast<int64_t>(hb)};
}

}  // namespace mosaic::vision
