// Writer argument validation and atomic, failure-safe output.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>

#include "engine/gguf/gguf_reader.h"
#include "engine/gguf/gguf_writer.h"
#include "tests/gguf/test_util.h"

namespace mosaic::gguf {
namespace {

using kernels::DType;
using test::capture;
using test::expect_failure;
using test::TempDir;

TEST(GgufWriter, RejectsBadTensors) {
  GgufWriter w;
  const auto bad = [&](std::function<void()> f, std::initializer_list<std::string_view> subs) {
    expect_failure(capture(f), ErrorCode::InvalidArgument, subs);
  };
  bad([&] { w.add_tensor("", DType::F32, {1}, std::vector<uint8_t>(4)); }, {"empty"});
  bad([&] { w.add_tensor("t", DType::F32, {}, std::vector<uint8_t>(4)); }, {"'t'", "0 dim"});
  bad([&] { w.add_tensor("t", DType::F32, {1, 1, 1, 1, 1}, std::vector<uint8_t>(4)); }, {"5 dim"});
  bad([&] { w.add_tensor("t", DType::F32, {0}, std::vector<uint8_t>()); }, {"ne[0] = 0"});
  bad([&] { w.add_tensor("t", DType::F32, {2, -1}, std::vector<uint8_t>()); }, {"ne[1] = -1"});
  bad([&] { w.add_tensor("t", DType::Q4_K, {100}, std::vector<uint8_t>()); },
      {"'t'", "q4_K", "block size 256"});
  bad([&] { w.add_tensor("t", DType::F32, {3}, std::vector<uint8_t>(11)); },
      {"'t'", "12 bytes", "got 11"});
  bad(
      [&] {
        w.add_tensor("t", DType::F32, {int64_t{1} << 40, int64_t{1} << 40},
                     [](uint8_t*, size_t) {});
      },
      {"too many"});
  bad([&] { w.add_tensor("t", static_cast<DType>(23), {256}, std::vector<uint8_t>(136)); },
      {"invalid type id 23"});
  bad([&] { w.add_tensor("t", DType::F32, {1}, GgufWriter::Filler()); }, {"fill"});
  EXPECT_EQ(w.tensor_count(), 0u);  // failed calls change nothing
  w.add_tensor("t", DType::F32, {1}, std::vector<uint8_t>(4));
  bad([&] { w.add_tensor("t", DType::F16, {2}, std::vector<uint8_t>(4)); }, {"duplicate", "'t'"});
  EXPECT_EQ(w.tensor_count(), 1u);
}

TEST(GgufWriter, RejectsBadMetadata) {
  GgufWriter w;
  expect_failure(capture([&] { w.set_alignment(0); }), ErrorCode::InvalidArgument, {"0"});
  expect_failure(capture([&] { w.set_alignment(48); }), ErrorCode::InvalidArgument, {"48"});
  expect_failure(capture([&] { w.set_u32("", 1); }), ErrorCode::InvalidArgument, {"empty"});
  TempDir dir;
  w.set_u32("general.alignment", 12);  // bypasses set_alignment
  expect_failure(capture([&] { w.write(dir.file("x.gguf")); }), ErrorCode::InvalidArgument,
                 {"general.alignment"});
  w.set_string("general.alignment", "32");
  expect_failure(capture([&] { w.write(dir.file("x.gguf")); }), ErrorCode::InvalidArgument,
                 {"general.alignment"});
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.gguf")));
}

TEST(GgufWriter, UnwritableDirectoryIsAnIoError) {
  TempDir dir;
  GgufWriter w;
  const std::string path = dir.file("no/such/dir/m.gguf");
  expect_failure(capture([&] { w.write(path); }), ErrorCode::Io,
                 {"m.gguf", "No such file or directory"});
  expect_failure(capture([&] { w.write(""); }), ErrorCode::Io, {"empty path"});
}

bool dir_is_empty(const TempDir& dir) {
  return std::filesystem::directory_iterator(dir.path()) == std::filesystem::directory_iterator();
}

TEST(GgufWriter, ThrowingFillerLeavesNothingBehind) {
  TempDir dir;
  const std::string path = dir.file("m.gguf");
  test::write_bytes(path, std::vector<uint8_t>{'o', 'l', 'd'});
  GgufWriter w;
  w.add_tensor("t", DType::F32, {4}, [](uint8_t*, size_t) { throw std::runtime_error("boom"); });
  EXPECT_THROW(w.write(path), std::runtime_error);
  EXPECT_EQ(test::read_bytes(path), (std::vector<uint8_t>{'o', 'l', 'd'}));  // old file intact
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(GgufWriter, CancelViaProgressLeavesNothingBehind) {
  TempDir dir;
  GgufWriter w;
  for (int i = 0; i < 4; ++i)
    w.add_tensor(test::numbered("t", i), DType::F32, {64}, std::vector<uint8_t>(256));
  std::vector<float> seen;
  w.set_progress([&](float f) {
    seen.push_back(f);
    return true;
  });
  w.write(dir.file("ok.gguf"));
  EXPECT_EQ(seen, (std::vector<float>{0.25f, 0.5f, 0.75f, 1.0f}));
  std::filesystem::remove(dir.file("ok.gguf"));

  w.set_progress([](float f) { return f < 0.5f; });
  expect_failure(capture([&] { w.write(dir.file("c.gguf")); }), ErrorCode::Cancelled, {});
  expect_failure(capture([&] { w.write_split(dir.file("s"), 1); }), ErrorCode::Cancelled, {});
  EXPECT_TRUE(dir_is_empty(dir));  // neither the file, its .tmp, nor earlier parts
}

// A file size limit makes write() fail with EFBIG: the same path as a full disk.
TEST(GgufWriter, WriteFailureIsAnIoErrorAndLeavesNothingBehind) {
  TempDir dir;
  GgufWriter w;
  w.add_tensor("t", DType::F32, {1 << 16}, [](uint8_t* d, size_t n) { std::memset(d, 1, n); });
  struct rlimit old {};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit lim = old;
  lim.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &lim), 0);
  auto failure = capture([&] { w.write(dir.file("m.gguf")); });
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  expect_failure(failure, ErrorCode::Io, {"m.gguf", "File too large"});
  EXPECT_TRUE(dir_is_empty(dir));
}

TEST(GgufWriter, RewritesAReadFile) {
  TempDir dir;
  GgufWriter w;
  w.set_string("general.architecture", "x");
  w.set_string_array("tokens", {"a", "b"});
  w.add_tensor("t", DType::Q8_0, {32}, std::vector<uint8_t>(34, 5));
  w.write(dir.file("a.gguf"));
  const GgufFile a = GgufFile::open(dir.file("a.gguf"));
  GgufWriter copy;
  for (const Metadata::Entry& e : a.metadata().entries()) copy.set_value(e.key, e.value);
  for (const TensorInfo& t : a.tensors()) {
    copy.add_tensor(t.name, t.type, std::vector<int64_t>(t.ne.begin(), t.ne.begin() + t.n_dims),
                    std::vector<uint8_t>(t.data, t.data + t.n_bytes));
  }
  copy.write(dir.file("b.gguf"));
  EXPECT_EQ(test::read_bytes(dir.file("a.gguf")), test::read_bytes(dir.file("b.gguf")));
}

}  // namespace
}  // namespace mosaic::gguf
