#include <gtest/gtest.h>

#include "kernels/cpu/types.h"

namespace mosaic::kernels {
namespace {

TEST(KernelTypes, TraitsMatchGgml) {
  struct Expect {
    DType type;
    const char* name;
    int64_t elems;
    size_t bytes;
    DType vec_dot;
  };
  const Expect expect[] = {
      {DType::F32, "f32", 1, 4, DType::F32},        {DType::F16, "f16", 1, 2, DType::F32},
      {DType::BF16, "bf16", 1, 2, DType::F32},      {DType::Q4_0, "q4_0", 32, 18, DType::Q8_0},
      {DType::Q8_0, "q8_0", 32, 34, DType::Q8_0},   {DType::Q4_K, "q4_K", 256, 144, DType::Q8_K},
      {DType::Q6_K, "q6_K", 256, 210, DType::Q8_K}, {DType::Q8_K, "q8_K", 256, 292, DType::Q8_K},
  };
  for (const Expect& e : expect) {
    const TypeTraits& t = type_traits(e.type);
    EXPECT_EQ(t.name, e.name);
    EXPECT_EQ(t.block_elems, e.elems) << e.name;
    EXPECT_EQ(t.block_bytes, e.bytes) << e.name;
    EXPECT_EQ(t.vec_dot_type, e.vec_dot) << e.name;
  }
}

TEST(KernelTypes, GgmlIdsRoundTrip) {
  for (DType t : {DType::F32, DType::F16, DType::BF16, DType::Q4_0, DType::Q8_0, DType::Q4_K,
                  DType::Q6_K, DType::Q8_K}) {
    const auto id = static_cast<uint32_t>(t);
    ASSERT_TRUE(dtype_from_ggml(id).has_value()) << id;
    EXPECT_EQ(*dtype_from_ggml(id), t);
    EXPECT_EQ(ggml_type_name(id), type_traits(t).name);
  }
  EXPECT_EQ(static_cast<uint32_t>(DType::Q4_K), 12u);
  EXPECT_EQ(static_cast<uint32_t>(DType::Q6_K), 14u);
  EXPECT_EQ(static_cast<uint32_t>(DType::BF16), 30u);
}

TEST(KernelTypes, UnsupportedIdsHaveNamesButNoDType) {
  const std::pair<uint32_t, const char*> known[] = {
      {3, "q4_1"},   {6, "q5_0"},    {7, "q5_1"},     {9, "q8_1"},    {10, "q2_K"},
      {11, "q3_K"},  {13, "q5_K"},   {16, "iq2_xxs"}, {17, "iq2_xs"}, {18, "iq3_xxs"},
      {19, "iq1_s"}, {20, "iq4_nl"}, {21, "iq3_s"},   {22, "iq2_s"},  {23, "iq4_xs"},
      {24, "i8"},    {25, "i16"},    {26, "i32"},     {27, "i64"},    {28, "f64"},
      {29, "iq1_m"}, {34, "tq1_0"},  {35, "tq2_0"},   {39, "mxfp4"},
  };
  for (const auto& [id, name] : known) {
    EXPECT_EQ(ggml_type_name(id), name) << id;
    EXPECT_FALSE(dtype_from_ggml(id).has_value()) << id;
  }
  for (uint32_t id : {4u, 5u, 31u, 40u, 1000u, 0xFFFFFFFFu}) {
    EXPECT_EQ(ggml_type_name(id), "unknown") << id;
    EXPECT_FALSE(dtype_from_ggml(id).has_value()) << id;
  }
}

TEST(KernelTypes, RowBytes) {
  EXPECT_EQ(row_bytes(DType::F32, 7), 28u);
  EXPECT_EQ(row_bytes(DType::F16, 7), 14u);
  EXPECT_EQ(row_bytes(DType::Q8_0, 4096), 4096u / 32 * 34);
  EXPECT_EQ(row_bytes(DType::Q4_0, 64), 36u);
  EXPECT_EQ(row_bytes(DType::Q4_K, 4096), 16u * 144);
  EXPECT_EQ(row_bytes(DType::Q6_K, 512), 420u);
  EXPECT_EQ(row_bytes(DType::Q8_K, 256), 292u);
}

}  // namespace
}  // namespace mosaic::kernels
