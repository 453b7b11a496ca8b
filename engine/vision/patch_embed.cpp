#include "engine/vision/patch_embed.h"

#include <algorithm>
#include <cmath>

namespace mosaic::vision {

std::vector<float> embed_patches(kernels::ThreadPool& pool, const VisionWeights& w, int64_t n_embd,
                                 int64_t patch_size, const float* pixels, int64_t grid_w,
                                 const std::vector<PatchPos>& order, const float* second_pixels) {
  const int64_t p = patch_size, n_in = 3 * p * p;
  const int64_t width = grid_w * p;
  const int64_t n_tok = static_cast<int64_t>(order.size());
  const int64_t height = n_tok / grid_w * p;  // grid_h * p
  std::vector<float> out(static_cast<size_t>(n_tok * n_embd));
  // A still image uses the summed kernel (one product per patch); a frame
  // pair one product per half.
  struct Pass {
    const float* kernel;
    const float* planes;
  };
  std::vector<Pass> passes;
  if (second_pixels) {
    passes = {{w.patch_kernel_first.data(), pixels}, {w.patch_kernel_second.data(), second_pixels}};
  } else {
    passes = {{w.patch_kernel.data(), pixels}};
  }
  pool.parallel_for(n_tok, [&](int64_t t, int) {
    // Gather the patch in the kernel's (channel, y, x) order.
    float patch[3 * 64 * 64];
    std::vector<float> big;
    float* x = patch;
    if (n_in > 3 * 64 * 64) {
      big.resize(static_cast<size_t>(n_in));
      x = big.data();
    }
    const PatchPos pp = order[static_cast<size_t>(t)];
    float* y = out.data() + t * n_embd;
    for (int64_t o = 0; o < n_embd; ++o) y[o] = w.patch_bias[static_cast<size_t>(o)];
    for (const Pass& pass : passes) {
      for (int64_t c = 0; c < 3; ++c)
        for (int64_t ky = 0; ky < p; ++ky) {
          const float* src = pass.planes + (c * height + pp.y * p + ky) * width + pp.x * p;
          std::copy(src, src + p, x + (c * p + ky) * p);
        }
      for (int64_t o = 0; o < n_embd; ++o) {
        const float* k = pass.kernel + o * n_in;
        float acc = 0.0f;
        for (int64_t i = 0; i < n_in; ++i) acc += k[i] * x[i];
        y[o] += acc;
      }
    }
  });
  return out;
}

namespace {

struct Lerp {
  int64_t lo, hi;
  float t;
};

Lerp corner_aligned(int64_t i, int64_t n_dst, int64_t n_src) {
  const double s = n_dst > 1 ? static_cast<double>(i) * static_cast<double>(n_src - 1) /
                                   static_cast<double>(n_dst - 1)
                             : 0.0;
  const auto lo = static_cast<int64_t>(std::floor(s));
  return {lo, std::min(lo + 1, n_src - 1), static_cast<float>(s - static_cast<double>(lo))};
}

}  // namespace

void add_position_embeddings(const VisionWeights& w, int64_t n_embd, int64_t grid_w, int64_t grid_h,
                             const std::vector<PatchPos>& order, float* rows) {
  const int64_t side = w.position_side;
  for (size_t t = 0; t < order.size(); ++t) {
    const Lerp ly = corner_aligned(order[t].y, grid_h, side);
    const Lerp lx = corner_aligned(order[t].x, grid_w, side);
    const float* p00 = w.position.data() + (ly.lo * side + lx.lo) * n_embd;
    const float* p01 = w.position.data() + (ly.lo * side + lx.hi) * n_embd;
    const float* p10 = w.position.data() + (ly.hi * side + lx.lo) * n_embd;
    const float* p11 = w.position.data() + (ly.hi * side + lx.hi) * n_embd;
    const float w00 = (1 - ly.t) * (1 - lx.t), w01 = (1 - ly.t) * lx.t;
    const float w10 = ly.t * (1 - lx.t), w11 = ly.t * lx.t;
    float* y = rows + static_cast<int64_t>(t) * n_embd;
    for (int64_t d = 0; d < n_embd; ++d)
      y[d] += w00 * p00[d] + w01 * p01[d] + w10 * p10[d] + w11 * p11[d];
  }
}

}  // namespace mosaic::vision
