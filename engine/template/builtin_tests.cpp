#include "engine/template/builtin_tests.h"

#include <map>

#include "engine/template/builtin_filters.h"
#include "engine/template/py_text.h"

namespace mosaic::tmpl {
namespace {

using TestFn = bool (*)(const Value&, CallArgs&);

Value arg0(CallArgs& a, const std::string& test) {
  if (!a.has(0, "value")) throw EvalFailure("test '" + test + "' needs an argument");
  return a.get(0, "value");
}

int64_t int_operand(const Value& v, const std::string& test) {
  if (v.is_undefined()) fail_undefined(v);
  if (!v.is_int() && !v.is_bool()) {
    throw EvalFailure("test '" + test + "' needs an integer, not " + type_name(v));
  }
  return v.as_int();
}

bool has_cased_letter(const std::string& s) {
  for (char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  }
  return false;
}

const std::map<std::string, TestFn>& tests() {
  static const std::map<std::string, TestFn> table = {
      {"defined", [](const Value& v, CallArgs&) { return !v.is_undefined(); }},
      {"undefined", [](const Value& v, CallArgs&) { return v.is_undefined(); }},
      {"none", [](const Value& v, CallArgs&) { return v.is_none(); }},
      {"string", [](const Value& v, CallArgs&) { return v.is_string(); }},
      // bool is a Python int, so `True is number` and `True is integer` follow Python.
      {"number", [](const Value& v, CallArgs&) { return v.is_number(); }},
      {"integer", [](const Value& v, CallArgs&) { return v.is_int(); }},
      {"float", [](const Value& v, CallArgs&) { return v.is_float(); }},
      {"boolean", [](const Value& v, CallArgs&) { return v.is_bool(); }},
      {"true", [](const Value& v, CallArgs&) { return v.is_bool() && v.as_bool(); }},
      {"false", [](const Value& v, CallArgs&) { return v.is_bool() && !v.as_bool(); }},
      {"mapping", [](const Value& v, CallArgs&) { return v.is_dict(); }},
      // jinja2's Undefined is iterable (empty) and has len(), hence these.
      {"iterable",
       [](const Value& v, CallArgs&) {
         return v.is_undefined() || v.is_string() || v.is_sequence() || v.is_dict();
       }},
      {"sequence",
       [](const Value& v, CallArgs&) {
         return v.is_undefined() || v.is_string() || v.is_sequence() || v.is_dict();
       }},
      {"callable", [](const Value& v, CallArgs&) { return v.is_callable(); }},
      {"equalto", [](const Value& v, CallArgs& a) { return equals(v, arg0(a, "equalto")); }},
      {"ne", [](const Value& v, CallArgs& a) { return !equals(v, arg0(a, "ne")); }},
      {"lt", [](const Value& v, CallArgs& a) { return less_than(v, arg0(a, "lt")); }},
      {"gt", [](const Value& v, CallArgs& a) { return less_than(arg0(a, "gt"), v); }},
      {"le", [](const Value& v, CallArgs& a) { return !less_than(arg0(a, "le"), v); }},
      {"ge", [](const Value& v, CallArgs& a) { return !less_than(v, arg0(a, "ge")); }},
      {"in", [](const Value& v, CallArgs& a) { return contains(arg0(a, "in"), v); }},
      {"odd", [](const Value& v, CallArgs&) { return int_operand(v, "odd") % 2 != 0; }},
      {"even", [](const Value& v, CallArgs&) { return int_operand(v, "even") % 2 == 0; }},
      {"divisibleby",
       [](const Value& v, CallArgs& a) {
         const int64_t d = int_operand(arg0(a, "divisibleby"), "divisibleby");
         if (d == 0) throw EvalFailure("integer division or modulo by zero");
         return int_operand(v, "divisibleby") % d == 0;
       }},
      {"lower",
       [](const Value& v, CallArgs&) {
         const std::string s = to_str(v);
         return has_cased_letter(s) && py::lower(s) == s;
       }},
      {"upper",
       [](const Value& v, CallArgs&) {
         const std::string s = to_str(v);
         return has_cased_letter(s) && py::upper(s) == s;
       }},
      {"sameas",
       [](const Value& v, CallArgs& a) {
         // Python identity: singletons and small ints compare by value here,
         // containers by object.
         const Value other = arg0(a, "sameas");
         if (v.kind() != other.kind()) return false;
         if (v.is_none() || v.is_undefined() || v.is_bool() || v.is_int() || v.is_string()) {
           return equals(v, other);
         }
         return v.same_object(other);
       }},
      {"escaped", [](const Value&, CallArgs&) { return false; }},
      {"filter",
       [](const Value& v, CallArgs&) { return v.is_string() && is_known_filter(v.str()); }},
      {"test", [](const Value& v, CallArgs&) { return v.is_string() && is_known_test(v.str()); }},
  };
  return table;
}

const std::map<std::string, std::string>& aliases() {
  static const std::map<std::string, std::string> table = {
      {"eq", "equalto"}, {"==", "equalto"}, {"!=", "ne"},          {"<", "lt"},        {">", "gt"},
      {"<=", "le"},      {">=", "ge"},      {"greaterthan", "gt"}, {"lessthan", "lt"},
  };
  return table;
}

const std::string& canonical(const std::string& name) {
  auto it = aliases().find(name);
  return it == aliases().end() ? name : it->second;
}

}  // namespace

bool is_known_test(const std::string& name) { return tests().count(canonical(name)) != 0; }

bool apply_test(const std::string& name, const Value& value, CallArgs& args) {
  auto it = tests().find(canonical(name));
  if (it == tests().end()) throw EvalFailure("no test named '" + name + "'");
  return it->second(value, args);
}

}  // namespace mosaic::tmpl
