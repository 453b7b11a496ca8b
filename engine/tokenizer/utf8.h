// Small UTF-8 helpers shared by the tokenizer parts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mosaic::tok {

inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

void append_utf8(std::string& out, uint32_t cp);

// Decodes the well-formed character at s[i]; returns its length in bytes and
// sets cp, or returns 0 when s[i..] does not start with a complete valid one.
size_t decode_utf8(std::string_view s, size_t i, uint32_t& cp);

// Moves the longest complete prefix of `in` to `out`, turning each maximal
// invalid subpart into U+FFFD. A trailing sequence that may still complete is
// left unconsumed unless at_end (then it becomes one U+FFFD). Returns the
// number of bytes of `in` consumed.
size_t take_complete_utf8(std::string_view in, bool at_end, std::string& out);

}  // namespace mosaic::tok
