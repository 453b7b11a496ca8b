// The key/value section of a GGUF file: ordered as in the file, with O(1)
// lookup by key, and typed getters that turn a wrong type into one clear
// mosaic::Error(Format) naming the file and the key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/gguf/gguf_value.h"

namespace mosaic::gguf {

class Metadata {
 public:
  struct Entry {
    std::string key;
    Value value;
  };

  const Value* find(std::string_view key) const;  // nullptr if absent
  bool contains(std::string_view key) const { return find(key) != nullptr; }

  // Typed getters: nullopt if absent; throw mosaic::Error(Format) naming the
  // key if present with an incompatible type or out of range.
  std::optional<uint64_t> get_uint(std::string_view key) const;  // any integer type, >= 0
  std::optional<int64_t> get_int(std::string_view key) const;    // any integer type, in range
  std::optional<double> get_float(std::string_view key) const;   // f32/f64 and integers
  std::optional<bool> get_bool(std::string_view key) const;
  std::optional<std::string> get_string(std::string_view key) const;

  // Arrays: nullopt if absent; Format error if not an array of the right kind.
  // get_string_array copies; get_string_array_view is the zero-copy variant
  // for tokenizer vocabularies (valid while this Metadata is alive and unchanged).
  std::optional<std::vector<std::string>> get_string_array(std::string_view key) const;
  std::optional<std::span<const std::string>> get_string_array_view(std::string_view key) const;
  std::optional<std::vector<int64_t>> get_int_array(
      std::string_view key) const;  // integer elements
  std::optional<std::vector<double>> get_float_array(
      std::string_view key) const;  // float or integer

  std::vector<std::string> keys() const;  // in file order
  std::span<const Entry> entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

  // One line for `mosaic-cli info`: numbers, true/false, strings quoted with
  // control bytes escaped, arrays as [a, b, ...] followed by " (N items)" when
  // cut to max_array_items. Empty string if the key is absent.
  std::string to_display_string(std::string_view key, size_t max_array_items = 8) const;

  // Editing (used by the reader and the writer).
  void set(std::string key, Value value);     // replaces in place, or appends
  bool insert(std::string key, Value value);  // false (and no change) if the key exists
  bool erase(std::string_view key);           // false if absent
  // Name used to prefix getter errors ("model.gguf: metadata key ...").
  void set_source(std::string source) { source_ = std::move(source); }
  const std::string& source() const { return source_; }

 private:
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  [[noreturn]] void type_error(std::string_view key, const Value& v,
                               std::string_view expected) const;
  [[noreturn]] void range_error(std::string_view key, std::string_view problem) const;

  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t, KeyHash, std::equal_to<>> index_;
  std::string source_;
};

// Formats a value as to_display_string does (exposed for nested use and tests).
std::string display_value(const Value& value, size_t max_array_items = 8);

}  // namespace mosaic::gguf
