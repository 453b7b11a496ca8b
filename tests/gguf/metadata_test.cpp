// Value and Metadata: typed getters, their errors, editing, display.
#include <gtest/gtest.h>

#include <limits>

#include "engine/gguf/gguf_metadata.h"
#include "tests/gguf/test_util.h"

namespace mosaic::gguf {
namespace {

using test::capture;
using test::expect_failure;

Metadata sample() {
  Metadata md;
  md.set_source("m.gguf");
  md.set("u8", Value::u8(200));
  md.set("i8", Value::i8(-5));
  md.set("u64big", Value::u64(std::numeric_limits<uint64_t>::max()));
  md.set("i64", Value::i64(std::numeric_limits<int64_t>::min()));
  md.set("f32", Value::f32(1e-6f));
  md.set("f64", Value::f64(0.25));
  md.set("b", Value::boolean(true));
  md.set("s", Value::string("hi"));
  md.set("strs", Value::array_string({"a", "b", "c"}));
  md.set("i32s", Value::array_i32({-1, 2, 3}));
  md.set("u64s", Value::array_u64({1, std::numeric_limits<uint64_t>::max()}));
  md.set("f32s", Value::array_f32({0.5f, 1.5f}));
  md.set("bools", Value::array_bool({true, false}));
  md.set("nested", Value::array_array({Value::array_u8({1, 2}), Value::array_string({"x"})}));
  return md;
}

TEST(GgufValue, ScalarsKeepTheirType) {
  EXPECT_EQ(Value::u16(7).type(), ValueType::U16);
  EXPECT_EQ(Value::u16(7).as_unsigned(), 7u);
  EXPECT_EQ(Value::i16(-7).as_signed(), -7);
  EXPECT_EQ(Value::f32(0.1f).as_f32(), 0.1f);
  EXPECT_EQ(Value::string("x").as_string(), "x");
  auto err = capture([] { (void)Value::u8(1).as_string(); });
  expect_failure(err, ErrorCode::InvalidArgument, {"u8", "string"});
}

TEST(GgufValue, ArraysGiveTypedZeroCopySpans) {
  const Value v = Value::array_i32({1, 2, 3});
  EXPECT_TRUE(v.is_array());
  EXPECT_EQ(v.element_type(), ValueType::I32);
  EXPECT_EQ(v.size(), 3u);
  EXPECT_EQ(v.elements<int32_t>()[2], 3);
  EXPECT_TRUE(capture([&] { (void)v.elements<uint32_t>(); }).has_value());
  EXPECT_TRUE(capture([&] { (void)v.strings(); }).has_value());
  EXPECT_TRUE(capture([] { (void)Value::array_array({Value::u8(1)}); }).has_value());
  EXPECT_TRUE(capture([] { (void)Value::array_bool_bytes({0, 2}); }).has_value());
  EXPECT_EQ(Value::array_string({}).size(), 0u);
}

TEST(GgufMetadata, IntegerGetters) {
  const Metadata md = sample();
  EXPECT_EQ(md.get_uint("u8"), 200u);
  EXPECT_EQ(md.get_int("u8"), 200);
  EXPECT_EQ(md.get_int("i8"), -5);
  EXPECT_EQ(md.get_uint("u64big"), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(md.get_int("i64"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(md.get_uint("absent"), std::nullopt);
  expect_failure(capture([&] { (void)md.get_uint("i8"); }), ErrorCode::Format,
                 {"m.gguf", "'i8'", "-5", "non-negative"});
  expect_failure(capture([&] { (void)md.get_int("u64big"); }), ErrorCode::Format,
                 {"'u64big'", "int64"});
  expect_failure(capture([&] { (void)md.get_uint("s"); }), ErrorCode::Format,
                 {"'s'", "is string", "unsigned integer"});
  expect_failure(capture([&] { (void)md.get_int("f32"); }), ErrorCode::Format, {"'f32'"});
  expect_failure(capture([&] { (void)md.get_int("b"); }), ErrorCode::Format, {"'b'", "bool"});
}

TEST(GgufMetadata, FloatBoolStringGetters) {
  const Metadata md = sample();
  EXPECT_EQ(md.get_float("f32"), static_cast<double>(1e-6f));
  EXPECT_EQ(md.get_float("f64"), 0.25);
  EXPECT_EQ(md.get_float("i8"), -5.0);
  EXPECT_EQ(md.get_bool("b"), true);
  EXPECT_EQ(md.get_string("s"), "hi");
  EXPECT_EQ(md.get_string("absent"), std::nullopt);
  expect_failure(capture([&] { (void)md.get_float("s"); }), ErrorCode::Format, {"'s'"});
  expect_failure(capture([&] { (void)md.get_bool("u8"); }), ErrorCode::Format, {"'u8'", "u8"});
  expect_failure(capture([&] { (void)md.get_string("strs"); }), ErrorCode::Format,
                 {"'strs'", "array of string"});
}

TEST(GgufMetadata, ArrayGetters) {
  const Metadata md = sample();
  EXPECT_EQ(md.get_string_array("strs"), (std::vector<std::string>{"a", "b", "c"}));
  auto view = md.get_string_array_view("strs");
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->data(), md.find("strs")->strings().data());  // zero copy
  EXPECT_EQ(md.get_int_array("i32s"), (std::vector<int64_t>{-1, 2, 3}));
  EXPECT_EQ(md.get_float_array("f32s"), (std::vector<double>{0.5, 1.5}));
  EXPECT_EQ(md.get_float_array("i32s"), (std::vector<double>{-1, 2, 3}));
  EXPECT_EQ(md.get_int_array("absent"), std::nullopt);
  expect_failure(capture([&] { (void)md.get_int_array("u64s"); }), ErrorCode::Format,
                 {"'u64s'", "element 1"});
  expect_failure(capture([&] { (void)md.get_int_array("strs"); }), ErrorCode::Format, {"'strs'"});
  expect_failure(capture([&] { (void)md.get_int_array("f32s"); }), ErrorCode::Format, {"'f32s'"});
  expect_failure(capture([&] { (void)md.get_string_array("i32s"); }), ErrorCode::Format,
                 {"'i32s'", "array of i32"});
  expect_failure(capture([&] { (void)md.get_float_array("bools"); }), ErrorCode::Format,
                 {"'bools'"});
  expect_failure(capture([&] { (void)md.get_string_array("s"); }), ErrorCode::Format, {"'s'"});
}

TEST(GgufMetadata, EditingKeepsOrder) {
  Metadata md;
  EXPECT_TRUE(md.insert("a", Value::u8(1)));
  EXPECT_FALSE(md.insert("a", Value::u8(2)));
  md.set("b", Value::u8(3));
  md.set("c", Value::u8(4));
  md.set("a", Value::string("x"));  // replaced in place
  EXPECT_EQ(md.keys(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(md.get_string("a"), "x");
  EXPECT_TRUE(md.erase("b"));
  EXPECT_FALSE(md.erase("b"));
  EXPECT_EQ(md.keys(), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(md.get_uint("c"), 4u);  // index still right after erase
  EXPECT_FALSE(md.contains("b"));
}

TEST(GgufMetadata, DisplayStrings) {
  const Metadata md = sample();
  EXPECT_EQ(md.to_display_string("u8"), "200");
  EXPECT_EQ(md.to_display_string("i8"), "-5");
  EXPECT_EQ(md.to_display_string("f32"), "1e-06");
  EXPECT_EQ(md.to_display_string("f64"), "0.25");
  EXPECT_EQ(md.to_display_string("b"), "true");
  EXPECT_EQ(md.to_display_string("s"), "\"hi\"");
  EXPECT_EQ(md.to_display_string("strs"), "[\"a\", \"b\", \"c\"]");
  EXPECT_EQ(md.to_display_string("strs", 2), "[\"a\", \"b\", ...] (3 items)");
  EXPECT_EQ(md.to_display_string("strs", 0), "[...] (3 items)");
  EXPECT_EQ(md.to_display_string("bools"), "[true, false]");
  EXPECT_EQ(md.to_display_string("nested"), "[[1, 2], [\"x\"]]");
  EXPECT_EQ(md.to_display_string("absent"), "");
  EXPECT_EQ(display_value(Value::string(std::string("a\n\"\x01", 4))), "\"a\\n\\\"\\x01\"");
  EXPECT_EQ(display_value(Value::array_i32({})), "[]");
}

}  // namespace
}  // namespace mosaic::gguf
