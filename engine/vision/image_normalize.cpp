#include "engine/vision/image_normalize.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace mosaic::vision {
namespace {

// Resampling as the model's own image processor does it (Qwen-VL's uses
// PIL's bicubic, a = -0.5, widened by the scale when shrinking so a large
// photo is filtered, not sampled), one axis at a time in PIL's fixed point
// (weights in 22 fractional bits, integer sums, rounded to 8 bits after each
// pass): exact, so the result does not depend on summation order.
constexpr int kWeightBits = 22;
// Keys' cubic with a = -0.5, in this exact evaluation order (the reference
// in tests/engine uses the same, so the fixed-point weights agree to the bit).
double bicubic(double x) {
  x = std::abs(x);
  if (x < 1.0) return (1.5 * x - 2.5) * x * x + 1.0;
  if (x < 2.0) return ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0;
  return 0.0;
}

struct Taps {
  std::vector<int64_t> first;    // first source index of each destination
  std::vector<int64_t> count;    // taps of each destination
  std::vector<int32_t> weights;  // max_taps per destination, fixed point
  int64_t max_taps = 0;
};

Taps make_taps(int64_t src, int64_t dst) {
  const double scale = static_cast<double>(src) / static_cast<double>(dst);
  const double filter_scale = std::max(scale, 1.0);
  const double support = 2.0 * filter_scale;
  Taps taps;
  taps.max_taps = static_cast<int64_t>(std::ceil(support)) * 2 + 1;
  taps.first.resize(static_cast<size_t>(dst));
  taps.count.resize(static_cast<size_t>(dst));
  taps.weights.assign(static_cast<size_t>(dst * taps.max_taps), 0);
  std::vector<double> w(static_cast<size_t>(taps.max_taps));
  for (int64_t d = 0; d < dst; ++d) {
    const double center = (static_cast<double>(d) + 0.5) * scale;
    const int64_t lo = std::max<int64_t>(0, static_cast<int64_t>(center - support + 0.5));
    const int64_t hi = std::min<int64_t>(src, static_cast<int64_t>(center + support + 0.5));
    const int64_t n = std::min(hi - lo, taps.max_taps);
    double total = 0;
    for (int64_t i = 0; i < n; ++i) {
      w[static_cast<size_t>(i)] =
          bicubic((static_cast<double>(lo + i) - center + 0.5) / filter_scale);
      total += w[static_cast<size_t>(i)];
    }
    int32_t* fixed = taps.weights.data() + d * taps.max_taps;
    for (int64_t i = 0; i < n; ++i) {
      const double scaled = w[static_cast<size_t>(i)] / total * (1 << kWeightBits);
      fixed[i] = static_cast<int32_t>(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
    }
    taps.first[static_cast<size_t>(d)] = lo;
    taps.count[static_cast<size_t>(d)] = n;
  }
  return taps;
}

// A fixed-point sum back to 8 bits, rounding half up.
uint8_t to_u8(int64_t sum) {
  return static_cast<uint8_t>(
      std::clamp<int64_t>((sum + (int64_t{1} << (kWeightBits - 1))) >> kWeightBits, 0, 255));
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
  const int64_t w = size.width_px, h = size.height_px, src_w = image.width_px;
  const Taps tx = make_taps(src_w, w);
  const Taps ty = make_taps(image.height_px, h);
  // Across first (every source row to w columns), then down.
  std::vector<uint8_t> across(static_cast<size_t>(image.height_px * w * 3));
  for (int64_t y = 0; y < image.height_px; ++y) {
    const uint8_t* row = image.bytes.data() + y * src_w * 3;
    for (int64_t x = 0; x < w; ++x) {
      const int32_t* wt = tx.weights.data() + x * tx.max_taps;
      const int64_t first = tx.first[static_cast<size_t>(x)];
      int64_t acc[3] = {0, 0, 0};
      for (int64_t i = 0; i < tx.count[static_cast<size_t>(x)]; ++i) {
        const uint8_t* p = row + (first + i) * 3;
        for (int c = 0; c < 3; ++c) acc[c] += int64_t{wt[i]} * p[c];
      }
      for (int c = 0; c < 3; ++c) across[static_cast<size_t>((y * w + x) * 3 + c)] = to_u8(acc[c]);
    }
  }
  std::vector<float> out(static_cast<size_t>(3 * w * h));
  for (int64_t y = 0; y < h; ++y) {
    const int32_t* wt = ty.weights.data() + y * ty.max_taps;
    const int64_t first = ty.first[static_cast<size_t>(y)];
    for (int64_t x = 0; x < w; ++x) {
      int64_t acc[3] = {0, 0, 0};
      for (int64_t i = 0; i < ty.count[static_cast<size_t>(y)]; ++i) {
        const uint8_t* p = across.data() + ((first + i) * w + x) * 3;
        for (int c = 0; c < 3; ++c) acc[c] += int64_t{wt[i]} * p[c];
      }
      for (int c = 0; c < 3; ++c) {
        const float v = static_cast<float>(to_u8(acc[c])) / 255.0f;
        out[static_cast<size_t>((c * h + y) * w + x)] =
            (v - mean[static_cast<size_t>(c)]) / std_dev[static_cast<size_t>(c)];
      }
    }
  }
  return out;
}

}  // namespace mosaic::vision
