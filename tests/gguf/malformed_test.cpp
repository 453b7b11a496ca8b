// Malformed input: every validation the reader does, each checked for its
// error code and a message naming the problem, plus truncation at every byte.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <limits>

#include "engine/gguf/gguf_parser.h"
#include "engine/gguf/gguf_reader.h"
#include "engine/gguf/gguf_writer.h"
#include "tests/gguf/test_util.h"

namespace mosaic::gguf {
namespace {

using kernels::DType;
using test::capture;
using test::expect_failure;
using test::parse_failure;
using test::Raw;
using test::TempDir;

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();

// A small valid file with a bit of everything in its header.
std::vector<uint8_t> valid_model(const TempDir& dir) {
  GgufWriter w;
  w.set_string("general.architecture", "test");
  w.set_u32("n", 7);
  w.set_f32("eps", 1e-6f);
  w.set_bool("flag", true);
  w.set_string_array("tokens", {"a", "bc", "def"});
  w.set_value("nested", Value::array_array({Value::array_i32({1, 2}), Value::array_u8({})}));
  w.add_tensor("a", DType::F32, {8, 2}, std::vector<uint8_t>(64, 1));
  w.add_tensor("b", DType::Q8_0, {32}, std::vector<uint8_t>(34, 2));
  w.add_tensor("c", DType::Q4_K, {256}, std::vector<uint8_t>(144, 3));
  const std::string path = dir.file("valid.gguf");
  w.write(path);
  return test::read_bytes(path);
}

TEST(GgufMalformed, TruncationAtEveryHeaderByteFailsCleanly) {
  TempDir dir;
  const std::vector<uint8_t> full = valid_model(dir);
  const ParsedFile parsed = parse_gguf(full, "valid");
  const size_t data_offset = parsed.data_offset;
  size_t data_end = data_offset;  // end of the last tensor's bytes (padding may follow)
  for (const TensorInfo& t : parsed.tensors) {
    data_end = std::max<size_t>(data_end, data_offset + t.offset + t.n_bytes);
  }
  ASSERT_GT(data_end, data_offset);
  // Every header byte (through the padding), then points inside the data.
  std::vector<size_t> cuts;
  for (size_t n = 0; n <= data_offset; ++n) cuts.push_back(n);
  for (size_t n = data_offset + 1; n < data_end; n += 7) cuts.push_back(n);
  cuts.push_back(data_end - 1);
  const std::string path = dir.file("cut.gguf");
  for (size_t n : cuts) {
    test::write_bytes(path, full.data(), n);
    auto failure = capture([&] { (void)GgufFile::open(path); });
    ASSERT_TRUE(failure.has_value()) << "cut at " << n << " of " << full.size();
    EXPECT_EQ(failure->code, ErrorCode::Format) << n << ": " << failure->message;
    EXPECT_NE(failure->message.find("cut.gguf"), std::string::npos) << failure->message;
  }
  test::write_bytes(path, full);
  EXPECT_NO_THROW((void)GgufFile::open(path));
}

TEST(GgufMalformed, TruncationMessagesSayWhat) {
  TempDir dir;
  const std::vector<uint8_t> full = valid_model(dir);
  const size_t data_offset = parse_gguf(full, "valid").data_offset;
  std::vector<uint8_t> cut(full.begin(), full.begin() + 30);  // inside the first key
  expect_failure(parse_failure(cut), ErrorCode::Format, {"test.gguf", "truncated"});
  cut.assign(full.begin(), full.begin() + static_cast<ptrdiff_t>(data_offset + 10));
  expect_failure(parse_failure(cut), ErrorCode::Format,
                 {"tensor 'a'", "beyond the end of the file"});
}

TEST(GgufMalformed, FileLevelProblems) {
  TempDir dir;
  test::write_bytes(dir.file("empty.gguf"), std::vector<uint8_t>{});
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("empty.gguf")); }), ErrorCode::Format,
                 {"empty.gguf", "file is empty"});
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("absent.gguf")); }), ErrorCode::Io,
                 {"absent.gguf", "No such file or directory"});
  expect_failure(capture([&] { (void)GgufFile::open(""); }), ErrorCode::Io,
                 {"empty path", "No such file or directory"});
  expect_failure(capture([&] { (void)GgufFile::open(dir.path().string()); }), ErrorCode::Io,
                 {"Is a directory"});
  const std::string fifo = dir.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_failure(capture([&] { (void)GgufFile::open(fifo); }), ErrorCode::Io,
                 {"not a regular file"});
}

TEST(GgufMalformed, MagicAndVersion) {
  expect_failure(parse_failure({'G', 'G'}), ErrorCode::Format, {"not a GGUF file", "2 bytes"});
  expect_failure(parse_failure({0x7f, 'E', 'L', 'F', 0, 0, 0, 0}), ErrorCode::Format,
                 {"not a GGUF file", "7f 45 4c 46"});
  expect_failure(parse_failure(Raw().header(0, 0, 1).bytes()), ErrorCode::Unsupported,
                 {"version 1"});
  expect_failure(parse_failure(Raw().header(0, 0, 4).bytes()), ErrorCode::Unsupported,
                 {"version 4", "2 and 3"});
  expect_failure(parse_failure(Raw().header(0, 0, 0x03000000).bytes()), ErrorCode::Unsupported,
                 {"big-endian"});
  EXPECT_FALSE(parse_failure(Raw().header(0, 0, 2).bytes()).has_value());
  EXPECT_FALSE(parse_failure(Raw().header(0, 0, 3).bytes()).has_value());
}

TEST(GgufMalformed, AbsurdCounts) {
  expect_failure(parse_failure(Raw().header(0, kU64Max).bytes()), ErrorCode::Format,
                 {"metadata entry count", "corrupt count"});
  expect_failure(parse_failure(Raw().header(1u << 30, 0).bytes()), ErrorCode::Format,
                 {"tensor count", "corrupt count"});
  // A string length larger than the file.
  expect_failure(parse_failure(Raw().header(0, 1).str("k").u32(8).u64(1u << 20).bytes()),
                 ErrorCode::Format, {"key 'k'", "truncated"});
  expect_failure(parse_failure(Raw().header(0, 1).u64(kU64Max).zeros(16).bytes()),
                 ErrorCode::Format, {"truncated", "key of metadata entry #0"});
  // Array counts: checked against the smallest element encoding first.
  for (uint32_t et : {0u, 4u, 8u, 9u, 10u}) {
    auto f =
        parse_failure(Raw().header(0, 1).key("arr", 9).u32(et).u64(kU64Max / 2).zeros(64).bytes());
    expect_failure(f, ErrorCode::Format, {"key 'arr'", "array length", "corrupt count"});
  }
}

TEST(GgufMalformed, ValueProblems) {
  expect_failure(parse_failure(Raw().header(0, 1).key("k", 13).u32(0).bytes()), ErrorCode::Format,
                 {"key 'k'", "unknown value type 13"});
  expect_failure(parse_failure(Raw().header(0, 1).key("k", 9).u32(77).u64(0).bytes()),
                 ErrorCode::Format, {"key 'k'", "unknown value type 77"});
  expect_failure(parse_failure(Raw().header(0, 1).key("k", 7).u8(2).bytes()), ErrorCode::Format,
                 {"key 'k'", "invalid bool value 2"});
  expect_failure(parse_failure(Raw().header(0, 1).key("k", 9).u32(7).u64(2).u8(1).u8(5).bytes()),
                 ErrorCode::Format, {"key 'k'", "invalid bool value 5"});
  expect_failure(parse_failure(Raw().header(0, 2).kv_u32("dup", 1).kv_u32("dup", 2).bytes()),
                 ErrorCode::Format, {"duplicate metadata key 'dup'"});
  expect_failure(parse_failure(Raw().header(0, 1).kv_u32("", 1).bytes()), ErrorCode::Format,
                 {"empty key"});
  // Bad UTF-8 is not validated.
  EXPECT_FALSE(parse_failure(Raw().header(0, 1).kv_string("k", "\xff\xfe\xc0").bytes()));
}

// An array nested `depth` levels, the innermost holding one u8.
std::vector<uint8_t> nested(int depth) {
  Raw r;
  r.header(0, 1).key("deep", 9);
  for (int i = 1; i < depth; ++i) r.u32(9).u64(1);
  r.u32(0).u64(1).u8(42);
  return r.bytes();
}

TEST(GgufMalformed, ArrayNestingDepth) {
  const ParsedFile ok = parse_gguf(nested(8), "ok");
  EXPECT_EQ(ok.metadata.find("deep")->element_type(), ValueType::Array);
  expect_failure(parse_failure(nested(9)), ErrorCode::Format,
                 {"key 'deep'", "nested deeper than 8"});
  expect_failure(parse_failure(nested(10000)), ErrorCode::Format, {"nested deeper than 8"});
}

TEST(GgufMalformed, AlignmentValue) {
  for (uint32_t bad : {0u, 3u, 48u}) {
    expect_failure(parse_failure(Raw().header(0, 1).kv_u32("general.alignment", bad).bytes()),
                   ErrorCode::Format,
                   {"general.alignment is " + std::to_string(bad), "power of two"});
  }
  expect_failure(parse_failure(Raw().header(0, 1).kv_string("general.alignment", "32").bytes()),
                 ErrorCode::Format, {"test.gguf", "'general.alignment'", "string"});
  expect_failure(
      parse_failure(Raw().header(0, 1).key("general.alignment", 10).u64(1ull << 40).bytes()),
      ErrorCode::Format, {"general.alignment"});
  EXPECT_FALSE(parse_failure(Raw().header(0, 1).kv_u32("general.alignment", 1).bytes()));
}

// One tensor `name` at offset 0 with the given ne and type, data zero-filled.
std::vector<uint8_t> one_tensor(std::vector<uint64_t> ne, uint32_t type, uint64_t offset = 0,
                                size_t data_bytes = 4096, std::string_view name = "w") {
  return Raw()
      .header(1, 0)
      .tensor(name, std::move(ne), type, offset)
      .pad()
      .zeros(data_bytes)
      .bytes();
}

TEST(GgufMalformed, TensorShapes) {
  EXPECT_FALSE(parse_failure(one_tensor({4, 4}, 0)));
  expect_failure(parse_failure(Raw().header(1, 0).str("w").u32(0).u32(0).u64(0).zeros(32).bytes()),
                 ErrorCode::Format, {"tensor 'w'", "0 dimensions"});
  expect_failure(parse_failure(one_tensor({1, 1, 1, 1, 1}, 0)), ErrorCode::Format,
                 {"tensor 'w'", "5 dimensions"});
  expect_failure(parse_failure(one_tensor({4, 0}, 0)), ErrorCode::Format,
                 {"tensor 'w'", "ne[1] = 0"});
  expect_failure(parse_failure(one_tensor({kU64Max}, 0)), ErrorCode::Format,
                 {"tensor 'w'", "ne[0] = -1"});
  expect_failure(parse_failure(one_tensor({1ull << 32, 1ull << 32}, 0)), ErrorCode::Format,
                 {"tensor 'w'", "overflows"});
  expect_failure(parse_failure(one_tensor({100}, 12)), ErrorCode::Format,
                 {"tensor 'w'", "q4_K", "ne[0] = 100", "block size 256"});
  // Fits int64 elements, but not in bytes.
  expect_failure(parse_failure(one_tensor({1ull << 62}, 0)), ErrorCode::Format,
                 {"tensor 'w'", "overflows 64 bits"});
  expect_failure(parse_failure(one_tensor({4}, 0, 0, 4096, "")), ErrorCode::Format,
                 {"tensor #0", "empty name"});
}

TEST(GgufMalformed, TensorTypes) {
  expect_failure(parse_failure(one_tensor({256}, 23, 0, 4096, "blk.0.ffn_down_exps.weight")),
                 ErrorCode::Unsupported,
                 {"test.gguf: tensor 'blk.0.ffn_down_exps.weight' has type iq4_xs (23), which "
                  "Mosaic does not support yet"});
  expect_failure(parse_failure(one_tensor({4}, 200)), ErrorCode::Unsupported,
                 {"tensor 'w'", "unknown type id 200"});
  expect_failure(parse_failure(one_tensor({4}, 4)), ErrorCode::Unsupported,
                 {"unknown type id 4"});  // removed from GGML long ago

  ParseOptions info;
  info.allow_unsupported_types = true;
  const ParsedFile p = parse_gguf(one_tensor({512}, 23), "x", info);
  ASSERT_EQ(p.tensors.size(), 1u);
  EXPECT_FALSE(p.tensors[0].type_supported);
  EXPECT_EQ(p.tensors[0].ggml_type, 23u);
  EXPECT_EQ(p.tensors[0].n_bytes, 2u * 136);  // from GGML's iq4_xs block size
  const ParsedFile u = parse_gguf(one_tensor({3}, 200), "x", info);
  EXPECT_EQ(u.tensors[0].n_bytes, 0u);  // layout unknown
  // Info mode still checks what it can.
  expect_failure(parse_failure(one_tensor({100}, 23), info), ErrorCode::Format, {"block size"});
}

TEST(GgufMalformed, TensorPlacement) {
  expect_failure(parse_failure(one_tensor({4}, 0, 16)), ErrorCode::Format,
                 {"tensor 'w'", "offset 16", "alignment 32"});
  expect_failure(parse_failure(one_tensor({4}, 0, 4096)), ErrorCode::Format,
                 {"tensor 'w'", "beyond the end"});
  expect_failure(parse_failure(one_tensor({1024}, 0, 32)), ErrorCode::Format,
                 {"tensor 'w'", "beyond the end"});
  // offset + size would wrap around 2^64.
  expect_failure(parse_failure(one_tensor({16}, 0, kU64Max - 31)), ErrorCode::Format,
                 {"tensor 'w'", "beyond the end"});
  // Header claims a tensor but the file ends before the data section.
  expect_failure(parse_failure(Raw().header(1, 0).tensor("w", {4}, 0, 0).bytes()),
                 ErrorCode::Format, {"truncated", "data section"});
  const auto overlap =
      Raw().header(2, 0).tensor("x", {16}, 0, 0).tensor("y", {16}, 0, 32).pad().zeros(256).bytes();
  expect_failure(parse_failure(overlap), ErrorCode::Format, {"'x'", "'y'", "overlap"});
  const auto dup =
      Raw().header(2, 0).tensor("x", {4}, 0, 0).tensor("x", {4}, 0, 32).pad().zeros(64).bytes();
  expect_failure(parse_failure(dup), ErrorCode::Format, {"duplicate tensor name 'x'"});
  // Adjacent is fine; so is a tensor order different from the offset order.
  const auto adjacent =
      Raw().header(2, 0).tensor("x", {8}, 0, 32).tensor("y", {8}, 0, 0).pad().zeros(64).bytes();
  EXPECT_FALSE(parse_failure(adjacent));
}

TEST(GgufMalformed, NoTensorsNeedsNoPadding) {
  // A metadata-only file may end right after its header.
  const auto bytes = Raw().header(0, 1).kv_u32("k", 1).bytes();
  ASSERT_NE(bytes.size() % 32, 0u);
  EXPECT_FALSE(parse_failure(bytes));
}

}  // namespace
}  // namespace mosaic::gguf
