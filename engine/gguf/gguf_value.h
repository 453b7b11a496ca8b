// A GGUF metadata value: a scalar, a string, or an array.
//
// Arrays keep their elements in one typed vector (std::vector<int32_t>,
// std::vector<std::string>, ...) rather than a vector of Values, because
// tokenizer arrays hold ~150k elements; only arrays of arrays use
// std::vector<Value>. Typed spans give zero-copy access to the elements.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace mosaic::gguf {

enum class ValueType : uint32_t {
  U8 = 0,
  I8 = 1,
  U16 = 2,
  I16 = 3,
  U32 = 4,
  I32 = 5,
  F32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  U64 = 10,
  I64 = 11,
  F64 = 12,
};

// "u8", "i32", "f32", "bool", "string", "array", ...; "unknown" otherwise.
std::string_view value_type_name(ValueType type);

// True for the 13 type ids the format defines.
bool is_valid_value_type(uint32_t type);

bool is_unsigned_type(ValueType type);  // U8, U16, U32, U64
bool is_signed_type(ValueType type);    // I8, I16, I32, I64
inline bool is_integer_type(ValueType type) {
  return is_unsigned_type(type) || is_signed_type(type);
}
inline bool is_float_type(ValueType type) {
  return type == ValueType::F32 || type == ValueType::F64;
}

// Bytes a scalar of this type takes in the file (1 for Bool); 0 for String
// and Array, whose size depends on their content.
size_t scalar_size(ValueType type);

class Value {
 public:
  // Scalars.
  static Value u8(uint8_t v) { return Value(ValueType::U8, uint64_t{v}); }
  static Value i8(int8_t v) { return Value(ValueType::I8, int64_t{v}); }
  static Value u16(uint16_t v) { return Value(ValueType::U16, uint64_t{v}); }
  static Value i16(int16_t v) { return Value(ValueType::I16, int64_t{v}); }
  static Value u32(uint32_t v) { return Value(ValueType::U32, uint64_t{v}); }
  static Value i32(int32_t v) { return Value(ValueType::I32, int64_t{v}); }
  static Value u64(uint64_t v) { return Value(ValueType::U64, v); }
  static Value i64(int64_t v) { return Value(ValueType::I64, v); }
  static Value f32(float v) { return Value(ValueType::F32, v); }
  static Value f64(double v) { return Value(ValueType::F64, v); }
  static Value boolean(bool v) { return Value(ValueType::Bool, v); }
  static Value string(std::string v) { return Value(ValueType::String, std::move(v)); }

  // Arrays. Bool arrays store one byte (0 or 1) per element.
  static Value array_u8(std::vector<uint8_t> v) {
    return Value(ArrayTag{}, ValueType::U8, std::move(v));
  }
  static Value array_i8(std::vector<int8_t> v) {
    return Value(ArrayTag{}, ValueType::I8, std::move(v));
  }
  static Value array_u16(std::vector<uint16_t> v) {
    return Value(ArrayTag{}, ValueType::U16, std::move(v));
  }
  static Value array_i16(std::vector<int16_t> v) {
    return Value(ArrayTag{}, ValueType::I16, std::move(v));
  }
  static Value array_u32(std::vector<uint32_t> v) {
    return Value(ArrayTag{}, ValueType::U32, std::move(v));
  }
  static Value array_i32(std::vector<int32_t> v) {
    return Value(ArrayTag{}, ValueType::I32, std::move(v));
  }
  static Value array_u64(std::vector<uint64_t> v) {
    return Value(ArrayTag{}, ValueType::U64, std::move(v));
  }
  static Value array_i64(std::vector<int64_t> v) {
    return Value(ArrayTag{}, ValueType::I64, std::move(v));
  }
  static Value array_f32(std::vector<float> v) {
    return Value(ArrayTag{}, ValueType::F32, std::move(v));
  }
  static Value array_f64(std::vector<double> v) {
    return Value(ArrayTag{}, ValueType::F64, std::move(v));
  }
  static Value array_bool(const std::vector<bool>& v);
  // Bytes must be 0 or 1 (throws InvalidArgument otherwise).
  static Value array_bool_bytes(std::vector<uint8_t> v);
  static Value array_string(std::vector<std::string> v) {
    return Value(ArrayTag{}, ValueType::String, std::move(v));
  }
  // Each element must itself be an array (throws InvalidArgument otherwise);
  // inner arrays may have different element types, as in the file format.
  static Value array_array(std::vector<Value> v);

  ValueType type() const { return type_; }
  bool is_array() const { return type_ == ValueType::Array; }

  // Scalar access. Each throws mosaic::Error(InvalidArgument) when the value
  // has another type; use type() first (Metadata's getters do).
  uint64_t as_unsigned() const;  // U8/U16/U32/U64
  int64_t as_signed() const;     // I8/I16/I32/I64
  double as_double() const;      // F32/F64
  float as_f32() const;          // F32 only, bit-exact
  bool as_bool() const;
  const std::string& as_string() const;

  // Array access; each throws InvalidArgument when this is not an array
  // (element accessors: or the element type does not match).
  ValueType element_type() const;
  size_t size() const;
  // Zero-copy typed view. T must match the element type exactly
  // (uint8_t for U8 and Bool, int32_t for I32, float for F32, ...).
  template <typename T>
  std::span<const T> elements() const;
  std::span<const std::string> strings() const { return elements<std::string>(); }
  std::span<const Value> arrays() const { return elements<Value>(); }
  bool operator==(const Value& other) const = default;

 private:
  using Storage = std::variant<uint64_t, int64_t, float, double, bool, std::string,
                               std::vector<uint8_t>, std::vector<int8_t>, std::vector<uint16_t>,
                               std::vector<int16_t>, std::vector<uint32_t>, std::vector<int32_t>,
                               std::vector<uint64_t>, std::vector<int64_t>, std::vector<float>,
                               std::vector<double>, std::vector<std::string>, std::vector<Value>>;

  // Scalar of `type` stored as alternative T.
  template <typename T>
  Value(ValueType type, T v) : type_(type), storage_(std::in_place_type<T>, std::move(v)) {}
  // Array of `element_type` stored as std::vector<T>.
  struct ArrayTag {};
  template <typename T>
  Value(ArrayTag, ValueType element_type, std::vector<T>&& v)
      : type_(ValueType::Array),
        element_type_(element_type),
        storage_(std::in_place_type<std::vector<T>>, std::move(v)) {}

  [[noreturn]] void wrong_type(std::string_view wanted) const;

  ValueType type_;
  ValueType element_type_ = ValueType::U8;  // meaningful for arrays only
  Storage storage_;
};

template <typename T>
std::span<const T> Value::elements() const {
  const auto* v = std::get_if<std::vector<T>>(&storage_);
  if (!is_array() || v == nullptr) wrong_type("an array of the requested element type");
  return *v;
}

}  // namespace mosaic::gguf
