#include "engine/vision/patch_grid.h"

namespace mosaic::vision {

std::vector<PatchPos> merge_ordered_patches(int64_t grid_w, int64_t grid_h, int64_t merge) {
  std::vector<PatchPos> order;
  order.reserve(static_cast<size_t>(grid_w * grid_h));
  for (int64_t by = 0; by < grid_h; by += merge)
    for (int64_t bx = 0; bx < grid_w; bx += merge)
      for (int64_t dy = 0; dy < merge; ++dy)
        for (int64_t dx = 0; dx < merge; ++dx) order.push_back({by + dy, bx + dx});
  return order;
}

}  // namespace mosaic::vision
