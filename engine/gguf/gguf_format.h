// Constants of the GGUF container format shared by the reader and writer.
#pragma once

#include <cstdint>
#include <string_view>

namespace mosaic::gguf {

inline constexpr uint8_t kMagic[4] = {'G', 'G', 'U', 'F'};
inline constexpr uint32_t kVersionWritten = 3;  // the reader also accepts 2 (same layout)
inline constexpr uint32_t kDefaultAlignment = 32;
inline constexpr std::string_view kKeyAlignment = "general.alignment";  // u32
inline constexpr std::string_view kKeyArchitecture = "general.architecture";
inline constexpr int kMaxDims = 4;
// Arrays of arrays deeper than this are rejected: real files use depth 1, and
// the limit bounds recursion on hostile input.
inline constexpr int kMaxArrayDepth = 8;

inline bool is_power_of_two(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

}  // namespace mosaic::gguf
