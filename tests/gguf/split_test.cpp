// Split (multi-file) models: naming, writing, reading, and broken sets.
#include <gtest/gtest.h>

#include "engine/gguf/gguf_reader.h"
#include "engine/gguf/gguf_split.h"
#include "engine/gguf/gguf_writer.h"
#include "tests/gguf/test_util.h"

namespace mosaic::gguf {
namespace {

using kernels::DType;
using test::capture;
using test::expect_failure;
using test::TempDir;

TEST(GgufSplit, Naming) {
  EXPECT_EQ(split_path("/m/model", 1, 3), "/m/model-00002-of-00003.gguf");
  auto n = parse_split_path("/m/model-00002-of-00003.gguf");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->prefix, "/m/model");
  EXPECT_EQ(n->index, 1);
  EXPECT_EQ(n->count, 3);
  EXPECT_FALSE(parse_split_path("model.gguf").has_value());
  EXPECT_FALSE(parse_split_path("m-00004-of-00003.gguf").has_value());
  EXPECT_FALSE(parse_split_path("m-00000-of-00003.gguf").has_value());
  EXPECT_FALSE(parse_split_path("m-0001-of-00003.gguf").has_value());
  EXPECT_FALSE(parse_split_path("-00001-of-00003.gguf").has_value());
}

GgufWriter five_tensor_writer() {
  GgufWriter w;
  w.set_string("general.architecture", "test");
  w.set_string_array("tokenizer.ggml.tokens", {"a", "b"});
  for (int i = 0; i < 5; ++i) {
    w.add_tensor(test::numbered("t", i), DType::F32, {i + 1},
                 std::vector<uint8_t>(static_cast<size_t>(4 * (i + 1)), static_cast<uint8_t>(i)));
  }
  return w;
}

TEST(GgufSplit, WriteAndReadBack) {
  TempDir dir;
  const auto paths = five_tensor_writer().write_split(dir.file("m"), 2);
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(paths[0], dir.file("m-00001-of-00003.gguf"));
  EXPECT_EQ(paths[2], dir.file("m-00003-of-00003.gguf"));

  for (const std::string& entry : paths) {  // any part opens the whole model
    const GgufFile f = GgufFile::open(entry);
    EXPECT_EQ(f.split_count(), 3);
    EXPECT_EQ(f.path(), entry);
    EXPECT_EQ(f.part_path(1), paths[1]);
    EXPECT_EQ(f.architecture(), "test");  // metadata of the first part
    EXPECT_EQ(f.metadata().get_uint("split.no"), 0u);
    ASSERT_EQ(f.tensors().size(), 5u);
    for (int i = 0; i < 5; ++i) {
      const TensorInfo* t = f.find_tensor(test::numbered("t", i));
      ASSERT_NE(t, nullptr);
      EXPECT_EQ(t->split_index, i / 2);
      EXPECT_EQ(t->n_bytes, static_cast<uint64_t>(4 * (i + 1)));
      EXPECT_EQ(t->data[0], i);
    }
    uint64_t total = 0;
    for (const auto& p : paths) total += std::filesystem::file_size(p);
    EXPECT_EQ(f.total_file_bytes(), total);
  }
  // Later parts hold only the split keys.
  const auto part2 = parse_gguf(test::read_bytes(paths[1]), "p2");
  EXPECT_EQ(part2.metadata.keys(),
            (std::vector<std::string>{"split.no", "split.count", "split.tensors.count"}));
}

TEST(GgufSplit, NoTensorsGivesOnePart) {
  TempDir dir;
  GgufWriter w;
  w.set_u32("x", 1);
  const auto paths = w.write_split(dir.file("m"), 4);
  ASSERT_EQ(paths.size(), 1u);
  const GgufFile f = GgufFile::open(paths[0]);
  EXPECT_EQ(f.split_count(), 1);
  EXPECT_EQ(f.metadata().get_uint("split.count"), 1u);
  expect_failure(capture([&] { (void)w.write_split(dir.file("m"), 0); }),
                 ErrorCode::InvalidArgument, {"max_tensors_per_file"});
}

TEST(GgufSplit, AlignmentIsRepeatedInEveryPart) {
  TempDir dir;
  GgufWriter w = five_tensor_writer();
  w.set_alignment(64);
  const auto paths = w.write_split(dir.file("m"), 2);
  const GgufFile f = GgufFile::open(paths[0]);
  for (const TensorInfo& t : f.tensors()) EXPECT_EQ(t.offset % 64, 0u);
}

TEST(GgufSplit, MissingPartIsNamed) {
  TempDir dir;
  const auto paths = five_tensor_writer().write_split(dir.file("m"), 2);
  std::filesystem::remove(paths[1]);
  expect_failure(capture([&] { (void)GgufFile::open(paths[0]); }), ErrorCode::Io,
                 {"model is split into 3 files but '", "m-00002-of-00003.gguf' was not found"});
}

// Writes a 2-part set by hand so each part's split keys can be wrong.
void write_part(const std::string& path, int no, int count, int tensors_count,
                const std::string& tensor_name) {
  GgufWriter w;
  w.set_u16("split.no", static_cast<uint16_t>(no));
  w.set_u16("split.count", static_cast<uint16_t>(count));
  if (tensors_count >= 0) w.set_i32("split.tensors.count", tensors_count);
  w.add_tensor(tensor_name, DType::F32, {1}, std::vector<uint8_t>(4));
  w.write(path);
}

TEST(GgufSplit, InconsistentSplitCount) {
  TempDir dir;
  write_part(dir.file("m-00001-of-00002.gguf"), 0, 2, 2, "a");
  write_part(dir.file("m-00002-of-00002.gguf"), 1, 3, 2, "b");
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("m-00001-of-00002.gguf")); }),
                 ErrorCode::Format, {"m-00002-of-00002.gguf", "split.count is 3", "says 2"});
}

TEST(GgufSplit, WrongSplitNo) {
  TempDir dir;
  write_part(dir.file("m-00001-of-00002.gguf"), 0, 2, 2, "a");
  write_part(dir.file("m-00002-of-00002.gguf"), 0, 2, 2, "b");
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("m-00001-of-00002.gguf")); }),
                 ErrorCode::Format, {"m-00002-of-00002.gguf", "split.no is 0", "expected 1"});
}

TEST(GgufSplit, TensorsCountMismatch) {
  TempDir dir;
  write_part(dir.file("m-00001-of-00002.gguf"), 0, 2, 3, "a");
  write_part(dir.file("m-00002-of-00002.gguf"), 1, 2, -1, "b");
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("m-00001-of-00002.gguf")); }),
                 ErrorCode::Format, {"split.tensors.count is 3", "hold 2 tensors"});
}

TEST(GgufSplit, DuplicateTensorAcrossParts) {
  TempDir dir;
  write_part(dir.file("m-00001-of-00002.gguf"), 0, 2, 2, "same");
  write_part(dir.file("m-00002-of-00002.gguf"), 1, 2, 2, "same");
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("m-00001-of-00002.gguf")); }),
                 ErrorCode::Format, {"tensor 'same' also appears in", "m-00001-of-00002.gguf"});
}

TEST(GgufSplit, BadSplitKeys) {
  TempDir dir;
  // A split part renamed so the other parts cannot be found.
  write_part(dir.file("renamed.gguf"), 0, 2, 2, "a");
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("renamed.gguf")); }),
                 ErrorCode::Format, {"renamed.gguf", "-00001-of-00002.gguf"});
  // Named as the second part, but says it is the first.
  write_part(dir.file("x-00002-of-00002.gguf"), 0, 2, 2, "a");
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("x-00002-of-00002.gguf")); }),
                 ErrorCode::Format, {"is part 1 of", "does not end in '-00001-of-00002.gguf'"});
  write_part(dir.file("no.gguf"), 5, 2, 2, "a");
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("no.gguf")); }), ErrorCode::Format,
                 {"split.no is 5"});
  write_part(dir.file("zero.gguf"), 0, 0, 1, "a");
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("zero.gguf")); }), ErrorCode::Format,
                 {"split.count is 0"});
  write_part(dir.file("one.gguf"), 1, 1, 1, "a");
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("one.gguf")); }), ErrorCode::Format,
                 {"split.no is 1"});
  GgufWriter w;
  w.set_u16("split.count", 2);
  w.write(dir.file("m-00001-of-00002.gguf"));
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("m-00001-of-00002.gguf")); }),
                 ErrorCode::Format, {"no split.no"});
  GgufWriter s;
  s.set_string("split.count", "2");
  s.write(dir.file("s.gguf"));
  expect_failure(capture([&] { (void)GgufFile::open(dir.file("s.gguf")); }), ErrorCode::Format,
                 {"s.gguf", "'split.count'", "string"});
}

}  // namespace
}  // namespace mosaic::gguf
