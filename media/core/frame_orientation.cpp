#include "media/core/frame_orientation.h"

#include <cmath>
#include <cstring>

namespace mosaic::media {
namespace {

// The source pixel (column, row) that lands at destination (x, y).
struct SourceIndex {
  int column;
  int row;
};

template <typename Mapping>
RgbFrame remap(const RgbFrame& in, bool swaps_axes, Mapping source_of) {
  RgbFrame out = swaps_axes ? RgbFrame(in.height, in.width) : RgbFrame(in.width, in.height);
  out.pts_us = in.pts_us;
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      const SourceIndex s = source_of(x, y);
      std::memcpy(out.pixel(x, y), in.pixel(s.column, s.row), 3);
    }
  }
  return out;
}

}  // namespace

RgbFrame apply_exif_orientation(const RgbFrame& frame, int exif_orientation) {
  const int w = frame.width;
  const int h = frame.height;
  switch (exif_orientation) {
    case 2:  // mirrored left-right
      return remap(frame, false, [&](int x, int y) { return SourceIndex{w - 1 - x, y}; });
    case 3:  // upside down
      return remap(frame, false, [&](int x, int y) { return SourceIndex{w - 1 - x, h - 1 - y}; });
    case 4:  // mirrored top-bottom
      return remap(frame, false, [&](int x, int y) { return SourceIndex{x, h - 1 - y}; });
    case 5:  // transpose: stored rows are displayed columns
      return remap(frame, true, [&](int x, int y) { return SourceIndex{y, x}; });
    case 6:  // needs a quarter turn clockwise
      return remap(frame, true, [&](int x, int y) { return SourceIndex{y, h - 1 - x}; });
    case 7:  // transverse
      return remap(frame, true, [&](int x, int y) { return SourceIndex{w - 1 - y, h - 1 - x}; });
    case 8:  // needs a quarter turn counter-clockwise
      return remap(frame, true, [&](int x, int y) { return SourceIndex{w - 1 - y, x}; });
    default:
      return frame;
  }
}

RgbFrame rotate_clockwise(const RgbFrame& frame, int degrees) {
  int quarter_turns = static_cast<int>(std::lround(degrees / 90.0)) % 4;
  if (quarter_turns < 0) quarter_turns += 4;
  switch (quarter_turns) {
    case 1:
      return apply_exif_orientation(frame, 6);
    case 2:
      return apply_exif_orientation(frame, 3);
    case 3:
      return apply_exif_orientation(frame, 8);
    default:
      return frame;
  }
}

}  // namespace mosaic::media
