// Token order of the patch grid. Patches are listed so that each 2x2 block
// the merger later fuses is contiguous: merged rows top to bottom, merged
// columns left to right, and inside a block (0,0), (0,1), (1,0), (1,1) as
// (dy, dx). Positions (rotary, learned table) follow the same order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mosaic::vision {

struct PatchPos {
  int64_t y = 0;  // patch row
  int64_t x = 0;  // patch column
};

// Precondition: grid_w and grid_h are multiples of merge.
std::vector<PatchPos> merge_ordered_patches(int64_t grid_w, int64_t grid_h, int64_t merge);

}  // namespace mosaic::vision
