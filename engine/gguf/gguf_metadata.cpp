#include "engine/gguf/gguf_metadata.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "engine/error.h"

namespace mosaic::gguf {
namespace {

std::string describe_type(const Value& v) {
  if (!v.is_array()) return std::string(value_type_name(v.type()));
  return "array of " + std::string(value_type_name(v.element_type()));
}

// Calls f with the typed element span of a numeric (integer/float/bool) array.
template <typename F>
void visit_numeric_elements(const Value& v, F&& f) {
  switch (v.element_type()) {
    case ValueType::U8:
    case ValueType::Bool:
      f(v.elements<uint8_t>());
      return;
    case ValueType::I8:
      f(v.elements<int8_t>());
      return;
    case ValueType::U16:
      f(v.elements<uint16_t>());
      return;
    case ValueType::I16:
      f(v.elements<int16_t>());
      return;
    case ValueType::U32:
      f(v.elements<uint32_t>());
      return;
    case ValueType::I32:
      f(v.elements<int32_t>());
      return;
    case ValueType::U64:
      f(v.elements<uint64_t>());
      return;
    case ValueType::I64:
      f(v.elements<int64_t>());
      return;
    case ValueType::F32:
      f(v.elements<float>());
      return;
    case ValueType::F64:
      f(v.elements<double>());
      return;
    case ValueType::String:
    case ValueType::Array:
      return;
  }
}

template <typename T>
void append_number(std::string& out, T x) {
  char buf[64];
  // Shortest round-trip form: an f32 1e-6 prints as "1e-06", not 9.99999997e-07.
  auto res = std::to_chars(buf, buf + sizeof buf, x);
  out.append(buf, res.ptr);
}

void append_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += "\\x";
          out += kHex[u >> 4];
          out += kHex[u & 15];
        } else {
          out += c;  // bytes >= 0x80 pass through: UTF-8 is shown as text
        }
    }
  }
  out += '"';
}

void append_value(std::string& out, const Value& v, size_t max_items);

void append_array(std::string& out, const Value& v, size_t max_items) {
  const size_t n = v.size();
  const size_t shown = std::min(n, max_items);
  out += '[';
  auto sep = [&](size_t i) {
    if (i > 0) out += ", ";
  };
  switch (v.element_type()) {
    case ValueType::String: {
      auto s = v.strings();
      for (size_t i = 0; i < shown; ++i) sep(i), append_quoted(out, s[i]);
      break;
    }
    case ValueType::Array: {
      auto a = v.arrays();
      for (size_t i = 0; i < shown; ++i) sep(i), append_array(out, a[i], max_items);
      break;
    }
    case ValueType::Bool: {
      auto b = v.elements<uint8_t>();
      for (size_t i = 0; i < shown; ++i) sep(i), out += b[i] ? "true" : "false";
      break;
    }
    default:
      visit_numeric_elements(v, [&](auto span) {
        for (size_t i = 0; i < shown; ++i) sep(i), append_number(out, span[i]);
      });
  }
  if (shown < n) {
    out += shown > 0 ? ", ...] (" : "...] (";
    out += std::to_string(n) + " items)";
  } else {
    out += ']';
  }
}

void append_value(std::string& out, const Value& v, size_t max_items) {
  switch (v.type()) {
    case ValueType::U8:
    case ValueType::U16:
    case ValueType::U32:
    case ValueType::U64:
      append_number(out, v.as_unsigned());
      break;
    case ValueType::I8:
    case ValueType::I16:
    case ValueType::I32:
    case ValueType::I64:
      append_number(out, v.as_signed());
      break;
    case ValueType::F32:
      append_number(out, v.as_f32());
      break;
    case ValueType::F64:
      append_number(out, v.as_double());
      break;
    case ValueType::Bool:
      out += v.as_bool() ? "true" : "false";
      break;
    case ValueType::String:
      append_quoted(out, v.as_string());
      break;
    case ValueType::Array:
      append_array(out, v, max_items);
      break;
  }
}

}  // namespace

std::string display_value(const Value& value, size_t max_array_items) {
  std::string out;
  append_value(out, value, max_array_items);
  return out;
}

const Value* Metadata::find(std::string_view key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second].value;
}

void Metadata::type_error(std::string_view key, const Value& v, std::string_view expected) const {
  range_error(key, "is " + describe_type(v) + ", expected " + std::string(expected));
}

void Metadata::range_error(std::string_view key, std::string_view problem) const {
  std::string msg = source_.empty() ? "" : source_ + ": ";
  msg += "metadata key '" + std::string(key) + "' " + std::string(problem);
  fail(ErrorCode::Format, msg);
}

std::optional<uint64_t> Metadata::get_uint(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (is_unsigned_type(v->type())) return v->as_unsigned();
  if (is_signed_type(v->type())) {
    const int64_t x = v->as_signed();
    if (x < 0) range_error(key, "is " + std::to_string(x) + ", expected a non-negative integer");
    return static_cast<uint64_t>(x);
  }
  type_error(key, *v, "an unsigned integer");
}

std::optional<int64_t> Metadata::get_int(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (is_signed_type(v->type())) return v->as_signed();
  if (is_unsigned_type(v->type())) {
    const uint64_t x = v->as_unsigned();
    if (x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      range_error(key, "is " + std::to_string(x) + ", which does not fit in int64");
    }
    return static_cast<int64_t>(x);
  }
  type_error(key, *v, "an integer");
}

std::optional<double> Metadata::get_float(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (is_float_type(v->type())) return v->as_double();
  if (is_unsigned_type(v->type())) return static_cast<double>(v->as_unsigned());
  if (is_signed_type(v->type())) return static_cast<double>(v->as_signed());
  type_error(key, *v, "a number");
}

std::optional<bool> Metadata::get_bool(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->type() != ValueType::Bool) type_error(key, *v, "bool");
  return v->as_bool();
}

std::optional<std::string> Metadata::get_string(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->type() != ValueType::String) type_error(key, *v, "string");
  return v->as_string();
}

std::optional<std::span<const std::string>> Metadata::get_string_array_view(
    std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array() || v->element_type() != ValueType::String) {
    type_error(key, *v, "array of string");
  }
  return v->strings();
}

std::optional<std::vector<std::string>> Metadata::get_string_array(std::string_view key) const {
  auto view = get_string_array_view(key);
  if (!view) return std::nullopt;
  return std::vector<std::string>(view->begin(), view->end());
}

std::optional<std::vector<int64_t>> Metadata::get_int_array(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array() || !is_integer_type(v->element_type())) {
    type_error(key, *v, "array of integers");
  }
  std::vector<int64_t> out;
  visit_numeric_elements(*v, [&](auto span) {
    out.reserve(span.size());
    for (size_t i = 0; i < span.size(); ++i) {
      if constexpr (std::is_same_v<typename decltype(span)::value_type, uint64_t>) {
        if (span[i] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          range_error(key, "element " + std::to_string(i) + " is " + std::to_string(span[i]) +
                               ", which does not fit in int64");
        }
      }
      out.push_back(static_cast<int64_t>(span[i]));
    }
  });
  return out;
}

std::optional<std::vector<double>> Metadata::get_float_array(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) return std::nullopt;
  const ValueType et = v->is_array() ? v->element_type() : ValueType::String;
  if (!v->is_array() || !(is_integer_type(et) || is_float_type(et))) {
    type_error(key, *v, "array of numbers");
  }
  std::vector<double> out;
  visit_numeric_elements(*v, [&](auto span) { out.assign(span.begin(), span.end()); });
  return out;
}

std::vector<std::string> Metadata::keys() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(e.key);
  return out;
}

std::string Metadata::to_display_string(std::string_view key, size_t max_array_items) const {
  const Value* v = find(key);
  return v == nullptr ? std::string() : display_value(*v, max_array_items);
}

void Metadata::set(std::string key, Value value) {
  auto it = index_.find(std::string_view(key));
  if (it != index_.end()) {
    entries_[it->second].value = std::move(value);
    return;
  }
  index_.emplace(key, entries_.size());
  entries_.push_back(Entry{std::move(key), std::move(value)});
}

bool Metadata::insert(std::string key, Value value) {
  if (index_.contains(std::string_view(key))) return false;
  index_.emplace(key, entries_.size());
  entries_.push_back(Entry{std::move(key), std::move(value)});
  return true;
}

bool Metadata::erase(std::string_view key) {
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  const size_t pos = it->second;
  index_.erase(it);
  entries_.erase(entries_.begin() + static_cast<ptrdiff_t>(pos));
  // Later entries moved down by one.
  for (auto& [k, i] : index_) {
    if (i > pos) --i;
  }
  return true;
}

}  // namespace mosaic::gguf
