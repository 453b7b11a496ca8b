// IEEE half and bfloat16 conversions: exact values, rounding, specials, and
// the F16C row paths against the bit-exact scalar conversion.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "kernels/cpu/ops.h"
#include "kernels/cpu/quant.h"
#include "tests/kernels/test_util.h"

namespace mosaic::kernels {
namespace {

float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
uint32_t to_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

TEST(KernelFp16, KnownValues) {
  EXPECT_EQ(fp32_to_fp16(0.f), 0x0000);
  EXPECT_EQ(fp32_to_fp16(-0.f), 0x8000);
  EXPECT_EQ(fp32_to_fp16(1.f), 0x3C00);
  EXPECT_EQ(fp32_to_fp16(-2.f), 0xC000);
  EXPECT_EQ(fp32_to_fp16(0.5f), 0x3800);
  EXPECT_EQ(fp32_to_fp16(65504.f), 0x7BFF);  // largest finite
  EXPECT_EQ(fp32_to_fp16(65519.f), 0x7BFF);  // below the midpoint to 2^16
  EXPECT_EQ(fp32_to_fp16(65520.f), 0x7C00);  // midpoint, ties to even = inf
  EXPECT_EQ(fp32_to_fp16(1e10f), 0x7C00);
  EXPECT_EQ(fp32_to_fp16(-1e10f), 0xFC00);
  EXPECT_EQ(fp32_to_fp16(std::ldexp(1.f, -14)), 0x0400);  // smallest normal
  EXPECT_EQ(fp32_to_fp16(std::ldexp(1.f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(fp32_to_fp16(std::ldexp(1.f, -25)), 0x0000);  // tie -> even (0)
  EXPECT_EQ(fp32_to_fp16(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(fp32_to_fp16(std::ldexp(3.f, -25)), 0x0002);  // 1.5 ulp: tie -> even (2)
  EXPECT_EQ(fp32_to_fp16(std::ldexp(1.f, -30)), 0x0000);
  EXPECT_EQ(fp32_to_fp16(std::numeric_limits<float>::denorm_min()), 0x0000);
  EXPECT_EQ(fp32_to_fp16(INFINITY), 0x7C00);
  EXPECT_EQ(fp32_to_fp16(-INFINITY), 0xFC00);
  const uint16_t nan = fp32_to_fp16(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(nan & 0x7C00, 0x7C00);
  EXPECT_NE(nan & 0x03FF, 0);
  // A signalling NaN whose payload sits only in the low bits must not turn
  // into infinity.
  const uint16_t snan = fp32_to_fp16(from_bits(0x7F800001u));
  EXPECT_EQ(snan & 0x7C00, 0x7C00);
  EXPECT_NE(snan & 0x03FF, 0);

  EXPECT_EQ(fp16_to_fp32(0x3C00), 1.f);
  EXPECT_EQ(fp16_to_fp32(0x0001), std::ldexp(1.f, -24));
  EXPECT_EQ(fp16_to_fp32(0x03FF), std::ldexp(1023.f, -24));
  EXPECT_EQ(fp16_to_fp32(0x7BFF), 65504.f);
  EXPECT_EQ(fp16_to_fp32(0x7C00), INFINITY);
  EXPECT_EQ(fp16_to_fp32(0xFC00), -INFINITY);
  EXPECT_TRUE(std::isnan(fp16_to_fp32(0x7E00)));
  EXPECT_TRUE(std::signbit(fp16_to_fp32(0x8000)));
}

TEST(KernelFp16, EveryHalfRoundTrips) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = fp16_to_fp32(static_cast<uint16_t>(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(fp16_to_fp32(fp32_to_fp16(f)))) << h;
      continue;
    }
    ASSERT_EQ(fp32_to_fp16(f), h) << "half 0x" << std::hex << h;
  }
}

TEST(KernelFp16, MidpointsRoundToEven) {
  // For consecutive finite halves a < b, the float halfway between them must
  // round to whichever has an even mantissa; just below/above go to a/b.
  for (uint32_t h = 0; h < 0x7BFF; ++h) {
    const double a = fp16_to_fp32(static_cast<uint16_t>(h));
    const double b = fp16_to_fp32(static_cast<uint16_t>(h + 1));
    const float mid = static_cast<float>((a + b) / 2);  // exact in float
    const uint16_t even = (h & 1) ? static_cast<uint16_t>(h + 1) : static_cast<uint16_t>(h);
    ASSERT_EQ(fp32_to_fp16(mid), even) << h;
    ASSERT_EQ(fp32_to_fp16(std::nextafter(mid, -1.f)), h) << h;
    ASSERT_EQ(fp32_to_fp16(std::nextafter(mid, 2e5f)), h + 1) << h;
    ASSERT_EQ(fp32_to_fp16(-mid), even | 0x8000) << h;
  }
}

TEST(KernelFp16, Bf16) {
  EXPECT_EQ(fp32_to_bf16(1.f), 0x3F80);
  EXPECT_EQ(bf16_to_fp32(0x3F80), 1.f);
  EXPECT_EQ(fp32_to_bf16(from_bits(0x3F808000u)), 0x3F80);  // tie, even stays
  EXPECT_EQ(fp32_to_bf16(from_bits(0x3F818000u)), 0x3F82);  // tie, odd rounds up
  EXPECT_EQ(fp32_to_bf16(from_bits(0x3F808001u)), 0x3F81);
  EXPECT_EQ(fp32_to_bf16(from_bits(0x3F807FFFu)), 0x3F80);
  EXPECT_EQ(fp32_to_bf16(INFINITY), 0x7F80);
  EXPECT_EQ(fp32_to_bf16(-INFINITY), 0xFF80);
  EXPECT_EQ(fp32_to_bf16(std::numeric_limits<float>::max()), 0x7F80);  // rounds up to inf
  EXPECT_EQ(fp32_to_bf16(from_bits(0x00010000u)), 0x0001);             // subnormal kept
  EXPECT_EQ(fp32_to_bf16(-0.f), 0x8000);
  // NaN stays NaN (quiet), even when only low payload bits are set.
  for (uint32_t bits : {0x7FC00000u, 0x7F800001u, 0xFF800001u, 0x7FFFFFFFu}) {
    const uint16_t h = fp32_to_bf16(from_bits(bits));
    EXPECT_TRUE(std::isnan(bf16_to_fp32(h))) << std::hex << bits;
    EXPECT_NE(h & 0x0040, 0) << std::hex << bits;
  }
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = bf16_to_fp32(static_cast<uint16_t>(h));
    if (std::isnan(f)) continue;
    ASSERT_EQ(fp32_to_bf16(f), h);
    ASSERT_EQ(to_bits(f), h << 16);
  }
}

// The F16C row conversions (fp32_to_fp16_row, quantize_row(F16),
// dequantize_row(F16)) must agree bit for bit with the scalar conversion.
TEST(KernelFp16, RowPathsMatchScalarOnEveryIsa) {
  std::mt19937 rng(7);
  std::vector<float> x;
  for (uint32_t b :
       {0x00000000u, 0x80000000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u, 0x7F800001u, 0x477FF000u,
        0x477FEFFFu, 0x33000000u, 0x33000001u, 0x387FC000u, 0x38800000u}) {
    x.push_back(from_bits(b));
  }
  std::uniform_int_distribution<uint32_t> bits;
  for (int i = 0; i < 20000; ++i) {
    // Concentrate on the half range (exponents 100..145) but cover all.
    uint32_t u = bits(rng);
    if (i % 4 != 0) u = (u & 0x807FFFFFu) | ((100u + u % 46u) << 23);
    x.push_back(from_bits(u));
  }
  x.resize(x.size() + 13, 1.25f);  // odd length: SIMD tail
  std::vector<uint16_t> expect(x.size());
  for (size_t i = 0; i < x.size(); ++i) expect[i] = fp32_to_fp16(x[i]);
  test::IsaGuard guard;
  for (CpuIsa isa : test::all_isas()) {
    if (!set_active_isa(isa)) continue;
    std::vector<uint16_t> got(x.size());
    fp32_to_fp16_row(x.data(), got.data(), static_cast<int64_t>(x.size()));
    std::vector<uint16_t> got2(x.size());
    quantize_row(DType::F16, x.data(), got2.data(), static_cast<int64_t>(x.size()));
    for (size_t i = 0; i < x.size(); ++i) {
      ASSERT_EQ(got[i], expect[i])
          << isa_name(isa) << " value bits 0x" << std::hex << to_bits(x[i]);
      ASSERT_EQ(got2[i], expect[i]) << isa_name(isa);
    }
    std::vector<uint16_t> all(65536 + 5);
    for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint16_t>(i);
    std::vector<float> back(all.size());
    dequantize_row(DType::F16, all.data(), back.data(), static_cast<int64_t>(all.size()));
    for (size_t i = 0; i < all.size(); ++i) {
      const float e = fp16_to_fp32(all[i]);
      if (std::isnan(e)) {
        ASSERT_TRUE(std::isnan(back[i]));
      } else {
        ASSERT_EQ(to_bits(back[i]), to_bits(e)) << isa_name(isa) << " half " << i;
      }
    }
  }
}

}  // namespace
}  // namespace mosaic::kernels
