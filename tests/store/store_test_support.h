// Shared by the store tests: a temporary directory removed afterwards and a
// clock the test moves by hand, so timestamps and orderings are exact.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "app/store/conversation_store.h"

namespace mosaic::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mosaic-store-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class FakeClock {
 public:
  explicit FakeClock(int64_t start_ms = 1'700'000'000'000)
      : now_(std::make_shared<int64_t>(start_ms)) {}
  void advance_ms(int64_t ms) { *now_ += ms; }
  int64_t now_ms() const { return *now_; }
  StoreOptions options() const {
    return StoreOptions{[now = now_] { return *now; }};
  }

 private:
  std::shared_ptr<int64_t> now_;
};

inline std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Fixture with a fresh store in a temp dir and a fake clock.
class StoreTest : public ::testing::Test {
 protected:
  std::filesystem::path db_path() const { return dir_.path() / "data" / "mosaic.db"; }
  ConversationStore open_store() { return ConversationStore::open(db_path(), clock_.options()); }

  TempDir dir_;
  FakeClock clock_;
};

}  // namespace mosaic::store::testing
