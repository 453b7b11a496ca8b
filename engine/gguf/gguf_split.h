// Naming and keys of multi-file (split) GGUF models, shared by the reader and
// the writer: "<prefix>-00001-of-00003.gguf", split.no 0-based.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mosaic::gguf {

inline constexpr std::string_view kKeySplitNo = "split.no";                       // u16, 0-based
inline constexpr std::string_view kKeySplitCount = "split.count";                 // u16
inline constexpr std::string_view kKeySplitTensorsCount = "split.tensors.count";  // i32, all parts
inline constexpr int kMaxSplitCount = 65535;  // split.count is a u16

// "<prefix>-%05d-of-%05d.gguf" for the 0-based part index.
std::string split_path(std::string_view prefix, int index, int count);

struct SplitName {
  std::string prefix;
  int index;  // 0-based
  int count;
};
// Inverse of split_path; nullopt when the path does not follow the pattern.
std::optional<SplitName> parse_split_path(std::string_view path);

}  // namespace mosaic::gguf
