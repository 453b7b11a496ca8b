// Patch embedding (the Conv3D over a still image) plus the learned absolute
// position table resized to the image's patch grid.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/vision/patch_grid.h"
#include "engine/vision/vision_weights.h"
#include "kernels/cpu/thread_pool.h"

namespace mosaic::vision {

// pixels: 3 planes of (grid_h * P) x (grid_w * P) floats (normalize_image).
// Returns one n_embd row per entry of `order`: kernel . patch + bias. With
// second_pixels (the next video frame, same size), the first temporal half
// of the kernel sees `pixels` and the second half `second_pixels`; without,
// both see `pixels` (a still image).
std::vector<float> embed_patches(kernels::ThreadPool& pool, const VisionWeights& w, int64_t n_embd,
                                 int64_t patch_size, const float* pixels, int64_t grid_w,
                                 const std::vector<PatchPos>& order,
                                 const float* second_pixels = nullptr);

// Adds to each row the position table bilinearly resized from its
// side x side grid to grid_w x grid_h with corners aligned (the first and
// last rows/columns of the table land on the first and last patches), as
// Qwen3-VL's reference does.
void add_position_embeddings(const VisionWeights& w, int64_t n_embd, int64_t grid_w, int64_t grid_h,
                             const std::vector<PatchPos>& order, float* rows);

}  // namespace mosaic::vision
