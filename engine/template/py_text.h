// Python str semantics on UTF-8 std::string: code-point indexing, strip,
// split, case mapping, and the repr() of floats and strings. Chat templates
// call these as string methods (`content.split('</think>')[-1].lstrip('\n')`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mosaic::tmpl::py {

// Byte offsets where each code point starts, plus a final entry == s.size().
// Invalid UTF-8 bytes count as one code point each, so nothing is dropped.
std::vector<size_t> code_point_starts(std::string_view s);
size_t code_point_count(std::string_view s);

enum class StripSide { Both, Left, Right };
// chars == nullopt strips whitespace like Python's str.strip().
std::string strip(std::string_view s, const std::optional<std::string>& chars, StripSide side);

// sep == nullopt splits on runs of whitespace and drops empty pieces.
std::vector<std::string> split(std::string_view s, const std::optional<std::string>& sep,
                               int64_t maxsplit);
std::vector<std::string> rsplit(std::string_view s, const std::optional<std::string>& sep,
                                int64_t maxsplit);
// Throws std::length_error when the result would exceed kMaxResultBytes.
constexpr size_t kMaxResultBytes = 64 * 1024 * 1024;
std::string replace(std::string_view s, std::string_view old_text, std::string_view new_text,
                    int64_t count);
int64_t count(std::string_view s, std::string_view needle);
// Code-point index of the first occurrence, -1 when absent.
int64_t find(std::string_view s, std::string_view needle);

// Case mapping covers ASCII; other characters pass through unchanged.
std::string upper(std::string_view s);
std::string lower(std::string_view s);
std::string title(std::string_view s);
std::string capitalize(std::string_view s);
bool is_space(char c);

// float.__repr__: shortest round-trip digits, exponent outside [1e-4, 1e16).
std::string float_repr(double d);
// str.__repr__: single quotes unless the text has ' and no ".
std::string string_repr(std::string_view s);

}  // namespace mosaic::tmpl::py
