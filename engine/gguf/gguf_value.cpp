#include "engine/gguf/gguf_value.h"

#include <string>

#include "engine/error.h"

namespace mosaic::gguf {

std::string_view value_type_name(ValueType type) {
  switch (type) {
    case ValueType::U8:
      return "u8";
    case ValueType::I8:
      return "i8";
    case ValueType::U16:
      return "u16";
    case ValueType::I16:
      return "i16";
    case ValueType::U32:
      return "u32";
    case ValueType::I32:
      return "i32";
    case ValueType::F32:
      return "f32";
    case ValueType::Bool:
      return "bool";
    case ValueType::String:
      return "string";
    case ValueType::Array:
      return "array";
    case ValueType::U64:
      return "u64";
    case ValueType::I64:
      return "i64";
    case ValueType::F64:
      return "f64";
  }
  return "unknown";
}

bool is_valid_value_type(uint32_t type) { return type <= static_cast<uint32_t>(ValueType::F64); }

bool is_unsigned_type(ValueType type) {
  return type == ValueType::U8 || type == ValueType::U16 || type == ValueType::U32 ||
         type == ValueType::U64;
}

bool is_signed_type(ValueType type) {
  return type == ValueType::I8 || type == ValueType::I16 || type == ValueType::I32 ||
         type == ValueType::I64;
}

size_t scalar_size(ValueType type) {
  switch (type) {
    case ValueType::U8:
    case ValueType::I8:
    case ValueType::Bool:
      return 1;
    case ValueType::U16:
    case ValueType::I16:
      return 2;
    case ValueType::U32:
    case ValueType::I32:
    case ValueType::F32:
      return 4;
    case ValueType::U64:
    case ValueType::I64:
    case ValueType::F64:
      return 8;
    case ValueType::String:
    case ValueType::Array:
      return 0;
  }
  return 0;
}

Value Value::array_bool(const std::vector<bool>& v) {
  std::vector<uint8_t> bytes(v.begin(), v.end());
  return Value(ArrayTag{}, ValueType::Bool, std::move(bytes));
}

Value Value::array_bool_bytes(std::vector<uint8_t> v) {
  for (uint8_t b : v) {
    if (b > 1) fail(ErrorCode::InvalidArgument, "bool array element must be 0 or 1");
  }
  return Value(ArrayTag{}, ValueType::Bool, std::move(v));
}

Value Value::array_array(std::vector<Value> v) {
  for (const Value& e : v) {
    if (!e.is_array()) {
      fail(ErrorCode::InvalidArgument,
           "an array of arrays got an element of type " + std::string(value_type_name(e.type())));
    }
  }
  return Value(ArrayTag{}, ValueType::Array, std::move(v));
}

void Value::wrong_type(std::string_view wanted) const {
  std::string have(value_type_name(type_));
  if (is_array()) have = "array of " + std::string(value_type_name(element_type_));
  fail(ErrorCode::InvalidArgument, "GGUF value is " + have + ", not " + std::string(wanted));
}

uint64_t Value::as_unsigned() const {
  if (!is_unsigned_type(type_)) wrong_type("an unsigned integer");
  return std::get<uint64_t>(storage_);
}

int64_t Value::as_signed() const {
  if (!is_signed_type(type_)) wrong_type("a signed integer");
  return std::get<int64_t>(storage_);
}

double Value::as_double() const {
  if (type_ == ValueType::F32) return std::get<float>(storage_);
  if (type_ == ValueType::F64) return std::get<double>(storage_);
  wrong_type("a float");
}

float Value::as_f32() const {
  if (type_ != ValueType::F32) wrong_type("f32");
  return std::get<float>(storage_);
}

bool Value::as_bool() const {
  if (type_ != ValueType::Bool) wrong_type("bool");
  return std::get<bool>(storage_);
}

const std::string& Value::as_string() const {
  if (type_ != ValueType::String) wrong_type("string");
  return std::get<std::string>(storage_);
}

ValueType Value::element_type() const {
  if (!is_array()) wrong_type("an array");
  return element_type_;
}

size_t Value::size() const {
  if (!is_array()) wrong_type("an array");
  return std::visit(
      [](const auto& v) -> size_t {
        if constexpr (requires { v.size(); } && !std::is_same_v<decltype(v), const std::string&>) {
          return v.size();
        } else {
          return 0;  // unreachable: arrays always hold a vector
        }
      },
      storage_);
}

}  // namespace mosaic::gguf
