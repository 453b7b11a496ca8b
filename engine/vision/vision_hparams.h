// Hyperparameters of a Qwen3-VL vision encoder, read from the `clip.*` keys
// of an mmproj GGUF file as llama.cpp's converter writes them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/gguf/gguf_reader.h"

namespace mosaic::vision {

// The one projector type this encoder implements.
inline constexpr const char* kQwen3vlProjector = "qwen3vl_merger";

struct VisionHparams {
  int64_t n_embd = 0;          // clip.vision.embedding_length
  int64_t n_ff = 0;            // clip.vision.feed_forward_length
  int64_t n_layer = 0;         // clip.vision.block_count
  int64_t n_head = 0;          // clip.vision.attention.head_count
  int64_t head_dim = 0;        // n_embd / n_head
  int64_t projection_dim = 0;  // clip.vision.projection_dim: the text model's width
  float eps = 1e-6f;           // clip.vision.attention.layer_norm_epsilon
  int64_t patch_size = 0;      // pixels per patch side
  int64_t merge_size = 2;      // patches per merged token side
  std::array<float, 3> image_mean{};
  std::array<float, 3> image_std{};
  // Layers whose output also feeds a DeepStack merger, ascending.
  std::vector<int64_t> deepstack_layers;
  // Pixel budget of the resized image (keys image_min/max_pixels when the
  // file has them, else Qwen3-VL's 8..4096 merged tokens).
  int64_t min_pixels = 0;
  int64_t max_pixels = 0;

  // Pixels per merged token side (32 for Qwen3-VL).
  int64_t pixel_factor() const { return patch_size * merge_size; }
};

// Reads and validates the vision hyperparameters. Throws Error(Unsupported)
// naming the projector type when it is not qwen3vl_merger, Error(Format)
// naming the key when one is missing or out of range.
VisionHparams read_vision_hparams(const gguf::GgufFile& file);

}  // namespace mosaic::vision
