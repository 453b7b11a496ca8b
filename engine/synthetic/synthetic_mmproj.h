// Writes tiny random-weight Qwen3-VL mmproj files with the keys and tensor
// names llama.cpp's converter uses, so tests exercise the real loader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/cpu/types.h"

namespace mosaic::synthetic {

enum class QkvLayout { Fused, Separate };  // attn_qkv vs attn_q/attn_k/attn_v

struct MmprojSpec {
  std::string projector_type = "qwen3vl_merger";
  int64_t n_embd = 32;
  int64_t n_head = 2;  // head_dim 16
  int64_t n_ff = 48;
  int64_t n_layer = 3;
  int64_t projection_dim = 24;
  int64_t patch_size = 4;                             // merge 2 -> 8-pixel grid
  int64_t position_side = 4;                          // learned table of 4 x 4 positions
  std::vector<bool> deepstack = {true, false, true};  // one flag per layer
  int64_t min_pixels = 4 * 64;
  int64_t max_pixels = 64 * 64;
  float eps = 1e-6f;
  // Matrices, the patch kernels and the position table; norms and biases
  // stay F32 as the converter keeps them.
  kernels::DType weight_type = kernels::DType::F32;
  QkvLayout qkv = QkvLayout::Fused;
  // Qwen3-Omni's mmproj: vision and audio in one file, the projector types
  // under clip.vision./clip.audio. and a few audio tensors (a.*, mm.a.*)
  // after the vision ones (the vision weights stay the same).
  bool with_audio_encoder = false;
  uint64_t seed = 7;
};

// Throws mosaic::Error on I/O errors or an inconsistent spec.
void write_synthetic_mmproj(const std::string& path, const MmprojSpec& spec);

}  // namespace mosaic::synthetic
