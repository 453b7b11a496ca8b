// Value: the dynamic values a chat template computes with, modelled on the
// Python objects jinja2 sees (Undefined, None, bool, int, float, str, list,
// tuple, dict, namespace, callables). Lists, dicts and namespaces are shared
// by reference like in Python, so `ns.items.append(x)` mutates what other
// variables see.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mosaic::tmpl {

// Thrown by value operations; the evaluator turns it into a TemplateError that
// carries the position of the expression being evaluated.
class EvalFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by raise_exception(); the evaluator keeps the message verbatim.
class RaisedByTemplate : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ValueKind {
  Undefined,
  None,
  Bool,
  Int,
  Float,
  String,
  List,
  Tuple,
  Dict,
  Namespace,
  Callable
};

class Value;
struct Dict;
struct CallArgs;
using NativeFunction = std::function<Value(CallArgs&)>;

class Value {
 public:
  Value() = default;  // Undefined without a name
  Value(const Value&) = default;
  Value(Value&&) noexcept = default;
  Value& operator=(const Value&) = default;
  Value& operator=(Value&&) noexcept = default;
  // Releases nested containers iteratively: a template can build a list
  // nested a million levels deep, and recursive destruction would overflow
  // the stack.
  ~Value();

  static Value undefined(std::string hint);
  static Value none();
  static Value boolean(bool b);
  static Value integer(int64_t i);
  static Value number(double d);
  static Value string(std::string s);
  static Value list(std::vector<Value> items = {});
  static Value tuple(std::vector<Value> items);
  static Value dict();
  static Value dict(Dict d);
  static Value name_space();
  static Value callable(std::string name, NativeFunction fn);

  ValueKind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == ValueKind::Undefined; }
  bool is_none() const { return kind_ == ValueKind::None; }
  bool is_bool() const { return kind_ == ValueKind::Bool; }
  bool is_int() const { return kind_ == ValueKind::Int; }
  bool is_float() const { return kind_ == ValueKind::Float; }
  bool is_number() const { return is_int() || is_float() || is_bool(); }
  bool is_string() const { return kind_ == ValueKind::String; }
  bool is_list() const { return kind_ == ValueKind::List; }
  bool is_tuple() const { return kind_ == ValueKind::Tuple; }
  bool is_sequence() const { return is_list() || is_tuple(); }
  bool is_dict() const { return kind_ == ValueKind::Dict; }
  bool is_namespace() const { return kind_ == ValueKind::Namespace; }
  bool is_callable() const { return kind_ == ValueKind::Callable; }

  bool as_bool() const { return bool_; }
  int64_t as_int() const { return is_bool() ? (bool_ ? 1 : 0) : int_; }
  double as_double() const { return is_float() ? float_ : static_cast<double>(as_int()); }
  // String contents; for Undefined the hint ("'x' is undefined").
  const std::string& str() const { return string_; }
  std::vector<Value>& items() const { return *items_; }
  Dict& entries() const { return *dict_; }
  const std::string& callable_name() const { return string_; }
  Value call(CallArgs& args) const;

  // True when both handles refer to the same list/dict/namespace/callable object.
  bool same_object(const Value& other) const;

 private:
  ValueKind kind_ = ValueKind::Undefined;
  bool bool_ = false;
  int64_t int_ = 0;
  double float_ = 0.0;
  std::string string_;
  std::shared_ptr<std::vector<Value>> items_;
  std::shared_ptr<Dict> dict_;
  std::shared_ptr<NativeFunction> function_;
};

// Insertion-ordered mapping, like a Python 3.7+ dict. Lookups are linear: chat
// messages and tool schemas have a handful of keys.
struct Dict {
  std::vector<std::pair<Value, Value>> entries;

  const Value* find(const Value& key) const;
  const Value* find(const std::string& key) const;
  void set(Value key, Value value);
  void set(const std::string& key, Value value) { set(Value::string(key), std::move(value)); }
  bool erase(const Value& key);
  size_t size() const { return entries.size(); }
};

struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keyword;

  // Positional index or keyword name; Undefined when absent.
  Value get(size_t index, const std::string& name) const;
  bool has(size_t index, const std::string& name) const;
  // Fails with a clear message when more positional or unknown keyword
  // arguments than `names` were given.
  void expect_at_most(const std::string& function, const std::vector<std::string>& names) const;
};

// Python semantics used all over the evaluator and filters.
bool truthy(const Value& v);
std::string type_name(const Value& v);                     // "str", "int", "dict", ...
std::string to_str(const Value& v);                        // Python str(); Undefined -> ""
std::string repr(const Value& v);                          // Python repr()
bool equals(const Value& a, const Value& b);               // Python ==
bool less_than(const Value& a, const Value& b);            // Python <, fails on mixed types
int64_t length(const Value& v);                            // Python len(); Undefined -> 0
std::vector<Value> iterate(const Value& v);                // Python iter(): dict keys, string chars
bool contains(const Value& container, const Value& item);  // Python `in`
[[noreturn]] void fail_undefined(const Value& v);

// Recursion guard for operations that walk nested values (str(), ==, <,
// tojson): fails with EvalFailure beyond kMaxValueNesting levels, which also
// stops self-containing lists from recursing forever.
constexpr int kMaxValueNesting = 256;
class NestingGuard {
 public:
  NestingGuard();
  ~NestingGuard();
  NestingGuard(const NestingGuard&) = delete;
  NestingGuard& operator=(const NestingGuard&) = delete;
};

}  // namespace mosaic::tmpl
