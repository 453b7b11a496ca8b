#include "engine/gguf/gguf_split.h"

#include <cstdio>

namespace mosaic::gguf {
namespace {

// Parses exactly five decimal digits.
std::optional<int> parse5(std::string_view s) {
  if (s.size() != 5) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::string split_path(std::string_view prefix, int index, int count) {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "-%05d-of-%05d.gguf", index + 1, count);
  return std::string(prefix) + suffix;
}

std::optional<SplitName> parse_split_path(std::string_view path) {
  // "-NNNNN-of-MMMMM.gguf" is 20 characters.
  constexpr size_t kSuffix = 20;
  if (path.size() <= kSuffix) return std::nullopt;
  const std::string_view suffix = path.substr(path.size() - kSuffix);
  if (suffix[0] != '-' || suffix.substr(6, 4) != "-of-" || suffix.substr(15) != ".gguf") {
    return std::nullopt;
  }
  auto no = parse5(suffix.substr(1, 5));
  auto count = parse5(suffix.substr(10, 5));
  if (!no || !count || *no < 1 || *no > *count) return std::nullopt;
  return SplitName{std::string(path.substr(0, path.size() - kSuffix)), *no - 1, *count};
}

}  // namespace mosaic::gguf
