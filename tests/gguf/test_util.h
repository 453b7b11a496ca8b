// Helpers for the GGUF tests: a temporary directory, a byte-level GGUF
// builder for hand-crafted (and deliberately broken) files, and error capture.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.h"
#include "engine/gguf/gguf_parser.h"

namespace mosaic::gguf::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mosaic-gguf-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(std::string_view name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::string& path, const uint8_t* data, size_t n) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n));
}
inline void write_bytes(const std::string& path, const std::vector<uint8_t>& b) {
  write_bytes(path, b.data(), b.size());
}

// Builds GGUF bytes field by field; nothing is validated, on purpose.
class Raw {
 public:
  template <typename T>
  Raw& put(T v) {
    const size_t at = b_.size();
    b_.resize(at + sizeof(T));
    std::memcpy(b_.data() + at, &v, sizeof(T));
    return *this;
  }
  Raw& u8(uint8_t v) { return put(v); }
  Raw& u32(uint32_t v) { return put(v); }
  Raw& u64(uint64_t v) { return put(v); }
  Raw& str(std::string_view s) {
    u64(s.size());
    b_.insert(b_.end(), s.begin(), s.end());
    return *this;
  }
  Raw& header(uint64_t n_tensors, uint64_t n_kv, uint32_t version = 3) {
    b_.insert(b_.end(), {'G', 'G', 'U', 'F'});
    return u32(version).u64(n_tensors).u64(n_kv);
  }
  // Key, then value type id; the caller appends the value.
  Raw& key(std::string_view k, uint32_t type) { return str(k).u32(type); }
  Raw& kv_u32(std::string_view k, uint32_t v) { return key(k, 4).u32(v); }
  Raw& kv_string(std::string_view k, std::string_view v) { return key(k, 8).str(v); }
  Raw& tensor(std::string_view name, std::vector<uint64_t> ne, uint32_t type, uint64_t offset) {
    str(name).u32(static_cast<uint32_t>(ne.size()));
    for (uint64_t x : ne) u64(x);
    return u32(type).u64(offset);
  }
  Raw& pad(size_t alignment = 32) {
    b_.resize((b_.size() + alignment - 1) / alignment * alignment, 0);
    return *this;
  }
  Raw& zeros(size_t n) {
    b_.resize(b_.size() + n, 0);
    return *this;
  }
  size_t size() const { return b_.size(); }
  const std::vector<uint8_t>& bytes() const { return b_; }

 private:
  std::vector<uint8_t> b_;
};

// "t3" for ("t", 3). Built with += because GCC 12 warns (-Wrestrict, a false
// positive) on "t" + std::to_string(i).
inline std::string numbered(std::string_view prefix, int64_t i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

struct Failure {
  ErrorCode code;
  std::string message;
};

// Runs f; returns the mosaic::Error it threw, or nullopt. Other exceptions
// propagate and fail the test.
inline std::optional<Failure> capture(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return Failure{e.code(), e.what()};
  }
  return std::nullopt;
}

inline std::optional<Failure> parse_failure(const std::vector<uint8_t>& bytes,
                                            const ParseOptions& options = {}) {
  return capture([&] { (void)parse_gguf(bytes, "test.gguf", options); });
}

// Expects `failure` to hold `code` and a message containing every substring.
inline void expect_failure(const std::optional<Failure>& failure, ErrorCode code,
                           std::initializer_list<std::string_view> substrings) {
  ASSERT_TRUE(failure.has_value()) << "expected an error, got success";
  EXPECT_EQ(static_cast<int>(failure->code), static_cast<int>(code)) << failure->message;
  for (std::string_view s : substrings) {
    EXPECT_NE(failure->message.find(s), std::string::npos)
        << "message '" << failure->message << "' lacks '" << s << "'";
  }
}

}  // namespace mosaic::gguf::test
