#include "engine/gguf/ggml_layout.h"

#include "kernels/cpu/types.h"

namespace mosaic::gguf {
namespace {

// GGML type id -> block layout (facts of the GGUF format; ids 4, 5 and 31-33,
// 36-38 were removed from GGML and name no type).
struct KnownLayout {
  uint32_t id;
  BlockLayout layout;
};
constexpr KnownLayout kLayouts[] = {
    {0, {1, 4}},       // f32
    {1, {1, 2}},       // f16
    {2, {32, 18}},     // q4_0
    {3, {32, 20}},     // q4_1
    {6, {32, 22}},     // q5_0
    {7, {32, 24}},     // q5_1
    {8, {32, 34}},     // q8_0
    {9, {32, 36}},     // q8_1
    {10, {256, 84}},   // q2_K
    {11, {256, 110}},  // q3_K
    {12, {256, 144}},  // q4_K
    {13, {256, 176}},  // q5_K
    {14, {256, 210}},  // q6_K
    {15, {256, 292}},  // q8_K
    {16, {256, 66}},   // iq2_xxs
    {17, {256, 74}},   // iq2_xs
    {18, {256, 98}},   // iq3_xxs
    {19, {256, 50}},   // iq1_s
    {20, {32, 18}},    // iq4_nl
    {21, {256, 110}},  // iq3_s
    {22, {256, 82}},   // iq2_s
    {23, {256, 136}},  // iq4_xs
    {24, {1, 1}},      // i8
    {25, {1, 2}},      // i16
    {26, {1, 4}},      // i32
    {27, {1, 8}},      // i64
    {28, {1, 8}},      // f64
    {29, {256, 56}},   // iq1_m
    {30, {1, 2}},      // bf16
    {34, {256, 54}},   // tq1_0
    {35, {256, 66}},   // tq2_0
    {39, {32, 17}},    // mxfp4
};

}  // namespace

std::optional<BlockLayout> ggml_block_layout(uint32_t ggml_type) {
  if (auto dtype = kernels::dtype_from_ggml(ggml_type)) {
    const kernels::TypeTraits& t = kernels::type_traits(*dtype);
    return BlockLayout{t.block_elems, t.block_bytes};
  }
  for (const KnownLayout& k : kLayouts) {
    if (k.id == ggml_type) return k.layout;
  }
  return std::nullopt;
}

}  // namespace mosaic::gguf
