#include "engine/template/builtin_filters.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "engine/template/access.h"
#include "engine/template/builtin_tests.h"
#include "engine/template/json_value.h"
#include "engine/template/py_text.h"

namespace mosaic::tmpl {
namespace {

using FilterFn = Value (*)(const Value&, CallArgs&);

bool flag(const Value& v) { return truthy(v); }

std::string require_string(const Value& v, const std::string& what) {
  if (!v.is_string()) throw EvalFailure(what + " must be a string, not " + type_name(v));
  return v.str();
}

int64_t int_or(const Value& v, int64_t fallback, const std::string& what) {
  if (v.is_undefined() || v.is_none()) return fallback;
  if (!v.is_int() && !v.is_bool()) throw EvalFailure(what + " must be an integer");
  return v.as_int();
}

std::vector<Value> sequence_of(const Value& v) { return iterate(v); }

Value tojson(const Value& v, CallArgs& a) {
  a.expect_at_most("tojson", {"ensure_ascii", "indent", "separators", "sort_keys"});
  JsonDumpStyle style;
  if (flag(a.get(0, "ensure_ascii"))) style.ascii = AsciiMode::EscapeNonAscii;
  const Value indent = a.get(1, "indent");
  if (indent.is_int()) {
    style.indent =
        std::string(static_cast<size_t>(std::clamp<int64_t>(indent.as_int(), 0, 64)), ' ');
  } else if (indent.is_string()) {
    style.indent = indent.str();
  } else if (!indent.is_undefined() && !indent.is_none()) {
    throw EvalFailure("tojson indent must be an integer or a string");
  }
  if (style.indent) style.item_separator = ",";
  const Value separators = a.get(2, "separators");
  if (separators.is_sequence() && separators.items().size() == 2) {
    style.item_separator = require_string(separators.items()[0], "tojson item separator");
    style.key_separator = require_string(separators.items()[1], "tojson key separator");
  } else if (!separators.is_undefined() && !separators.is_none()) {
    throw EvalFailure("tojson separators must be a pair of strings");
  }
  if (flag(a.get(3, "sort_keys"))) style.key_order = KeyOrder::Sorted;
  return Value::string(json_dumps(v, style));
}

Value trim(const Value& v, CallArgs& a) {
  a.expect_at_most("trim", {"chars"});
  const Value chars = a.get(0, "chars");
  std::optional<std::string> set;
  if (chars.is_string()) set = chars.str();
  return Value::string(py::strip(to_str(v), set, py::StripSide::Both));
}

Value length_filter(const Value& v, CallArgs& a) {
  a.expect_at_most("length", {});
  return Value::integer(length(v));
}

Value join(const Value& v, CallArgs& a) {
  a.expect_at_most("join", {"d", "attribute"});
  const Value sep = a.get(0, "d");
  const Value attribute = a.get(1, "attribute");
  std::string out;
  bool first = true;
  for (const auto& item : sequence_of(v)) {
    if (!first) out += to_str(sep);
    first = false;
    out += to_str(attribute.is_undefined() ? item : get_attr_path(item, to_str(attribute)));
  }
  return Value::string(std::move(out));
}

// select/reject/selectattr/rejectattr share this: keep items whose (attribute)
// passes the named test (or is truthy without one), inverted for reject.
enum class Keep { Passing, Failing };
enum class Subject { Item, Attribute };

Value select_common(const Value& v, CallArgs& a, Keep keep, Subject subject) {
  size_t next = 0;
  std::string attribute;
  if (subject == Subject::Attribute) {
    attribute = require_string(a.get(next++, "attribute"), "attribute name");
  }
  std::string test;
  CallArgs test_args;
  if (next < a.positional.size()) {
    test = require_string(a.positional[next++], "test name");
    test_args.positional.assign(a.positional.begin() + static_cast<long>(next), a.positional.end());
    if (!is_known_test(test)) throw EvalFailure("no test named '" + test + "'");
  }
  std::vector<Value> out;
  for (const auto& item : sequence_of(v)) {
    const Value subject_value =
        subject == Subject::Attribute ? get_attr_path(item, attribute) : item;
    const bool pass =
        test.empty() ? truthy(subject_value) : apply_test(test, subject_value, test_args);
    if (pass == (keep == Keep::Passing)) out.push_back(item);
  }
  return Value::list(std::move(out));
}

Value map_filter(const Value& v, CallArgs& a) {
  std::vector<Value> out;
  const Value attribute = a.get(static_cast<size_t>(-1), "attribute");
  if (!attribute.is_undefined()) {
    const Value fallback = a.get(static_cast<size_t>(-1), "default");
    for (const auto& item : sequence_of(v)) {
      Value x = get_attr_path(item, to_str(attribute));
      out.push_back(x.is_undefined() && !fallback.is_undefined() ? fallback : x);
    }
    return Value::list(std::move(out));
  }
  if (a.positional.empty()) throw EvalFailure("map() needs a filter name or attribute=");
  const std::string filter = require_string(a.positional[0], "map() filter name");
  if (!is_known_filter(filter)) throw EvalFailure("no filter named '" + filter + "'");
  CallArgs rest;
  rest.positional.assign(a.positional.begin() + 1, a.positional.end());
  rest.keyword = a.keyword;
  for (const auto& item : sequence_of(v)) out.push_back(apply_filter(filter, item, rest));
  return Value::list(std::move(out));
}

Value default_filter(const Value& v, CallArgs& a) {
  a.expect_at_most("default", {"default_value", "boolean"});
  const bool use_default = v.is_undefined() || (flag(a.get(1, "boolean")) && !truthy(v));
  if (!use_default) return v;
  return a.has(0, "default_value") ? a.get(0, "default_value") : Value::string("");
}

Value first(const Value& v, CallArgs& a) {
  a.expect_at_most("first", {});
  auto items = sequence_of(v);
  if (items.empty()) return Value::undefined("No first item, sequence was empty.");
  return items.front();
}

Value last(const Value& v, CallArgs& a) {
  a.expect_at_most("last", {});
  auto items = sequence_of(v);
  if (items.empty()) return Value::undefined("No last item, sequence was empty.");
  return items.back();
}

Value list_filter(const Value& v, CallArgs& a) {
  a.expect_at_most("list", {});
  return Value::list(sequence_of(v));
}

Value string_filter(const Value& v, CallArgs& a) {
  a.expect_at_most("string", {});
  return Value::string(to_str(v));
}

// jinja2 do_int: int(value, base), else int(float(value)), else the default.
Value int_filter(const Value& v, CallArgs& a) {
  a.expect_at_most("int", {"default", "base"});
  const Value fallback = a.has(0, "default") ? a.get(0, "default") : Value::integer(0);
  const int base = static_cast<int>(int_or(a.get(1, "base"), 10, "int() base"));
  if (base != 0 && (base < 2 || base > 36)) throw EvalFailure("int() base must be >= 2 and <= 36");
  if (v.is_undefined()) fail_undefined(v);  // int(Undefined) raises in jinja2
  if (v.is_int() || v.is_bool()) return Value::integer(v.as_int());
  if (v.is_float()) {
    if (!std::isfinite(v.as_double())) return fallback;
    return Value::integer(static_cast<int64_t>(v.as_double()));
  }
  if (v.is_string()) {
    std::string s = py::strip(v.str(), std::nullopt, py::StripSide::Both);
    s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
    if (s.empty()) return fallback;
    errno = 0;
    char* end = nullptr;
    const long long i = std::strtoll(s.c_str(), &end, base);
    if (errno == 0 && end && *end == '\0') return Value::integer(i);
    const double d = std::strtod(s.c_str(), &end);
    if (end && *end == '\0' && std::isfinite(d)) return Value::integer(static_cast<int64_t>(d));
  }
  return fallback;
}

Value float_filter(const Value& v, CallArgs& a) {
  a.expect_at_most("float", {"default"});
  const Value fallback = a.has(0, "default") ? a.get(0, "default") : Value::number(0.0);
  if (v.is_undefined()) fail_undefined(v);  // float(Undefined) raises in jinja2
  if (v.is_number()) return Value::number(v.as_double());
  if (v.is_string()) {
    const std::string s = py::strip(v.str(), std::nullopt, py::StripSide::Both);
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end && *end == '\0') return Value::number(d);
  }
  return fallback;
}

Value upper(const Value& v, CallArgs&) { return Value::string(py::upper(to_str(v))); }
Value lower(const Value& v, CallArgs&) { return Value::string(py::lower(to_str(v))); }
Value capitalize(const Value& v, CallArgs&) { return Value::string(py::capitalize(to_str(v))); }
// jinja2's do_title is not str.title(): it splits on runs of "-", whitespace,
// "(", "{", "[", "<" and capitalizes each piece ("they're" -> "They're").
Value title(const Value& v, CallArgs&) {
  const std::string s = to_str(v);
  auto is_separator = [](char c) {
    return c == '-' || c == '(' || c == '{' || c == '[' || c == '<' || py::is_space(c);
  };
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    const bool separator = is_separator(s[i]);
    while (j < s.size() && is_separator(s[j]) == separator) ++j;
    const std::string piece = s.substr(i, j - i);
    if (separator) {
      out += piece;
    } else {
      out += py::upper(piece.substr(0, 1));
      out += py::lower(piece.substr(1));
    }
    i = j;
  }
  return Value::string(std::move(out));
}

Value replace(const Value& v, CallArgs& a) {
  a.expect_at_most("replace", {"old", "new", "count"});
  return Value::string(py::replace(to_str(v), to_str(a.get(0, "old")), to_str(a.get(1, "new")),
                                   int_or(a.get(2, "count"), -1, "replace() count")));
}

Value safe(const Value& v, CallArgs&) { return v; }

Value escape(const Value& v, CallArgs&) {
  std::string out;
  for (char c : to_str(v)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return Value::string(std::move(out));
}

// Sort key helpers: case-insensitive comparison lowercases strings.
Value sort_key(const Value& item, const std::string& attribute, bool case_sensitive) {
  Value key = attribute.empty() ? item : get_attr_path(item, attribute);
  if (!case_sensitive && key.is_string()) return Value::string(py::lower(key.str()));
  return key;
}

Value unique(const Value& v, CallArgs& a) {
  a.expect_at_most("unique", {"case_sensitive", "attribute"});
  const bool case_sensitive = flag(a.get(0, "case_sensitive"));
  const Value attribute = a.get(1, "attribute");
  const std::string attr = attribute.is_undefined() ? "" : to_str(attribute);
  std::vector<Value> out, seen;
  for (const auto& item : sequence_of(v)) {
    Value key = sort_key(item, attr, case_sensitive);
    bool dup = false;
    for (const auto& s : seen) dup = dup || equals(s, key);
    if (dup) continue;
    seen.push_back(key);
    out.push_back(item);
  }
  return Value::list(std::move(out));
}

Value reverse(const Value& v, CallArgs&) {
  if (v.is_string()) return slice(v, std::nullopt, std::nullopt, -1);
  auto items = sequence_of(v);
  std::reverse(items.begin(), items.end());
  return Value::list(std::move(items));
}

Value sort(const Value& v, CallArgs& a) {
  a.expect_at_most("sort", {"reverse", "case_sensitive", "attribute"});
  const bool descending = flag(a.get(0, "reverse"));
  const bool case_sensitive = flag(a.get(1, "case_sensitive"));
  const Value attribute = a.get(2, "attribute");
  const std::string attr = attribute.is_undefined() ? "" : to_str(attribute);
  std::vector<std::pair<Value, Value>> keyed;
  for (const auto& item : sequence_of(v))
    keyed.emplace_back(sort_key(item, attr, case_sensitive), item);
  std::stable_sort(keyed.begin(), keyed.end(), [descending](const auto& x, const auto& y) {
    return descending ? less_than(y.first, x.first) : less_than(x.first, y.first);
  });
  std::vector<Value> out;
  for (auto& [k, item] : keyed) out.push_back(std::move(item));
  return Value::list(std::move(out));
}

Value items(const Value& v, CallArgs&) {
  if (v.is_undefined()) return Value::list();
  if (!v.is_dict()) throw EvalFailure("items filter needs a mapping, not " + type_name(v));
  std::vector<Value> out;
  for (const auto& [k, val] : v.entries().entries) out.push_back(Value::tuple({k, val}));
  return Value::list(std::move(out));
}

Value dictsort(const Value& v, CallArgs& a) {
  a.expect_at_most("dictsort", {"case_sensitive", "by", "reverse"});
  if (!v.is_dict()) throw EvalFailure("dictsort needs a mapping, not " + type_name(v));
  const bool case_sensitive = flag(a.get(0, "case_sensitive"));
  const Value by = a.get(1, "by");
  const bool by_value = by.is_string() && by.str() == "value";
  if (by.is_string() && !by_value && by.str() != "key") {
    throw EvalFailure("dictsort: you can only sort by either 'key' or 'value'");
  }
  const bool descending = flag(a.get(2, "reverse"));
  std::vector<std::pair<Value, Value>> entries = v.entries().entries;
  std::stable_sort(entries.begin(), entries.end(), [&](const auto& x, const auto& y) {
    Value kx = sort_key(by_value ? x.second : x.first, "", case_sensitive);
    Value ky = sort_key(by_value ? y.second : y.first, "", case_sensitive);
    return descending ? less_than(ky, kx) : less_than(kx, ky);
  });
  std::vector<Value> out;
  for (auto& [k, val] : entries) out.push_back(Value::tuple({k, val}));
  return Value::list(std::move(out));
}

Value abs_filter(const Value& v, CallArgs&) {
  if (v.is_float()) return Value::number(std::fabs(v.as_double()));
  if (v.is_int() || v.is_bool()) {
    if (v.as_int() == INT64_MIN) throw EvalFailure("integer overflow in abs");
    return Value::integer(v.as_int() < 0 ? -v.as_int() : v.as_int());
  }
  if (v.is_undefined()) fail_undefined(v);
  throw EvalFailure("bad operand type for abs(): '" + type_name(v) + "'");
}

Value round_filter(const Value& v, CallArgs& a) {
  a.expect_at_most("round", {"precision", "method"});
  if (!v.is_number()) {
    if (v.is_undefined()) fail_undefined(v);
    throw EvalFailure("round needs a number, not " + type_name(v));
  }
  const int64_t precision = int_or(a.get(0, "precision"), 0, "round() precision");
  const Value method_v = a.get(1, "method");
  const std::string method = method_v.is_undefined() ? "common" : to_str(method_v);
  const double scale = std::pow(10.0, static_cast<double>(precision));
  const double x = v.as_double() * scale;
  double r;
  if (method == "common") {
    if (precision >= 0 && precision <= 340 && std::isfinite(v.as_double())) {
      // Python's round() rounds the exact binary value (2.675 -> 2.67);
      // printf does the same correctly rounded conversion.
      std::string buf(720, '\0');
      const int n =
          std::snprintf(buf.data(), buf.size(), "%.*f", static_cast<int>(precision), v.as_double());
      buf.resize(static_cast<size_t>(std::max(n, 0)));
      return Value::number(std::strtod(buf.c_str(), nullptr));
    }
    r = std::nearbyint(x);  // round-half-even, like Python's round()
  } else if (method == "ceil") {
    r = std::ceil(x);
  } else if (method == "floor") {
    r = std::floor(x);
  } else {
    throw EvalFailure("method must be common, ceil or floor");
  }
  return Value::number(r / scale);
}

Value wordcount(const Value& v, CallArgs&) {
  const std::string s = to_str(v);
  int64_t n = 0;
  bool in_word = false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool word =
        (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '_' || u >= 0x80;
    if (word && !in_word) ++n;
    in_word = word;
  }
  return Value::integer(n);
}

Value indent(const Value& v, CallArgs& a) {
  a.expect_at_most("indent", {"width", "first", "blank"});
  const Value width = a.get(0, "width");
  const std::string pad =
      width.is_string()
          ? width.str()
          : std::string(
                static_cast<size_t>(std::clamp<int64_t>(int_or(width, 4, "indent width"), 0, 256)),
                ' ');
  const bool first_line = flag(a.get(1, "first"));
  const bool blank = flag(a.get(2, "blank"));
  // jinja2 appends "\n" before splitlines(), so a trailing newline is dropped.
  std::vector<std::string> lines;
  const std::string s = to_str(v) + "\n";
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t nl = s.find('\n', pos);
    lines.push_back(s.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (static_cast<double>(lines.size()) * static_cast<double>(pad.size()) +
          static_cast<double>(s.size()) >
      static_cast<double>(py::kMaxResultBytes)) {
    throw EvalFailure("indent() result is too large");
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) {
      out += "\n";
      if (blank || !lines[i].empty()) out += pad;
    }
    out += lines[i];
  }
  if (first_line) out = pad + out;
  return Value::string(std::move(out));
}

Value min_max(const Value& v, CallArgs& a, bool want_max) {
  a.expect_at_most(want_max ? "max" : "min", {"case_sensitive", "attribute"});
  const bool case_sensitive = flag(a.get(0, "case_sensitive"));
  const Value attribute = a.get(1, "attribute");
  const std::string attr = attribute.is_undefined() ? "" : to_str(attribute);
  auto items = sequence_of(v);
  if (items.empty())
    return Value::undefined(std::string("No aggregated item, sequence was empty."));
  size_t best = 0;
  for (size_t i = 1; i < items.size(); ++i) {
    Value ki = sort_key(items[i], attr, case_sensitive);
    Value kb = sort_key(items[best], attr, case_sensitive);
    if (want_max ? less_than(kb, ki) : less_than(ki, kb)) best = i;
  }
  return items[best];
}

Value max_filter(const Value& v, CallArgs& a) { return min_max(v, a, true); }
Value min_filter(const Value& v, CallArgs& a) { return min_max(v, a, false); }

Value sum_filter(const Value& v, CallArgs& a) {
  a.expect_at_most("sum", {"attribute", "start"});
  const Value attribute = a.get(0, "attribute");
  Value total = a.has(1, "start") ? a.get(1, "start") : Value::integer(0);
  for (const auto& item : sequence_of(v)) {
    Value x = attribute.is_undefined() ? item : get_attr_path(item, to_str(attribute));
    if (!x.is_number() || !total.is_number()) {
      throw EvalFailure("sum needs numbers, got " + type_name(x));
    }
    if (total.is_float() || x.is_float()) {
      total = Value::number(total.as_double() + x.as_double());
    } else {
      int64_t r = 0;
      if (__builtin_add_overflow(total.as_int(), x.as_int(), &r))
        throw EvalFailure("integer overflow");
      total = Value::integer(r);
    }
  }
  return total;
}

Value attr_filter(const Value& v, CallArgs& a) {
  a.expect_at_most("attr", {"name"});
  return get_attr(v, require_string(a.get(0, "name"), "attribute name"));
}

Value center(const Value& v, CallArgs& a) {
  a.expect_at_most("center", {"width"});
  const std::string s = to_str(v);
  const int64_t width = std::min<int64_t>(int_or(a.get(0, "width"), 80, "center width"), 4096);
  const int64_t len = static_cast<int64_t>(py::code_point_count(s));
  if (width <= len) return Value::string(s);
  // Python's str.center puts the extra space on the right for odd padding
  // when the length is even, else on the left.
  const int64_t pad = width - len;
  const int64_t left = pad / 2 + (pad & width & 1);
  return Value::string(std::string(static_cast<size_t>(left), ' ') + s +
                       std::string(static_cast<size_t>(pad - left), ' '));
}

const std::map<std::string, FilterFn>& filters() {
  static const std::map<std::string, FilterFn> table = {
      {"tojson", tojson},
      {"trim", trim},
      {"length", length_filter},
      {"count", length_filter},
      {"join", join},
      {"select", [](const Value& v,
                    CallArgs& a) { return select_common(v, a, Keep::Passing, Subject::Item); }},
      {"reject", [](const Value& v,
                    CallArgs& a) { return select_common(v, a, Keep::Failing, Subject::Item); }},
      {"selectattr",
       [](const Value& v, CallArgs& a) {
         return select_common(v, a, Keep::Passing, Subject::Attribute);
       }},
      {"rejectattr",
       [](const Value& v, CallArgs& a) {
         return select_common(v, a, Keep::Failing, Subject::Attribute);
       }},
      {"map", map_filter},
      {"default", default_filter},
      {"d", default_filter},
      {"first", first},
      {"last", last},
      {"list", list_filter},
      {"string", string_filter},
      {"int", int_filter},
      {"float", float_filter},
      {"upper", upper},
      {"lower", lower},
      {"capitalize", capitalize},
      {"title", title},
      {"replace", replace},
      {"safe", safe},
      {"escape", escape},
      {"e", escape},
      {"forceescape", escape},
      {"unique", unique},
      {"reverse", reverse},
      {"sort", sort},
      {"items", items},
      {"dictsort", dictsort},
      {"abs", abs_filter},
      {"round", round_filter},
      {"wordcount", wordcount},
      {"indent", indent},
      {"max", max_filter},
      {"min", min_filter},
      {"sum", sum_filter},
      {"attr", attr_filter},
      {"center", center},
  };
  return table;
}

}  // namespace

bool is_known_filter(const std::string& name) { return filters().count(name) != 0; }

Value apply_filter(const std::string& name, const Value& value, CallArgs& args) {
  auto it = filters().find(name);
  if (it == filters().end()) throw EvalFailure("no filter named '" + name + "'");
  return it->second(value, args);
}

}  // namespace mosaic::tmpl
