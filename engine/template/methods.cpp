// Python methods on str, list and dict values that chat templates call,
// e.g. message.content.split('</think>') or ns.items.append(x).
#include <algorithm>

#include "engine/template/access.h"
#include "engine/template/py_text.h"

namespace mosaic::tmpl {
namespace {

std::string string_arg(const Value& v, const std::string& what) {
  if (!v.is_string()) throw EvalFailure(what + " must be a string, not " + type_name(v));
  return v.str();
}

std::optional<std::string> optional_string(const Value& v, const std::string& what) {
  if (v.is_undefined() || v.is_none()) return std::nullopt;
  return string_arg(v, what);
}

int64_t int_arg(const Value& v, int64_t fallback, const std::string& what) {
  if (v.is_undefined() || v.is_none()) return fallback;
  if (!v.is_int() && !v.is_bool()) throw EvalFailure(what + " must be an integer");
  return v.as_int();
}

Value string_list(std::vector<std::string> parts) {
  std::vector<Value> items;
  items.reserve(parts.size());
  for (auto& p : parts) items.push_back(Value::string(std::move(p)));
  return Value::list(std::move(items));
}

// startswith/endswith accept a string or a tuple of strings.
bool affix_match(const std::string& s, const Value& affix, bool at_start, const std::string& fn) {
  auto one = [&](const Value& a) {
    const std::string t = string_arg(a, fn + "() argument");
    if (t.size() > s.size()) return false;
    return at_start ? s.compare(0, t.size(), t) == 0
                    : s.compare(s.size() - t.size(), t.size(), t) == 0;
  };
  if (affix.is_sequence()) {
    return std::any_of(affix.items().begin(), affix.items().end(), one);
  }
  return one(affix);
}

bool all_chars(const std::string& s, bool (*pred)(char)) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), pred);
}

std::optional<Value> string_method(const Value& obj, const std::string& name) {
  const std::string s = obj.str();
  auto method = [&](auto fn) { return Value::callable("str." + name, fn); };
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    const py::StripSide side = name == "strip"    ? py::StripSide::Both
                               : name == "lstrip" ? py::StripSide::Left
                                                  : py::StripSide::Right;
    return method([s, side, name](CallArgs& a) {
      a.expect_at_most(name, {"chars"});
      return Value::string(py::strip(s, optional_string(a.get(0, "chars"), name + " chars"), side));
    });
  }
  if (name == "split" || name == "rsplit") {
    return method([s, name](CallArgs& a) {
      a.expect_at_most(name, {"sep", "maxsplit"});
      const auto sep = optional_string(a.get(0, "sep"), "separator");
      if (sep && sep->empty()) throw EvalFailure("empty separator");
      const int64_t maxsplit = int_arg(a.get(1, "maxsplit"), -1, "maxsplit");
      return string_list(name == "split" ? py::split(s, sep, maxsplit)
                                         : py::rsplit(s, sep, maxsplit));
    });
  }
  if (name == "splitlines") {
    return method([s](CallArgs& a) {
      a.expect_at_most("splitlines", {});
      std::vector<std::string> lines;
      size_t pos = 0;
      while (pos < s.size()) {
        size_t nl = s.find('\n', pos);
        if (nl == std::string::npos) nl = s.size();
        std::string line = s.substr(pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        pos = nl + 1;
      }
      return string_list(std::move(lines));
    });
  }
  if (name == "startswith" || name == "endswith") {
    return method([s, name](CallArgs& a) {
      a.expect_at_most(name, {"prefix"});
      return Value::boolean(affix_match(s, a.get(0, "prefix"), name == "startswith", name));
    });
  }
  if (name == "upper" || name == "lower" || name == "title" || name == "capitalize") {
    return method([s, name](CallArgs& a) {
      a.expect_at_most(name, {});
      if (name == "upper") return Value::string(py::upper(s));
      if (name == "lower") return Value::string(py::lower(s));
      if (name == "title") return Value::string(py::title(s));
      return Value::string(py::capitalize(s));
    });
  }
  if (name == "replace") {
    return method([s](CallArgs& a) {
      a.expect_at_most("replace", {"old", "new", "count"});
      return Value::string(py::replace(s, string_arg(a.get(0, "old"), "replace() old"),
                                       string_arg(a.get(1, "new"), "replace() new"),
                                       int_arg(a.get(2, "count"), -1, "replace() count")));
    });
  }
  if (name == "find" || name == "count" || name == "index") {
    return method([s, name](CallArgs& a) {
      a.expect_at_most(name, {"sub"});
      const std::string sub = string_arg(a.get(0, "sub"), name + "() argument");
      if (name == "count") return Value::integer(py::count(s, sub));
      const int64_t at = py::find(s, sub);
      if (at < 0 && name == "index") throw EvalFailure("substring not found");
      return Value::integer(at);
    });
  }
  if (name == "join") {
    return method([s](CallArgs& a) {
      a.expect_at_most("join", {"iterable"});
      std::string out;
      bool first = true;
      for (const auto& item : iterate(a.get(0, "iterable"))) {
        if (!first) out += s;
        first = false;
        out += string_arg(item, "join() item");
      }
      return Value::string(std::move(out));
    });
  }
  using Pred = bool (*)(char);
  static const std::pair<const char*, Pred> kPredicates[] = {
      {"isdigit", [](char c) { return c >= '0' && c <= '9'; }},
      {"isalpha", [](char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }},
      {"isalnum",
       [](char c) { return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z'); }},
      {"isspace", [](char c) { return py::is_space(c); }},
  };
  for (const auto& [pname, pred] : kPredicates) {
    if (name == pname) {
      return method([s, pred = pred](CallArgs&) { return Value::boolean(all_chars(s, pred)); });
    }
  }
  if (name == "islower" || name == "isupper") {
    return method([s, name](CallArgs&) {
      const bool has_cased = std::any_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      });
      const std::string mapped = name == "islower" ? py::lower(s) : py::upper(s);
      return Value::boolean(has_cased && mapped == s);
    });
  }
  return std::nullopt;
}

Value items_of(const Dict& d) {
  std::vector<Value> items;
  for (const auto& [k, v] : d.entries) items.push_back(Value::tuple({k, v}));
  return Value::list(std::move(items));
}

std::optional<Value> dict_method(const Value& obj, const std::string& name) {
  auto method = [&](auto fn) { return Value::callable("dict." + name, fn); };
  if (name == "items") {
    return method([obj](CallArgs& a) {
      a.expect_at_most("items", {});
      return items_of(obj.entries());
    });
  }
  if (name == "keys" || name == "values") {
    return method([obj, name](CallArgs& a) {
      a.expect_at_most(name, {});
      std::vector<Value> out;
      for (const auto& [k, v] : obj.entries().entries) out.push_back(name == "keys" ? k : v);
      return Value::list(std::move(out));
    });
  }
  if (name == "get") {
    return method([obj](CallArgs& a) {
      a.expect_at_most("get", {"key", "default"});
      const Value* v = obj.entries().find(a.get(0, "key"));
      if (v) return *v;
      const Value fallback = a.get(1, "default");
      return fallback.is_undefined() ? Value::none() : fallback;
    });
  }
  if (name == "pop") {
    return method([obj](CallArgs& a) {
      a.expect_at_most("pop", {"key", "default"});
      const Value key = a.get(0, "key");
      if (const Value* v = obj.entries().find(key)) {
        Value out = *v;
        obj.entries().erase(key);
        return out;
      }
      if (a.has(1, "default")) return a.get(1, "default");
      throw EvalFailure("KeyError: " + repr(key));
    });
  }
  if (name == "update") {
    return method([obj](CallArgs& a) {
      const Value other = a.get(0, "other");
      if (other.is_dict()) {
        for (const auto& [k, v] : other.entries().entries) obj.entries().set(k, v);
      }
      for (const auto& [k, v] : a.keyword) obj.entries().set(k, v);
      return Value::none();
    });
  }
  if (name == "copy") {
    return method([obj](CallArgs&) { return Value::dict(obj.entries()); });
  }
  return std::nullopt;
}

std::optional<Value> list_method(const Value& obj, const std::string& name) {
  auto method = [&](auto fn) { return Value::callable("list." + name, fn); };
  const bool is_list = obj.is_list();
  if (is_list && name == "append") {
    return method([obj](CallArgs& a) {
      a.expect_at_most("append", {"object"});
      obj.items().push_back(a.get(0, "object"));
      return Value::none();
    });
  }
  if (is_list && name == "extend") {
    return method([obj](CallArgs& a) {
      a.expect_at_most("extend", {"iterable"});
      for (auto& v : iterate(a.get(0, "iterable"))) obj.items().push_back(std::move(v));
      return Value::none();
    });
  }
  if (is_list && name == "insert") {
    return method([obj](CallArgs& a) {
      a.expect_at_most("insert", {"index", "object"});
      auto& items = obj.items();
      int64_t i = int_arg(a.get(0, "index"), 0, "insert() index");
      const int64_t n = static_cast<int64_t>(items.size());
      if (i < 0) i = std::max<int64_t>(0, i + n);
      i = std::min(i, n);
      items.insert(items.begin() + i, a.get(1, "object"));
      return Value::none();
    });
  }
  if (is_list && name == "pop") {
    return method([obj](CallArgs& a) {
      a.expect_at_most("pop", {"index"});
      auto& items = obj.items();
      if (items.empty()) throw EvalFailure("pop from empty list");
      int64_t i = int_arg(a.get(0, "index"), -1, "pop() index");
      const int64_t n = static_cast<int64_t>(items.size());
      if (i < 0) i += n;
      if (i < 0 || i >= n) throw EvalFailure("pop index out of range");
      Value out = items[static_cast<size_t>(i)];
      items.erase(items.begin() + i);
      return out;
    });
  }
  if (name == "index" || name == "count") {
    return method([obj, name](CallArgs& a) {
      a.expect_at_most(name, {"value"});
      const Value needle = a.get(0, "value");
      int64_t hits = 0;
      for (size_t i = 0; i < obj.items().size(); ++i) {
        if (!equals(obj.items()[i], needle)) continue;
        if (name == "index") return Value::integer(static_cast<int64_t>(i));
        ++hits;
      }
      if (name == "index") throw EvalFailure(repr(needle) + " is not in list");
      return Value::integer(hits);
    });
  }
  return std::nullopt;
}

}  // namespace

std::optional<Value> bound_method(const Value& obj, const std::string& name) {
  switch (obj.kind()) {
    case ValueKind::String:
      return string_method(obj, name);
    case ValueKind::Dict:
      return dict_method(obj, name);
    case ValueKind::List:
    case ValueKind::Tuple:
      return list_method(obj, name);
    default:
      return std::nullopt;
  }
}

}  // namespace mosaic::tmpl
