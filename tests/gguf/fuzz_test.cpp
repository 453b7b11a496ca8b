// Random corruption of a valid header must end in success or mosaic::Error,
// never a crash, UB or another exception (run under ASan/UBSan to see UB).
#include <gtest/gtest.h>

#include <random>

#include "engine/gguf/gguf_parser.h"
#include "engine/gguf/gguf_reader.h"
#include "engine/gguf/gguf_writer.h"
#include "tests/gguf/test_util.h"

namespace mosaic::gguf {
namespace {

using kernels::DType;

std::vector<uint8_t> seed_model() {
  test::TempDir dir;
  GgufWriter w;
  w.set_string("general.architecture", "fuzz");
  w.set_u32("general.alignment", 32);
  w.set_u32("n", 7);
  w.set_f64("x", 0.5);
  w.set_bool("b", false);
  w.set_string_array("tokens", {"a", "bc", "def", ""});
  w.set_i32_array("types", {1, 2, 3});
  w.set_value("nested", Value::array_array({Value::array_i32({1, 2}), Value::array_string({"z"})}));
  w.add_tensor("a", DType::F32, {8, 2}, std::vector<uint8_t>(64, 1));
  w.add_tensor("b", DType::Q8_0, {32}, std::vector<uint8_t>(34, 2));
  w.add_tensor("c", DType::Q4_K, {256}, std::vector<uint8_t>(144, 3));
  w.write(dir.file("seed.gguf"));
  return test::read_bytes(dir.file("seed.gguf"));
}

// Exercises everything a caller would touch on a successfully parsed file.
void check_parsed(const ParsedFile& p, const std::vector<uint8_t>& bytes) {
  const uint8_t* begin = bytes.data();
  const uint8_t* end = begin + bytes.size();
  for (const TensorInfo& t : p.tensors) {
    ASSERT_GE(t.data, begin);
    ASSERT_LE(t.n_bytes, static_cast<uint64_t>(end - t.data));
    ASSERT_GE(t.n_dims, 1);
    ASSERT_LE(t.n_dims, 4);
    ASSERT_EQ(t.offset % p.alignment, 0u);
  }
  for (const std::string& k : p.metadata.keys()) (void)p.metadata.to_display_string(k);
}

TEST(GgufFuzz, RandomHeaderCorruptionNeverCrashes) {
  const std::vector<uint8_t> seed = seed_model();
  const size_t header_size = parse_gguf(seed, "seed").data_offset;
  std::mt19937_64 rng(12345);
  const uint64_t interesting[] = {0,
                                  1,
                                  2,
                                  3,
                                  4,
                                  8,
                                  9,
                                  12,
                                  13,
                                  31,
                                  32,
                                  33,
                                  255,
                                  256,
                                  0x7fffffff,
                                  0x80000000,
                                  0xffffffff,
                                  1ull << 32,
                                  0x7fffffffffffffffull,
                                  0x8000000000000000ull,
                                  ~0ull};
  int ok = 0;
  int errors = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    std::vector<uint8_t> b = seed;
    const int n_mut = 1 + static_cast<int>(rng() % 4);
    for (int m = 0; m < n_mut; ++m) {
      const size_t pos = rng() % header_size;
      switch (rng() % 4) {
        case 0:
        case 1:
          b[pos] ^= static_cast<uint8_t>(1u << (rng() % 8));
          break;
        case 2:
          b[pos] = static_cast<uint8_t>(rng());
          break;
        case 3: {  // an interesting little-endian word, possibly unaligned
          const uint64_t v = interesting[rng() % std::size(interesting)];
          const size_t width = (rng() % 2) ? 8 : 4;
          for (size_t i = 0; i < width && pos + i < b.size(); ++i) {
            b[pos + i] = static_cast<uint8_t>(v >> (8 * i));
          }
          break;
        }
      }
    }
    if (rng() % 8 == 0) b.resize(rng() % b.size());
    ParseOptions opts;
    opts.allow_unsupported_types = (iter % 2) == 1;
    try {
      const ParsedFile p = parse_gguf(b, "fuzz.gguf", opts);
      check_parsed(p, b);
      ++ok;
    } catch (const Error& e) {
      ++errors;
      ASSERT_NE(std::string_view(e.what()).find("fuzz.gguf"), std::string_view::npos) << e.what();
    }
    // Anything else (bad_alloc, length_error, ...) escapes and fails the test.
  }
  // Both outcomes occur, or the mutations are not reaching the parser.
  EXPECT_GT(ok, 100);
  EXPECT_GT(errors, 1000);
}

TEST(GgufFuzz, CorruptFilesThroughOpen) {
  const std::vector<uint8_t> seed = seed_model();
  test::TempDir dir;
  const std::string path = dir.file("f.gguf");
  std::mt19937 rng(7);
  for (int iter = 0; iter < 300; ++iter) {
    std::vector<uint8_t> b = seed;
    b[rng() % 200] ^= static_cast<uint8_t>(1u << (rng() % 8));
    test::write_bytes(path, b);
    try {
      const GgufFile f = GgufFile::open(path);
      for (const TensorInfo& t : f.tensors()) {
        volatile uint8_t sink = t.n_bytes ? t.data[t.n_bytes - 1] : 0;  // in the map
        (void)sink;
      }
    } catch (const Error&) {
    }
  }
}

}  // namespace
}  // namespace mosaic::gguf
