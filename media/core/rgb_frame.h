// A decoded picture as the engine's vision side consumes it: tightly packed
// RGB8 rows (stride = width * 3), plus when it was shown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mosaic::media {

struct RgbFrame {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // width * height * 3 bytes, row-major, R G B
  int64_t pts_us = 0;           // presentation time from the start of the stream

  RgbFrame() = default;
  RgbFrame(int frame_width, int frame_height)
      : width(frame_width),
        height(frame_height),
        pixels(static_cast<size_t>(frame_width) * frame_height * 3) {}

  bool empty() const { return width <= 0 || height <= 0; }
  size_t stride_bytes() const { return static_cast<size_t>(width) * 3; }
  uint8_t* pixel(int x, int y) { return pixels.data() + (static_cast<size_t>(y) * width + x) * 3; }
  const uint8_t* pixel(int x, int y) const {
    return pixels.data() + (static_cast<size_t>(y) * width + x) * 3;
  }
};

}  // namespace mosaic::media
