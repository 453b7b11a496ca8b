#include "engine/vision/image_normalize.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace mosaic::vision {
namespace {

// Source sample positions for each destination index: half-pixel centres,
// so a 2x downscale averages pixel pairs instead of skipping every other one.
struct Taps {
  std::vector<int64_t> i0, i1;
  std::vector<float> t;  // weight of i1
};

Taps make_taps(int64_t src, int64_t dst) {
  Taps taps;
  taps.i0.resize(static_cast<size_t>(dst));
  taps.i1.resize(static_cast<size_t>(dst));
  taps.t.resize(static_cast<size_t>(dst));
  const double scale = static_cast<double>(src) / static_cast<double>(dst);
  for (int64_t d = 0; d < dst; ++d) {
    double s = (static_cast<double>(d) + 0.5) * scale - 0.5;
    s = std::clamp(s, 0.0, static_cast<double>(src - 1));
    const auto lo = static_cast<int64_t>(std::floor(s));
    const size_t k = static_cast<size_t>(d);
    taps.i0[k] = lo;
    taps.i1[k] = std::min(lo + 1, src - 1);
    taps.t[k] = static_cast<float>(s - static_cast<double>(lo));
  }
  return taps;
}

}  // namespace

void check_image(const RgbImage& image) {
  if (image.width_px <= 0 || image.height_px <= 0)
    fail(ErrorCode::InvalidArgument,
         fmt::format("image size {}x{} is empty", image.width_px, image.height_px));
  const auto expected =
      static_cast<uint64_t>(image.width_px) * static_cast<uint64_t>(image.height_px) * 3u;
  if (image.bytes.size() != expected)
    fail(ErrorCode::InvalidArgument,
         fmt::format("RGB image {}x{} needs {} bytes, got {}", image.width_px, image.height_px,
                     expected, image.bytes.size()));
}

std::vector<float> normalize_image(const RgbImage& image, PixelSize size,
                                   const std::array<float, 3>& mean,
                                   const std::array<float, 3>& std_dev) {
  check_image(image);
  const int64_t w = size.width_px, h = size.height_px;
  const Taps tx = make_taps(image.width_px, w);
  const Taps ty = make_taps(image.height_px, h);
  std::vector<float> out(static_cast<size_t>(3 * w * h));
  auto px = [&](int64_t y, int64_t x, int c) {
    return static_cast<float>(image.bytes[static_cast<size_t>((y * image.width_px + x) * 3 + c)]);
  };
  for (int c = 0; c < 3; ++c) {
    const float scale = 1.0f / (255.0f * std_dev[static_cast<size_t>(c)]);
    const float shift = mean[static_cast<size_t>(c)] / std_dev[static_cast<size_t>(c)];
    for (int64_t y = 0; y < h; ++y) {
      const size_t ky = static_cast<size_t>(y);
      for (int64_t x = 0; x < w; ++x) {
        const size_t kx = static_cast<size_t>(x);
        const float top =
            px(ty.i0[ky], tx.i0[kx], c) * (1 - tx.t[kx]) + px(ty.i0[ky], tx.i1[kx], c) * tx.t[kx];
        const float bottom =
            px(ty.i1[ky], tx.i0[kx], c) * (1 - tx.t[kx]) + px(ty.i1[ky], tx.i1[kx], c) * tx.t[kx];
        const float v = top * (1 - ty.t[ky]) + bottom * ty.t[ky];
        out[static_cast<size_t>((c * h + y) * w + x)] = v * scale - shift;
      }
    }
  }
  return out;
}

}  // namespace mosaic::vision
