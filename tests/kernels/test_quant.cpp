// Block formats: known-answer dequantization of hand-built GGML blocks,
// quantize/dequantize round-trip error bounds, and dispatched vs reference.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/quant.h"
#include "tests/kernels/test_util.h"

namespace mosaic::kernels {
namespace {

void put_f16(uint8_t* p, float v) {
  const uint16_t h = fp32_to_fp16(v);
  std::memcpy(p, &h, 2);
}

TEST(KernelQuant, Q4_0KnownAnswer) {
  uint8_t blk[18];
  put_f16(blk, 0.5f);
  // byte j: low nibble = element j, high nibble = element j + 16
  for (int j = 0; j < 16; ++j) blk[2 + j] = static_cast<uint8_t>(j | ((15 - j) << 4));
  float y[32];
  dequantize_row(DType::Q4_0, blk, y, 32);
  for (int j = 0; j < 16; ++j) {
    EXPECT_EQ(y[j], (j - 8) * 0.5f) << j;
    EXPECT_EQ(y[j + 16], (15 - j - 8) * 0.5f) << j;
  }
  blk[2] = 0x3A;  // element 0 = 10, element 16 = 3
  dequantize_row(DType::Q4_0, blk, y, 32);
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[16], -2.5f);
}

TEST(KernelQuant, Q8_0KnownAnswer) {
  uint8_t blk[2 * 34];
  put_f16(blk, 0.25f);
  put_f16(blk + 34, -2.f);
  for (int i = 0; i < 32; ++i) {
    blk[2 + i] = static_cast<uint8_t>(static_cast<int8_t>(i * 8 - 128));
    blk[36 + i] = static_cast<uint8_t>(static_cast<int8_t>(127 - i));
  }
  float y[64];
  dequantize_row(DType::Q8_0, blk, y, 64);
  for (int i = 0; i < 32; ++i) {
    EXPECT_EQ(y[i], (i * 8 - 128) * 0.25f);
    EXPECT_EQ(y[32 + i], (127 - i) * -2.f);
  }
}

// Q4_K with scales/mins chosen so that sub-blocks 4..7 use the top bits of
// bytes 0..7. The 12 packed bytes are written out literally (worked out by
// hand from GGML's get_scale_min_k4 rule), not produced by our packer.
TEST(KernelQuant, Q4_KKnownAnswer) {
  const uint8_t sc[8] = {10, 20, 30, 40, 50, 60, 33, 17};
  const uint8_t mn[8] = {5, 15, 25, 35, 45, 55, 63, 1};
  const uint8_t packed[12] = {202, 212, 158, 104, 133, 207, 217, 35, 210, 124, 241, 17};
  uint8_t check[12];
  q4k_pack_scales(sc, mn, check);
  EXPECT_EQ(std::memcmp(check, packed, 12), 0);
  for (int j = 0; j < 8; ++j) {
    uint8_t s, m;
    q4k_scale_min(j, packed, &s, &m);
    EXPECT_EQ(s, sc[j]) << j;
    EXPECT_EQ(m, mn[j]) << j;
  }

  BlockQ4_K blk;
  blk.d = fp32_to_fp16(0.125f);
  blk.dmin = fp32_to_fp16(0.0625f);
  std::memcpy(blk.scales, packed, 12);
  // Element e: sub-block j = e / 32. Each 32-byte group holds 64 elements:
  // low nibbles are the first 32, high nibbles the next 32.
  auto code = [](int e) { return (7 * e + 3 + (e >> 5)) & 15; };
  for (int c = 0; c < 4; ++c) {
    for (int l = 0; l < 32; ++l) {
      blk.qs[32 * c + l] = static_cast<uint8_t>(code(64 * c + l) | (code(64 * c + 32 + l) << 4));
    }
  }
  EXPECT_EQ(blk.qs[0], 0x43);       // element 0 -> 3 (low), element 32 -> 4 (high)
  EXPECT_EQ(blk.qs[32] & 0x0F, 5);  // element 64
  float y[256];
  dequantize_row(DType::Q4_K, &blk, y, 256);
  for (int e = 0; e < 256; ++e) {
    const int j = e / 32;
    const float expect = 0.125f * sc[j] * code(e) - 0.0625f * mn[j];
    ASSERT_FLOAT_EQ(y[e], expect) << e;
  }
  // Literal spot checks: element 0 (low nibble of qs[0]), element 32 (high
  // nibble of qs[0]) and element 64 (low nibble of qs[32]).
  EXPECT_FLOAT_EQ(y[0], 0.125f * 10 * 3 - 0.0625f * 5);
  EXPECT_FLOAT_EQ(y[32], 0.125f * 20 * 4 - 0.0625f * 15);
  EXPECT_FLOAT_EQ(y[64], 0.125f * 30 * code(64) - 0.0625f * 25);
  EXPECT_FLOAT_EQ(y[255], 0.125f * 17 * code(255) - 0.0625f * 1);
}

// Q6_K: ql low nibbles are elements 0..63 of each half (ql[l] -> l,
// ql[l+32] -> l+32), high nibbles elements 64..127; qh[l] bit pairs 0-1,
// 2-3, 4-5, 6-7 belong to elements l, l+32, l+64, l+96; scales per 16.
TEST(KernelQuant, Q6_KKnownAnswer) {
  BlockQ6_K blk;
  std::memset(&blk, 0, sizeof(blk));
  for (int i = 0; i < 16; ++i) blk.scales[i] = static_cast<int8_t>(i % 2 ? -(i + 1) : (i + 1) * 7);
  blk.d = fp32_to_fp16(0.5f);
  blk.ql[0] = 0x21;       // element 0 low = 1, element 64 low = 2
  blk.ql[32] = 0x43;      // element 32 low = 3, element 96 low = 4
  blk.qh[0] = 0xE4;       // 11 10 01 00: element 0 hi 0, 32 hi 1, 64 hi 2, 96 hi 3
  blk.ql[64 + 5] = 0xF0;  // second half, element 128+5 low = 0, 128+69 low = 15
  blk.qh[32 + 5] = 0x30;  // element 128+69 hi = 3
  float y[256];
  dequantize_row(DType::Q6_K, &blk, y, 256);
  auto expect = [&](int e, int q) {
    return 0.5f * blk.scales[e / 16] * static_cast<float>(q - 32);
  };
  EXPECT_FLOAT_EQ(y[0], expect(0, 1));
  EXPECT_FLOAT_EQ(y[32], expect(32, 3 | (1 << 4)));
  EXPECT_FLOAT_EQ(y[64], expect(64, 2 | (2 << 4)));
  EXPECT_FLOAT_EQ(y[96], expect(96, 4 | (3 << 4)));
  EXPECT_FLOAT_EQ(y[133], expect(133, 0));
  EXPECT_FLOAT_EQ(y[197], expect(197, 15 | (3 << 4)));
  EXPECT_FLOAT_EQ(y[1], expect(1, 0));
  EXPECT_FLOAT_EQ(y[255], expect(255, 0));
  EXPECT_FLOAT_EQ(y[197], 0.5f * 91 * 31);  // scale 12 = 13 * 7, code 63
}

TEST(KernelQuant, Q8_KBlockSums) {
  const auto x = test::random_floats(1024, 3);
  std::vector<BlockQ8_K> q(4);
  quantize_row(DType::Q8_K, x.data(), q.data(), 1024);
  for (const auto& b : q) {
    for (int g = 0; g < 16; ++g) {
      int s = 0;
      for (int i = 0; i < 16; ++i) {
        s += b.qs[16 * g + i];
        EXPECT_GE(b.qs[16 * g + i], -127);
      }
      EXPECT_EQ(b.bsums[g], s);
    }
  }
  std::vector<float> back(1024);
  dequantize_row(DType::Q8_K, q.data(), back.data(), 1024);
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(back[i], x[i], q[i / 256].d * 0.5f + 1e-7f);
}

// Quantize -> dequantize of gaussian data (with outliers): RMS error relative
// to the RMS of the data, per type. The data has 1% outliers (x8), which
// widen the blocks they land in, as real weights do. Bounds are ~1.25x what
// these quantizers achieve (and close to the step/sqrt(12) estimate for
// each format), so a broken scale search or a layout slip shows up.
TEST(KernelQuant, RoundTripError) {
  const int64_t n = 256 * 64;
  const auto x = test::random_floats(n, 11);
  const std::pair<DType, double> bounds[] = {
      {DType::F32, 0.0},    {DType::F16, 4e-4},   {DType::BF16, 3e-3},  {DType::Q8_0, 0.011},
      {DType::Q8_K, 0.024}, {DType::Q6_K, 0.031}, {DType::Q4_K, 0.115}, {DType::Q4_0, 0.17},
  };
  double rms = 0;
  for (float v : x) rms += static_cast<double>(v) * v;
  rms = std::sqrt(rms / n);
  for (const auto& [type, bound] : bounds) {
    std::vector<uint8_t> q(row_bytes(type, n));
    quantize_row(type, x.data(), q.data(), n);
    std::vector<float> y(n);
    dequantize_row(type, q.data(), y.data(), n);
    double err = 0;
    for (int64_t i = 0; i < n; ++i) err += (static_cast<double>(y[i]) - x[i]) * (y[i] - x[i]);
    const double rel = std::sqrt(err / n) / rms;
    EXPECT_LE(rel, bound) << type_traits(type).name;
    RecordProperty(std::string(type_traits(type).name), std::to_string(rel));
  }
}

// Special inputs: all zeros, constant rows, small and huge magnitudes: no
// NaN/inf, error bounded. (Values below the fp16 range of the block scales,
// ~1e-6 for Q8_0, flush to zero; that is the format, not a bug.)
TEST(KernelQuant, DegenerateBlocks) {
  const int64_t n = 512;
  std::vector<std::vector<float>> inputs = {std::vector<float>(n, 0.f), std::vector<float>(n, 3.f),
                                            std::vector<float>(n, -0.01f)};
  auto mixed = test::random_floats(n, 5, 1000.f);
  inputs.push_back(mixed);
  for (DType type : {DType::Q8_0, DType::Q4_0, DType::Q4_K, DType::Q6_K, DType::Q8_K}) {
    for (const auto& x : inputs) {
      std::vector<uint8_t> q(row_bytes(type, n));
      quantize_row(type, x.data(), q.data(), n);
      std::vector<float> y(n);
      dequantize_row(type, q.data(), y.data(), n);
      double max_x = 0, max_err = 0;
      for (int64_t i = 0; i < n; ++i) {
        ASSERT_TRUE(std::isfinite(y[i])) << type_traits(type).name;
        max_x = std::max(max_x, std::fabs(static_cast<double>(x[i])));
        max_err = std::max(max_err, std::fabs(static_cast<double>(y[i]) - x[i]));
      }
      EXPECT_LE(max_err, 0.2 * max_x + 1e-12) << type_traits(type).name;
    }
  }
}

// The dispatched entry points equal the reference: same bytes from
// quantize_row, same floats from dequantize_row, on every ISA.
TEST(KernelQuant, DispatchedMatchesReference) {
  test::IsaGuard guard;
  const int64_t n = 256 * 5;
  const auto x = test::random_floats(n, 21);
  for (CpuIsa isa : test::all_isas()) {
    if (!set_active_isa(isa)) continue;
    for (DType type : {DType::F32, DType::F16, DType::BF16, DType::Q8_0, DType::Q4_0, DType::Q4_K,
                       DType::Q6_K, DType::Q8_K}) {
      std::vector<uint8_t> a(row_bytes(type, n)), b(row_bytes(type, n));
      quantize_row(type, x.data(), a.data(), n);
      ref::quantize_row(type, x.data(), b.data(), n);
      ASSERT_EQ(a, b) << isa_name(isa) << " " << type_traits(type).name;
      std::vector<float> ya(n), yb(n);
      dequantize_row(type, a.data(), ya.data(), n);
      ref::dequantize_row(type, a.data(), yb.data(), n);
      ASSERT_EQ(0, std::memcmp(ya.data(), yb.data(), n * sizeof(float)))
          << isa_name(isa) << " " << type_traits(type).name;
    }
  }
}

}  // namespace
}  // namespace mosaic::kernels
