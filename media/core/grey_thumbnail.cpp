#include "media/core/grey_thumbnail.h"

#include <algorithm>
#include <cstdlib>

namespace mosaic::media {

GreyThumbnail make_grey_thumbnail(const RgbFrame& frame, int target_width) {
  GreyThumbnail thumb;
  if (frame.empty() || target_width <= 0) return thumb;
  thumb.width = std::min(target_width, frame.width);
  thumb.height =
      std::max(1, static_cast<int>(static_cast<int64_t>(frame.height) * thumb.width / frame.width));
  thumb.pixels.resize(static_cast<size_t>(thumb.width) * thumb.height);
  for (int ty = 0; ty < thumb.height; ++ty) {
    const int y0 = static_cast<int>(static_cast<int64_t>(ty) * frame.height / thumb.height);
    const int y1 = std::max(
        y0 + 1, static_cast<int>(static_cast<int64_t>(ty + 1) * frame.height / thumb.height));
    for (int tx = 0; tx < thumb.width; ++tx) {
      const int x0 = static_cast<int>(static_cast<int64_t>(tx) * frame.width / thumb.width);
      const int x1 = std::max(
          x0 + 1, static_cast<int>(static_cast<int64_t>(tx + 1) * frame.width / thumb.width));
      // At most 4 x 4 samples per box: enough for a scene-change signal, and
      // a 1080p frame costs the same as a 256-pixel-wide one.
      const int step_x = std::max(1, (x1 - x0) / 4);
      const int step_y = std::max(1, (y1 - y0) / 4);
      uint64_t luma_sum = 0;
      uint64_t count = 0;
      for (int y = y0; y < y1; y += step_y) {
        for (int x = x0; x < x1; x += step_x) {
          const uint8_t* p = frame.pixel(x, y);
          // BT.601 luma in 8.8 fixed point (77 + 150 + 29 = 256).
          luma_sum += (77u * p[0] + 150u * p[1] + 29u * p[2]) >> 8;
          ++count;
        }
      }
      thumb.pixels[static_cast<size_t>(ty) * thumb.width + tx] =
          static_cast<uint8_t>(luma_sum / count);
    }
  }
  return thumb;
}

double mean_absolute_difference(const GreyThumbnail& a, const GreyThumbnail& b) {
  if (a.width != b.width || a.height != b.height || a.pixels.empty()) return 255.0;
  uint64_t total = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    total += static_cast<uint64_t>(std::abs(int{a.pixels[i]} - int{b.pixels[i]}));
  }
  return static_cast<double>(total) / static_cast<double>(a.pixels.size());
}

}  // namespace mosaic::media
