// Tensors of a Qwen3-VL vision encoder in an mmproj GGUF file. Matrices stay
// in the memory map; small vectors (norms, biases, the position table and the
// patch kernel) are converted to float once at load.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/gguf/gguf_reader.h"
#include "engine/model/weights.h"
#include "engine/vision/vision_hparams.h"

namespace mosaic::vision {

struct LinearWeights {
  Weight w;              // {n_in, n_out}
  std::vector<float> b;  // n_out
  int64_t n_out() const { return w.ne[1]; }
};

struct NormWeights {
  std::vector<float> w, b;  // LayerNorm scale and shift
};

struct VisionLayerWeights {
  NormWeights ln1, ln2;
  // Fused attn_qkv ({n_embd, 3 n_embd}, q then k then v) when the file has
  // it; otherwise separate attn_q/attn_k/attn_v.
  LinearWeights qkv, q, k, v;
  LinearWeights out, up, down;
};

struct DeepstackWeights {
  int64_t layer = 0;  // encoder layer whose output it reads
  NormWeights norm;   // over 4 * n_embd (after the 2x2 merge)
  LinearWeights fc1, fc2;
};

struct VisionWeights {
  // The Conv3D's two temporal halves summed: a still image is its own second
  // frame, so both halves see the same pixels. n_embd rows of 3 * P * P in
  // (channel, y, x) order.
  std::vector<float> patch_kernel;
  // The halves themselves, for a pair of video frames (one frame each).
  std::vector<float> patch_kernel_first, patch_kernel_second;
  std::vector<float> patch_bias;
  // Learned absolute positions on a position_side^2 grid, n_embd each.
  std::vector<float> position;
  int64_t position_side = 0;
  std::vector<VisionLayerWeights> layers;
  NormWeights post_ln;
  LinearWeights merger_fc1, merger_fc2;  // mm.0, mm.2
  std::vector<DeepstackWeights> deepstack;
};

// Throws Error(Format) naming the tensor when one is missing or mis-shaped,
// Error(Unsupported) for a tensor type the vectors cannot be read from.
VisionWeights load_vision_weights(const gguf::GgufFile& file, const VisionHparams& hp);

}  // namespace mosaic::vision
