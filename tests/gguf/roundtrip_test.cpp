// Writer -> reader round trips: every value type, every tensor type,
// alignments, fillers, progress and cancellation.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "engine/gguf/gguf_reader.h"
#include "engine/gguf/gguf_writer.h"
#include "tests/gguf/test_util.h"

namespace mosaic::gguf {
namespace {

using kernels::DType;
using test::capture;
using test::expect_failure;
using test::TempDir;

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

// Every value type, with extremes, empties and nesting.
std::vector<std::pair<std::string, Value>> all_values() {
  using L8 = std::numeric_limits<int8_t>;
  using L16 = std::numeric_limits<int16_t>;
  using L32 = std::numeric_limits<int32_t>;
  using L64 = std::numeric_limits<int64_t>;
  return {
      {"u8", Value::u8(255)},
      {"i8", Value::i8(L8::min())},
      {"u16", Value::u16(65535)},
      {"i16", Value::i16(L16::min())},
      {"u32", Value::u32(0xffffffffu)},
      {"i32", Value::i32(L32::min())},
      {"u64", Value::u64(std::numeric_limits<uint64_t>::max())},
      {"i64", Value::i64(L64::min())},
      {"f32", Value::f32(-1.5e-7f)},
      {"f32.inf", Value::f32(std::numeric_limits<float>::infinity())},
      {"f64", Value::f64(3.141592653589793)},
      {"bool.t", Value::boolean(true)},
      {"bool.f", Value::boolean(false)},
      {"str", Value::string("héllo wörld")},
      {"str.empty", Value::string("")},
      {"str.binary", Value::string(std::string("a\0b\xff\xfe", 5))},  // bad UTF-8 is allowed
      {"a.u8", Value::array_u8({0, 1, 255})},
      {"a.i8", Value::array_i8({-128, 0, 127})},
      {"a.u16", Value::array_u16({0, 65535})},
      {"a.i16", Value::array_i16({L16::min(), L16::max()})},
      {"a.u32", Value::array_u32({1, 0xffffffffu})},
      {"a.i32", Value::array_i32({L32::min(), -1, L32::max()})},
      {"a.u64", Value::array_u64({0, std::numeric_limits<uint64_t>::max()})},
      {"a.i64", Value::array_i64({L64::min(), L64::max()})},
      {"a.f32", Value::array_f32({0.0f, -0.0f, 1e30f})},
      {"a.f64", Value::array_f64({1e-300, -2.5})},
      {"a.bool", Value::array_bool({true, false, true})},
      {"a.str", Value::array_string({"", "x", std::string("\0", 1), "long string here"})},
      {"a.empty.u8", Value::array_u8({})},
      {"a.empty.str", Value::array_string({})},
      {"a.empty.arr", Value::array_array({})},
      {"a.nested", Value::array_array(
                       {Value::array_i32({1, 2}), Value::array_string({"a"}), Value::array_f64({}),
                        Value::array_array({Value::array_array({Value::array_u8({7})})})})},
  };
}

TEST(GgufRoundTrip, EveryValueType) {
  TempDir dir;
  GgufWriter w;
  const auto values = all_values();
  for (const auto& [k, v] : values) w.set_value(k, v);
  w.write(dir.file("v.gguf"));

  const GgufFile f = GgufFile::open(dir.file("v.gguf"));
  EXPECT_EQ(f.version(), 3u);
  EXPECT_EQ(f.split_count(), 1);
  EXPECT_TRUE(f.tensors().empty());
  std::vector<std::string> keys;
  for (const auto& [k, v] : values) {
    keys.push_back(k);
    const Value* got = f.metadata().find(k);
    ASSERT_NE(got, nullptr) << k;
    EXPECT_TRUE(*got == v) << k << ": " << display_value(*got) << " vs " << display_value(v);
  }
  EXPECT_EQ(f.metadata().keys(), keys);
  EXPECT_EQ(f.metadata().get_string("str.binary")->size(), 5u);
}

TEST(GgufRoundTrip, NaNKeepsItsBits) {
  TempDir dir;
  GgufWriter w;
  w.set_f32("nan", std::numeric_limits<float>::quiet_NaN());
  w.write(dir.file("n.gguf"));
  const GgufFile f = GgufFile::open(dir.file("n.gguf"));
  EXPECT_TRUE(std::isnan(f.metadata().find("nan")->as_f32()));
}

TEST(GgufRoundTrip, SettersReplaceKeysInPlace) {
  TempDir dir;
  GgufWriter w;
  w.set_u32("a", 1);
  w.set_string("b", "x");
  w.set_i64_array("a", {5, 6});
  w.set_bool("c", true);
  EXPECT_TRUE(w.remove("c"));
  w.write(dir.file("r.gguf"));
  const GgufFile f = GgufFile::open(dir.file("r.gguf"));
  EXPECT_EQ(f.metadata().keys(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(f.metadata().get_int_array("a"), (std::vector<int64_t>{5, 6}));
}

TEST(GgufRoundTrip, TypedArraySetters) {
  TempDir dir;
  GgufWriter w;
  w.set_u8_array("u8", {1});
  w.set_i8_array("i8", {-1});
  w.set_u16_array("u16", {2});
  w.set_i16_array("i16", {-2});
  w.set_u32_array("u32", {3});
  w.set_i32_array("i32", {-3});
  w.set_u64_array("u64", {4});
  w.set_i64_array("i64", {-4});
  w.set_f32_array("f32", {0.5f});
  w.set_f64_array("f64", {0.25});
  w.set_bool_array("bool", {true});
  w.set_string_array("str", {"s"});
  w.set_u8("s.u8", 1);
  w.set_i8("s.i8", -1);
  w.set_u16("s.u16", 2);
  w.set_i16("s.i16", -2);
  w.set_u64("s.u64", 4);
  w.set_i64("s.i64", -4);
  w.set_f64("s.f64", 0.25);
  w.write(dir.file("t.gguf"));
  const GgufFile f = GgufFile::open(dir.file("t.gguf"));
  const Metadata& m = f.metadata();
  const char* int_keys[] = {"u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64"};
  const int64_t int_vals[] = {1, -1, 2, -2, 3, -3, 4, -4};
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(m.get_int_array(int_keys[i]), (std::vector<int64_t>{int_vals[i]})) << int_keys[i];
    EXPECT_EQ(m.get_int(std::string("s.") + int_keys[i]).value_or(99),
              i == 4 || i == 5 ? 99 : int_vals[i])
        << int_keys[i];
  }
  EXPECT_EQ(m.find("u8")->element_type(), ValueType::U8);
  EXPECT_EQ(m.find("i16")->element_type(), ValueType::I16);
  EXPECT_EQ(m.find("s.i16")->type(), ValueType::I16);
  EXPECT_EQ(m.get_float_array("f32"), (std::vector<double>{0.5}));
  EXPECT_EQ(m.get_float_array("f64"), (std::vector<double>{0.25}));
  EXPECT_EQ(m.get_float("s.f64"), 0.25);
  EXPECT_EQ(m.find("bool")->elements<uint8_t>()[0], 1);
  EXPECT_EQ(m.get_string_array("str"), (std::vector<std::string>{"s"}));
}

struct TypeCase {
  DType type;
  int64_t block;
  size_t block_bytes;
};
constexpr TypeCase kTypes[] = {
    {DType::F32, 1, 4},      {DType::F16, 1, 2},      {DType::BF16, 1, 2},
    {DType::Q4_0, 32, 18},   {DType::Q8_0, 32, 34},   {DType::Q4_K, 256, 144},
    {DType::Q6_K, 256, 210}, {DType::Q8_K, 256, 292},
};

TEST(GgufRoundTrip, EveryTensorType) {
  TempDir dir;
  GgufWriter w;
  w.set_string("general.architecture", "test");
  std::vector<std::vector<uint8_t>> datas;
  int i = 0;
  for (const TypeCase& tc : kTypes) {
    const std::vector<int64_t> ne = {tc.block * 2, 3, 2};
    const size_t n = static_cast<size_t>(2 * 3 * 2) * tc.block_bytes;
    datas.push_back(random_bytes(n, static_cast<uint32_t>(i)));
    w.add_tensor(test::numbered("t", i++), tc.type, ne, datas.back());
  }
  w.add_tensor("scalar", DType::F32, {1}, std::vector<uint8_t>(4, 7));
  w.add_tensor("4d", DType::F16, {2, 3, 4, 5}, std::vector<uint8_t>(2 * 3 * 4 * 5 * 2, 1));
  w.write(dir.file("t.gguf"));

  const GgufFile f = GgufFile::open(dir.file("t.gguf"));
  EXPECT_EQ(f.architecture(), "test");
  ASSERT_EQ(f.tensors().size(), std::size(kTypes) + 2);
  for (size_t k = 0; k < std::size(kTypes); ++k) {
    const TensorInfo* t = f.find_tensor(test::numbered("t", k));
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t, &f.tensors()[k]);  // file order kept
    EXPECT_EQ(t->type, kTypes[k].type);
    EXPECT_TRUE(t->type_supported);
    EXPECT_EQ(t->ggml_type, static_cast<uint32_t>(kTypes[k].type));
    EXPECT_EQ(t->n_dims, 3);
    EXPECT_EQ(t->ne, (std::array<int64_t, 4>{kTypes[k].block * 2, 3, 2, 1}));
    EXPECT_EQ(t->n_elements, static_cast<uint64_t>(kTypes[k].block * 12));
    ASSERT_EQ(t->n_bytes, datas[k].size());
    EXPECT_EQ(std::memcmp(t->data, datas[k].data(), t->n_bytes), 0);
    EXPECT_EQ(t->offset % 32, 0u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t->data) % 32, 0u);
    EXPECT_EQ(t->split_index, 0);
  }
  const TensorInfo* s = f.find_tensor("scalar");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->n_dims, 1);
  EXPECT_EQ(s->ne, (std::array<int64_t, 4>{1, 1, 1, 1}));
  EXPECT_EQ(f.find_tensor("4d")->ne, (std::array<int64_t, 4>{2, 3, 4, 5}));
  EXPECT_EQ(f.find_tensor("missing"), nullptr);
  EXPECT_EQ(f.total_file_bytes(), std::filesystem::file_size(dir.file("t.gguf")));
}

class GgufAlignment : public ::testing::TestWithParam<uint32_t> {};

TEST_P(GgufAlignment, OffsetsAndPointersAreAligned) {
  const uint32_t align = GetParam();
  TempDir dir;
  GgufWriter w;
  w.set_alignment(align);
  w.set_string("k", "odd-length value");  // makes the header end unaligned
  std::vector<std::vector<uint8_t>> datas;
  for (int i = 0; i < 4; ++i) {
    datas.push_back(random_bytes(static_cast<size_t>(4 * (i + 3)), static_cast<uint32_t>(i)));
    w.add_tensor(test::numbered("t", i), DType::F32, {i + 3}, datas.back());
  }
  w.write(dir.file("a.gguf"));
  const GgufFile f = GgufFile::open(dir.file("a.gguf"));
  EXPECT_EQ(f.metadata().get_uint("general.alignment"), align);
  for (int i = 0; i < 4; ++i) {
    const TensorInfo& t = f.tensors()[static_cast<size_t>(i)];
    EXPECT_EQ(t.offset % align, 0u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data) % align, 0u);
    EXPECT_EQ(std::memcmp(t.data, datas[static_cast<size_t>(i)].data(), t.n_bytes), 0);
  }
  if (align == 1) {
    EXPECT_EQ(f.tensors()[1].offset, 12u);  // packed, no padding
  }
}

INSTANTIATE_TEST_SUITE_P(Alignments, GgufAlignment, ::testing::Values(1u, 8u, 32u, 64u, 4096u));

TEST(GgufRoundTrip, FillerTensorsAreProducedAtWriteTime) {
  TempDir dir;
  GgufWriter w;
  int calls = 0;
  w.add_tensor("big", DType::Q8_0, {1024, 64}, [&](uint8_t* dst, size_t n) {
    ++calls;
    EXPECT_EQ(n, size_t{64} * 32 * 34);
    for (size_t i = 0; i < n; ++i) dst[i] = static_cast<uint8_t>(i * 7);
  });
  w.add_tensor("small", DType::F32, {2}, std::vector<uint8_t>(8, 9));
  EXPECT_EQ(calls, 0);
  w.write(dir.file("f.gguf"));
  EXPECT_EQ(calls, 1);
  const GgufFile f = GgufFile::open(dir.file("f.gguf"));
  const TensorInfo* t = f.find_tensor("big");
  ASSERT_NE(t, nullptr);
  for (size_t i = 0; i < t->n_bytes; i += 997) ASSERT_EQ(t->data[i], static_cast<uint8_t>(i * 7));
  EXPECT_EQ(f.find_tensor("small")->data[7], 9);
}

TEST(GgufRoundTrip, Version2IsAccepted) {
  TempDir dir;
  GgufWriter w;
  w.set_u32("x", 1);
  w.add_tensor("t", DType::F32, {4}, std::vector<uint8_t>(16, 1));
  w.write(dir.file("v.gguf"));
  auto bytes = test::read_bytes(dir.file("v.gguf"));
  bytes[4] = 2;  // same layout as v3
  test::write_bytes(dir.file("v2.gguf"), bytes);
  const GgufFile f = GgufFile::open(dir.file("v2.gguf"));
  EXPECT_EQ(f.version(), 2u);
  EXPECT_EQ(f.tensors().size(), 1u);
}

TEST(GgufRoundTrip, OpenReportsProgressAndCanBeCancelled) {
  TempDir dir;
  GgufWriter w;
  for (int i = 0; i < 20; ++i) w.set_u32(test::numbered("k", i), 1);
  for (int i = 0; i < 5; ++i)
    w.add_tensor(test::numbered("t", i), DType::F32, {8}, std::vector<uint8_t>(32));
  w.write(dir.file("p.gguf"));

  std::vector<float> seen;
  OpenOptions opts;
  opts.progress = [&](float f) {
    seen.push_back(f);
    return true;
  };
  (void)GgufFile::open(dir.file("p.gguf"), opts);
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_FLOAT_EQ(seen.back(), 1.0f);

  opts.progress = [](float f) { return f < 0.5f; };
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("p.gguf"), opts); }),
                 ErrorCode::Cancelled, {"p.gguf", "cancelled"});
}

TEST(GgufRoundTrip, FileIsMovable) {
  TempDir dir;
  GgufWriter w;
  w.add_tensor("a", DType::F32, {1}, std::vector<uint8_t>(4, 3));
  w.write(dir.file("m.gguf"));
  GgufFile f = GgufFile::open(dir.file("m.gguf"));
  GgufFile g = std::move(f);
  ASSERT_NE(g.find_tensor("a"), nullptr);
  EXPECT_EQ(g.find_tensor("a")->data[0], 3);
  EXPECT_EQ(g.path(), dir.file("m.gguf"));
  EXPECT_EQ(g.part_path(0), dir.file("m.gguf"));
  expect_failure(capture([&] { (void)g.architecture(); }), ErrorCode::Format,
                 {"general.architecture"});
}

}  // namespace
}  // namespace mosaic::gguf
