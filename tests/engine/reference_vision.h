// A plainly written double-precision Qwen3-VL vision encoder, straight from
// the model's definition, to check engine/vision against. It shares only the
// GGUF reader with the engine; patches are kept in raster order and the 2x2
// merge is an explicit gather at the end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mosaic::testing {

struct ReferenceImage {
  int64_t width_px = 0, height_px = 0;
  std::vector<uint8_t> rgb;  // interleaved
};

// Rows of merged tokens (raster order of the merged grid), each the main
// embedding followed by the DeepStack slices in layer order. The image is
// first resized to target_w x target_h. With `next_frame` (a video's next
// frame, same size), the Conv3D's second temporal half sees it instead of
// `image`.
std::vector<std::vector<double>> reference_encode(const std::string& mmproj_path,
                                                  const ReferenceImage& image, int64_t target_w,
                                                  int64_t target_h,
                                                  const ReferenceImage* next_frame = nullptr);

// The resize and normalization alone: 3 planes of target_h x target_w.
std::vector<std::vector<double>> reference_preprocess(const ReferenceImage& image, int64_t target_w,
                                                      int64_t target_h,
                                                      const std::vector<double>& mean,
                                                      const std::vector<double>& std_dev);

}  // namespace mosaic::testing
