#include "engine/template/operators.h"

#include <cmath>

namespace mosaic::tmpl {
namespace {

// Repetition (`'=' * 80`, `[x] * n`) is capped so a bad template cannot
// allocate gigabytes.
constexpr int64_t kMaxRepeatedBytes = 16 * 1024 * 1024;
// Doubling a string or list in a loop (`{% set s = s ~ s %}`) would exhaust
// memory long before the output limit is checked.
constexpr size_t kMaxStringBytes = 32 * 1024 * 1024;
constexpr size_t kMaxListItems = 256 * 1024;

std::string concat_strings(const std::string& a, const std::string& b) {
  if (a.size() + b.size() > kMaxStringBytes) {
    throw EvalFailure("string result is larger than " + std::to_string(kMaxStringBytes) + " bytes");
  }
  return a + b;
}

[[noreturn]] void unsupported(const std::string& op, const Value& a, const Value& b) {
  throw EvalFailure("unsupported operand type(s) for " + op + ": '" + type_name(a) + "' and '" +
                    type_name(b) + "'");
}

void check_overflow(bool overflow) {
  if (overflow) throw EvalFailure("integer overflow (values beyond 64 bits are not supported)");
}

int64_t floor_div(int64_t a, int64_t b) {
  if (b == 0) throw EvalFailure("integer division or modulo by zero");
  if (a == INT64_MIN && b == -1) throw EvalFailure("integer overflow");
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t py_mod(int64_t a, int64_t b) {
  if (b == 0) throw EvalFailure("integer division or modulo by zero");
  if (b == -1) return 0;
  int64_t m = a % b;
  if (m != 0 && ((m < 0) != (b < 0))) m += b;
  return m;
}

Value repeat(const Value& seq, int64_t n) {
  if (n < 0) n = 0;
  if (seq.is_string()) {
    if (n > 0 && static_cast<int64_t>(seq.str().size()) * n > kMaxRepeatedBytes) {
      throw EvalFailure("string repetition result is too large");
    }
    std::string out;
    for (int64_t i = 0; i < n; ++i) out += seq.str();
    return Value::string(std::move(out));
  }
  int64_t item_bytes = 16;
  for (const auto& item : seq.items()) {
    item_bytes += item.is_string() ? static_cast<int64_t>(item.str().size()) : 16;
  }
  if (n > 0 && item_bytes * n > kMaxRepeatedBytes) {
    throw EvalFailure("list repetition result is too large");
  }
  std::vector<Value> out;
  for (int64_t i = 0; i < n; ++i) out.insert(out.end(), seq.items().begin(), seq.items().end());
  return seq.is_tuple() ? Value::tuple(std::move(out)) : Value::list(std::move(out));
}

}  // namespace

Value binary_op(const std::string& op, const Value& a, const Value& b) {
  if (op == "~") {
    if (a.is_string() && b.is_string()) return Value::string(concat_strings(a.str(), b.str()));
    return Value::string(concat_strings(to_str(a), to_str(b)));
  }
  if (a.is_undefined()) fail_undefined(a);
  if (b.is_undefined()) fail_undefined(b);
  const bool numbers = a.is_number() && b.is_number();
  const bool any_float = a.is_float() || b.is_float();
  if (op == "+") {
    if (numbers) {
      if (any_float) return Value::number(a.as_double() + b.as_double());
      int64_t r = 0;
      check_overflow(__builtin_add_overflow(a.as_int(), b.as_int(), &r));
      return Value::integer(r);
    }
    if (a.is_string() && b.is_string()) return Value::string(concat_strings(a.str(), b.str()));
    if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
      if (a.items().size() + b.items().size() > kMaxListItems) {
        throw EvalFailure("list result has more than " + std::to_string(kMaxListItems) + " items");
      }
      std::vector<Value> out;
      out.reserve(a.items().size() + b.items().size());
      out.insert(out.end(), a.items().begin(), a.items().end());
      out.insert(out.end(), b.items().begin(), b.items().end());
      return a.is_tuple() ? Value::tuple(std::move(out)) : Value::list(std::move(out));
    }
    if (a.is_string()) {
      throw EvalFailure("can only concatenate str (not \"" + type_name(b) + "\") to str");
    }
    if (a.is_list()) {
      throw EvalFailure("can only concatenate list (not \"" + type_name(b) + "\") to list");
    }
    unsupported(op, a, b);
  }
  if (op == "-") {
    if (!numbers) unsupported(op, a, b);
    if (any_float) return Value::number(a.as_double() - b.as_double());
    int64_t r = 0;
    check_overflow(__builtin_sub_overflow(a.as_int(), b.as_int(), &r));
    return Value::integer(r);
  }
  if (op == "*") {
    if (numbers) {
      if (any_float) return Value::number(a.as_double() * b.as_double());
      int64_t r = 0;
      check_overflow(__builtin_mul_overflow(a.as_int(), b.as_int(), &r));
      return Value::integer(r);
    }
    if ((a.is_string() || a.is_sequence()) && (b.is_int() || b.is_bool()))
      return repeat(a, b.as_int());
    if ((b.is_string() || b.is_sequence()) && (a.is_int() || a.is_bool()))
      return repeat(b, a.as_int());
    unsupported(op, a, b);
  }
  if (op == "/") {
    if (!numbers) unsupported(op, a, b);
    if (b.as_double() == 0.0) throw EvalFailure("division by zero");
    return Value::number(a.as_double() / b.as_double());
  }
  if (op == "//") {
    if (!numbers) unsupported(op, a, b);
    if (any_float) {
      if (b.as_double() == 0.0) throw EvalFailure("float floor division by zero");
      return Value::number(std::floor(a.as_double() / b.as_double()));
    }
    return Value::integer(floor_div(a.as_int(), b.as_int()));
  }
  if (op == "%") {
    if (a.is_string()) throw EvalFailure("printf-style string formatting with % is not supported");
    if (!numbers) unsupported(op, a, b);
    if (any_float) {
      const double y = b.as_double();
      if (y == 0.0) throw EvalFailure("float modulo");
      double m = std::fmod(a.as_double(), y);
      if (m != 0.0 && ((m < 0) != (y < 0))) m += y;
      return Value::number(m);
    }
    return Value::integer(py_mod(a.as_int(), b.as_int()));
  }
  if (op == "**") {
    if (!numbers) unsupported(op, a, b);
    if (!any_float && b.as_int() >= 0) {
      int64_t result = 1, base = a.as_int(), exp = b.as_int();
      while (exp > 0) {
        if (exp & 1) check_overflow(__builtin_mul_overflow(result, base, &result));
        exp >>= 1;
        if (exp > 0) check_overflow(__builtin_mul_overflow(base, base, &base));
      }
      return Value::integer(result);
    }
    if (a.as_double() == 0.0 && b.as_double() < 0) {
      throw EvalFailure("0.0 cannot be raised to a negative power");
    }
    return Value::number(std::pow(a.as_double(), b.as_double()));
  }
  throw EvalFailure("unknown operator '" + op + "'");
}

Value negate(const Value& a) {
  if (a.is_undefined()) fail_undefined(a);
  if (a.is_float()) return Value::number(-a.as_double());
  if (a.is_int() || a.is_bool()) {
    if (a.as_int() == INT64_MIN) throw EvalFailure("integer overflow");
    return Value::integer(-a.as_int());
  }
  throw EvalFailure("bad operand type for unary -: '" + type_name(a) + "'");
}

bool compare_op(const std::string& op, const Value& a, const Value& b) {
  if (op == "==") return equals(a, b);
  if (op == "!=") return !equals(a, b);
  if (op == "<") return less_than(a, b);
  if (op == ">") return less_than(b, a);
  if (op == "<=") return less_than(a, b) || equals(a, b);
  if (op == ">=") return less_than(b, a) || equals(a, b);
  if (op == "in") return contains(b, a);
  if (op == "not in") return !contains(b, a);
  throw EvalFailure("unknown comparison '" + op + "'");
}

}  // namespace mosaic::tmpl
