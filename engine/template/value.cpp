#include "engine/template/value.h"

#include "engine/template/py_text.h"

namespace mosaic::tmpl {
namespace {

// Containers whose last handle is being released; drained in a loop so that
// deep nesting never turns into deep recursion.
struct Graveyard {
  bool draining = false;
  std::vector<std::shared_ptr<std::vector<Value>>> lists;
  std::vector<std::shared_ptr<Dict>> dicts;
  std::vector<std::shared_ptr<NativeFunction>> functions;
};
thread_local Graveyard graveyard;
thread_local int nesting_depth = 0;

}  // namespace

Value::~Value() {
  if (!items_ && !dict_ && !function_) return;
  Graveyard& g = graveyard;
  if (items_) g.lists.push_back(std::move(items_));
  if (dict_) g.dicts.push_back(std::move(dict_));
  if (function_) g.functions.push_back(std::move(function_));
  if (g.draining) return;
  g.draining = true;
  while (!g.lists.empty() || !g.dicts.empty() || !g.functions.empty()) {
    // Each popped handle dies at the end of its block; the Values it owned
    // land back in the graveyard instead of recursing.
    if (!g.lists.empty()) {
      auto doomed = std::move(g.lists.back());
      g.lists.pop_back();
    } else if (!g.dicts.empty()) {
      auto doomed = std::move(g.dicts.back());
      g.dicts.pop_back();
    } else {
      auto doomed = std::move(g.functions.back());
      g.functions.pop_back();
    }
  }
  g.draining = false;
}

NestingGuard::NestingGuard() {
  if (++nesting_depth > kMaxValueNesting) {
    --nesting_depth;
    throw EvalFailure("value nested deeper than " + std::to_string(kMaxValueNesting) +
                      " levels (or containing itself)");
  }
}

NestingGuard::~NestingGuard() { --nesting_depth; }

Value Value::undefined(std::string hint) {
  Value v;
  v.string_ = std::move(hint);
  return v;
}

Value Value::none() {
  Value v;
  v.kind_ = ValueKind::None;
  return v;
}

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = ValueKind::Bool;
  v.bool_ = b;
  return v;
}

Value Value::integer(int64_t i) {
  Value v;
  v.kind_ = ValueKind::Int;
  v.int_ = i;
  return v;
}

Value Value::number(double d) {
  Value v;
  v.kind_ = ValueKind::Float;
  v.float_ = d;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind_ = ValueKind::String;
  v.string_ = std::move(s);
  return v;
}

Value Value::list(std::vector<Value> items) {
  Value v;
  v.kind_ = ValueKind::List;
  v.items_ = std::make_shared<std::vector<Value>>(std::move(items));
  return v;
}

Value Value::tuple(std::vector<Value> items) {
  Value v = list(std::move(items));
  v.kind_ = ValueKind::Tuple;
  return v;
}

Value Value::dict() { return dict(Dict{}); }

Value Value::dict(Dict d) {
  Value v;
  v.kind_ = ValueKind::Dict;
  v.dict_ = std::make_shared<Dict>(std::move(d));
  return v;
}

Value Value::name_space() {
  Value v = dict();
  v.kind_ = ValueKind::Namespace;
  return v;
}

Value Value::callable(std::string name, NativeFunction fn) {
  Value v;
  v.kind_ = ValueKind::Callable;
  v.string_ = std::move(name);
  v.function_ = std::make_shared<NativeFunction>(std::move(fn));
  return v;
}

Value Value::call(CallArgs& args) const {
  if (!is_callable()) {
    if (is_undefined()) fail_undefined(*this);
    throw EvalFailure("'" + type_name(*this) + "' object is not callable");
  }
  return (*function_)(args);
}

bool Value::same_object(const Value& other) const {
  if (kind_ != other.kind_) return false;
  if (items_) return items_ == other.items_;
  if (dict_) return dict_ == other.dict_;
  if (function_) return function_ == other.function_;
  return false;
}

const Value* Dict::find(const Value& key) const {
  for (const auto& [k, v] : entries) {
    if (equals(k, key)) return &v;
  }
  return nullptr;
}

const Value* Dict::find(const std::string& key) const {
  for (const auto& [k, v] : entries) {
    if (k.is_string() && k.str() == key) return &v;
  }
  return nullptr;
}

void Dict::set(Value key, Value value) {
  for (auto& [k, v] : entries) {
    if (equals(k, key)) {
      v = std::move(value);
      return;
    }
  }
  entries.emplace_back(std::move(key), std::move(value));
}

bool Dict::erase(const Value& key) {
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (equals(it->first, key)) {
      entries.erase(it);
      return true;
    }
  }
  return false;
}

Value CallArgs::get(size_t index, const std::string& name) const {
  if (index < positional.size()) return positional[index];
  for (const auto& [k, v] : keyword) {
    if (k == name) return v;
  }
  return Value();
}

bool CallArgs::has(size_t index, const std::string& name) const {
  if (index < positional.size()) return true;
  for (const auto& [k, v] : keyword) {
    if (k == name) return true;
  }
  return false;
}

void CallArgs::expect_at_most(const std::string& function,
                              const std::vector<std::string>& names) const {
  if (positional.size() > names.size()) {
    throw EvalFailure(function + "() takes at most " + std::to_string(names.size()) +
                      " argument(s), " + std::to_string(positional.size()) + " given");
  }
  for (const auto& [k, v] : keyword) {
    bool known = false;
    for (const auto& n : names) known = known || n == k;
    if (!known) throw EvalFailure(function + "() got an unexpected keyword argument '" + k + "'");
  }
}

void fail_undefined(const Value& v) {
  throw EvalFailure(v.str().empty() ? "value is undefined" : v.str());
}

bool truthy(const Value& v) {
  switch (v.kind()) {
    case ValueKind::Undefined:
    case ValueKind::None:
      return false;
    case ValueKind::Bool:
      return v.as_bool();
    case ValueKind::Int:
      return v.as_int() != 0;
    case ValueKind::Float:
      return v.as_double() != 0.0;
    case ValueKind::String:
      return !v.str().empty();
    case ValueKind::List:
    case ValueKind::Tuple:
      return !v.items().empty();
    case ValueKind::Dict:
      return v.entries().size() != 0;
    case ValueKind::Namespace:
    case ValueKind::Callable:
      return true;
  }
  return false;
}

std::string type_name(const Value& v) {
  switch (v.kind()) {
    case ValueKind::Undefined:
      return "Undefined";
    case ValueKind::None:
      return "NoneType";
    case ValueKind::Bool:
      return "bool";
    case ValueKind::Int:
      return "int";
    case ValueKind::Float:
      return "float";
    case ValueKind::String:
      return "str";
    case ValueKind::List:
      return "list";
    case ValueKind::Tuple:
      return "tuple";
    case ValueKind::Dict:
      return "dict";
    case ValueKind::Namespace:
      return "Namespace";
    case ValueKind::Callable:
      return "function";
  }
  return "object";
}

static std::string join_repr(const std::vector<Value>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += repr(items[i]);
  }
  return out;
}

static std::string dict_repr(const Dict& d) {
  std::string out = "{";
  for (size_t i = 0; i < d.entries.size(); ++i) {
    if (i) out += ", ";
    out += repr(d.entries[i].first) + ": " + repr(d.entries[i].second);
  }
  return out + "}";
}

std::string repr(const Value& v) {
  switch (v.kind()) {
    case ValueKind::String:
      return py::string_repr(v.str());
    case ValueKind::Undefined:
      return "Undefined";
    default:
      return to_str(v);
  }
}

std::string to_str(const Value& v) {
  NestingGuard guard;
  switch (v.kind()) {
    case ValueKind::Undefined:
      return "";
    case ValueKind::None:
      return "None";
    case ValueKind::Bool:
      return v.as_bool() ? "True" : "False";
    case ValueKind::Int:
      return std::to_string(v.as_int());
    case ValueKind::Float:
      return py::float_repr(v.as_double());
    case ValueKind::String:
      return v.str();
    case ValueKind::List:
      return std::string(1, '[').append(join_repr(v.items())).append("]");
    case ValueKind::Tuple:
      return std::string(1, '(')
          .append(join_repr(v.items()))
          .append(v.items().size() == 1 ? ",)" : ")");
    case ValueKind::Dict:
      return dict_repr(v.entries());
    case ValueKind::Namespace:
      return "<Namespace " + dict_repr(v.entries()) + ">";
    case ValueKind::Callable:
      return "<function " + v.callable_name() + ">";
  }
  return "";
}

bool equals(const Value& a, const Value& b) {
  NestingGuard guard;
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.as_double() == b.as_double();
    return a.as_int() == b.as_int();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::Undefined:
    case ValueKind::None:
      return true;
    case ValueKind::String:
      return a.str() == b.str();
    case ValueKind::List:
    case ValueKind::Tuple: {
      const auto& x = a.items();
      const auto& y = b.items();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!equals(x[i], y[i])) return false;
      }
      return true;
    }
    case ValueKind::Dict: {
      if (a.entries().size() != b.entries().size()) return false;
      for (const auto& [k, v] : a.entries().entries) {
        const Value* other = b.entries().find(k);
        if (!other || !equals(v, *other)) return false;
      }
      return true;
    }
    default:
      return a.same_object(b);
  }
}

bool less_than(const Value& a, const Value& b) {
  NestingGuard guard;
  if (a.is_undefined()) fail_undefined(a);
  if (b.is_undefined()) fail_undefined(b);
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.as_double() < b.as_double();
    return a.as_int() < b.as_int();
  }
  if (a.is_string() && b.is_string()) return a.str() < b.str();  // UTF-8 order == code point order
  if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
    const auto& x = a.items();
    const auto& y = b.items();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (!equals(x[i], y[i])) return less_than(x[i], y[i]);
    }
    return x.size() < y.size();
  }
  throw EvalFailure("'<' not supported between instances of '" + type_name(a) + "' and '" +
                    type_name(b) + "'");
}

int64_t length(const Value& v) {
  switch (v.kind()) {
    case ValueKind::Undefined:
      return 0;
    case ValueKind::String:
      return static_cast<int64_t>(py::code_point_count(v.str()));
    case ValueKind::List:
    case ValueKind::Tuple:
      return static_cast<int64_t>(v.items().size());
    case ValueKind::Dict:
      return static_cast<int64_t>(v.entries().size());
    default:
      throw EvalFailure("object of type '" + type_name(v) + "' has no len()");
  }
}

std::vector<Value> iterate(const Value& v) {
  switch (v.kind()) {
    case ValueKind::Undefined:
      return {};
    case ValueKind::List:
    case ValueKind::Tuple:
      return v.items();
    case ValueKind::Dict: {
      std::vector<Value> keys;
      for (const auto& [k, val] : v.entries().entries) keys.push_back(k);
      return keys;
    }
    case ValueKind::String: {
      std::vector<Value> chars;
      const auto starts = py::code_point_starts(v.str());
      for (size_t i = 0; i + 1 < starts.size(); ++i) {
        chars.push_back(Value::string(v.str().substr(starts[i], starts[i + 1] - starts[i])));
      }
      return chars;
    }
    default:
      throw EvalFailure("'" + type_name(v) + "' object is not iterable");
  }
}

bool contains(const Value& container, const Value& item) {
  switch (container.kind()) {
    case ValueKind::String:
      if (!item.is_string()) {
        throw EvalFailure("'in <string>' requires string as left operand, not " + type_name(item));
      }
      return container.str().find(item.str()) != std::string::npos;
    case ValueKind::Dict:
      return container.entries().find(item) != nullptr;
    case ValueKind::Undefined:
      return false;
    case ValueKind::List:
    case ValueKind::Tuple:
      for (const auto& x : container.items()) {
        if (equals(x, item)) return true;
      }
      return false;
    default:
      throw EvalFailure("argument of type '" + type_name(container) + "' is not iterable");
  }
}

}  // namespace mosaic::tmpl
