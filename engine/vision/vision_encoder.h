// The Qwen3-VL vision encoder: an mmproj GGUF file loaded once, then any
// number of RGB images turned into embeddings for the text model.
//
//   pixels -> resize/normalize -> patches (Conv3D) + resized position table
//   -> n_layer pre-norm ViT blocks with 2-D rotary -> LayerNorm -> 2x2 merge
//   -> MLP (mm.0, GELU, mm.2) = one token per 2x2 patches; DeepStack: the
//   outputs of the listed layers, merged and projected by their own MLPs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/gguf/gguf_reader.h"
#include "engine/vision/image_normalize.h"
#include "engine/vision/vision_hparams.h"
#include "engine/vision/vision_weights.h"
#include "kernels/cpu/thread_pool.h"

namespace mosaic::vision {

struct ImageEmbedding {
  int64_t n_tokens = 0;        // merged tokens = grid_w * grid_h
  int64_t grid_w = 0;          // merged tokens per row
  int64_t grid_h = 0;          // merged token rows
  int64_t projection_dim = 0;  // width of the main embedding and of each slice
  int64_t n_deepstack = 0;
  // n_tokens rows of projection_dim * (1 + n_deepstack): the main embedding,
  // then each DeepStack slice in layer order (the layout the qwen3vlmoe text
  // model's input takes).
  std::vector<float> rows;
  int64_t row_width() const { return projection_dim * (1 + n_deepstack); }
};

// Called with the fraction done in [0, 1]; return false to cancel (the
// encoder then throws Error(Cancelled)).
using EncodeProgress = std::function<bool(float)>;

class VisionEncoder {
 public:
  // Opens and validates the mmproj file (see read_vision_hparams and
  // load_vision_weights for the errors).
  static VisionEncoder open(const std::string& path);

  const VisionHparams& hparams() const { return hp_; }
  // The size `encode` resizes a width x height image to. max_tokens > 0
  // lowers the file's pixel budget to that many merged tokens (never below
  // the file's minimum); 0 keeps the file's budget.
  PixelSize input_size(int64_t width_px, int64_t height_px, int64_t max_tokens = 0) const;

  // Throws Error(InvalidArgument) for a malformed image, Error(Cancelled).
  ImageEmbedding encode(kernels::ThreadPool& pool, const RgbImage& image,
                        const EncodeProgress& progress = {}, int64_t max_tokens = 0) const;
  // Two consecutive video frames of the same size as one picture: the patch
  // embedding's first temporal half sees `first`, the second `second` (how
  // Qwen3-VL encodes video, two frames per temporal patch). Same errors.
  ImageEmbedding encode_pair(kernels::ThreadPool& pool, const RgbImage& first,
                             const RgbImage& second, const EncodeProgress& progress = {},
                             int64_t max_tokens = 0) const;
  // The same from pixels already normalized to `size` (3 planes), for tests
  // that want to bypass resizing; second_pixels: the next frame, or null.
  ImageEmbedding encode_pixels(kernels::ThreadPool& pool, const float* pixels, PixelSize size,
                               const EncodeProgress& progress = {},
                               const float* second_pixels = nullptr) const;

 private:
  VisionEncoder(std::unique_ptr<gguf::GgufFile> file, VisionHparams hp, VisionWeights w);

  std::unique_ptr<gguf::GgufFile> file_;  // owns the map the weights point into
  VisionHparams hp_;
  VisionWeights w_;
};

}  // namespace mosaic::vision
