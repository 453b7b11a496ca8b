#include "engine/template/json_value.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/template/py_text.h"

namespace mosaic::tmpl {

Value value_from_json(const Json& json) {
  NestingGuard guard;
  switch (json.type()) {
    case Json::value_t::null:
      return Value::none();
    case Json::value_t::boolean:
      return Value::boolean(json.get<bool>());
    case Json::value_t::number_integer:
      return Value::integer(json.get<int64_t>());
    case Json::value_t::number_unsigned: {
      const auto u = json.get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX)) return Value::number(static_cast<double>(u));
      return Value::integer(static_cast<int64_t>(u));
    }
    case Json::value_t::number_float:
      return Value::number(json.get<double>());
    case Json::value_t::string:
      return Value::string(json.get<std::string>());
    case Json::value_t::array: {
      std::vector<Value> items;
      items.reserve(json.size());
      for (const auto& item : json) items.push_back(value_from_json(item));
      return Value::list(std::move(items));
    }
    case Json::value_t::object: {
      Dict d;
      for (auto it = json.begin(); it != json.end(); ++it) {
        d.entries.emplace_back(Value::string(it.key()), value_from_json(it.value()));
      }
      return Value::dict(std::move(d));
    }
    default:
      throw EvalFailure("binary JSON values cannot be passed to a chat template");
  }
}

namespace {

void append_code_unit(std::string& out, unsigned value) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04x", value);
  out += buf;
}

void append_json_string(std::string& out, const std::string& s, AsciiMode ascii) {
  out += '"';
  const auto starts = py::code_point_starts(s);
  for (size_t i = 0; i + 1 < starts.size(); ++i) {
    const std::string_view cp(s.data() + starts[i], starts[i + 1] - starts[i]);
    const auto c = static_cast<unsigned char>(cp[0]);
    if (cp.size() == 1) {
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
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (c < 0x20 || (c >= 0x80 && ascii == AsciiMode::EscapeNonAscii)) {
            append_code_unit(out, c);
          } else {
            out += cp;
          }
      }
      continue;
    }
    if (ascii == AsciiMode::KeepUnicode) {
      out += cp;
      continue;
    }
    unsigned code = 0;
    if (cp.size() == 2) code = ((c & 0x1F) << 6) | (cp[1] & 0x3F);
    if (cp.size() == 3) code = ((c & 0x0F) << 12) | ((cp[1] & 0x3F) << 6) | (cp[2] & 0x3F);
    if (cp.size() == 4) {
      code = ((c & 0x07) << 18) | ((cp[1] & 0x3F) << 12) | ((cp[2] & 0x3F) << 6) | (cp[3] & 0x3F);
    }
    if (code >= 0x10000) {
      code -= 0x10000;
      append_code_unit(out, 0xD800 + (code >> 10));
      append_code_unit(out, 0xDC00 + (code & 0x3FF));
    } else {
      append_code_unit(out, code);
    }
  }
  out += '"';
}

std::string float_json(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return py::float_repr(d);
}

// Python converts non-string keys: True -> "true", None -> "null", 1.5 -> "1.5".
std::string key_text(const Value& key) {
  switch (key.kind()) {
    case ValueKind::String:
      return key.str();
    case ValueKind::Bool:
      return key.as_bool() ? "true" : "false";
    case ValueKind::None:
      return "null";
    case ValueKind::Int:
      return std::to_string(key.as_int());
    case ValueKind::Float:
      return float_json(key.as_double());
    default:
      throw EvalFailure("keys must be str, int, float, bool or None, not " + type_name(key));
  }
}

void dump(std::string& out, const Value& v, const JsonDumpStyle& style, int depth) {
  NestingGuard guard;
  auto newline = [&](int level) {
    if (!style.indent) return;
    out += '\n';
    for (int i = 0; i < level; ++i) out += *style.indent;
  };
  switch (v.kind()) {
    case ValueKind::None:
      out += "null";
      return;
    case ValueKind::Bool:
      out += v.as_bool() ? "true" : "false";
      return;
    case ValueKind::Int:
      out += std::to_string(v.as_int());
      return;
    case ValueKind::Float:
      out += float_json(v.as_double());
      return;
    case ValueKind::String:
      append_json_string(out, v.str(), style.ascii);
      return;
    case ValueKind::List:
    case ValueKind::Tuple: {
      const auto& items = v.items();
      if (items.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += style.item_separator;
        newline(depth + 1);
        dump(out, items[i], style, depth + 1);
      }
      newline(depth);
      out += ']';
      return;
    }
    case ValueKind::Dict: {
      std::vector<const std::pair<Value, Value>*> entries;
      for (const auto& e : v.entries().entries) entries.push_back(&e);
      if (entries.empty()) {
        out += "{}";
        return;
      }
      if (style.key_order == KeyOrder::Sorted) {
        std::stable_sort(entries.begin(), entries.end(),
                         [](auto* a, auto* b) { return less_than(a->first, b->first); });
      }
      out += '{';
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i) out += style.item_separator;
        newline(depth + 1);
        append_json_string(out, key_text(entries[i]->first), style.ascii);
        out += style.key_separator;
        dump(out, entries[i]->second, style, depth + 1);
      }
      newline(depth);
      out += '}';
      return;
    }
    default:
      throw EvalFailure("Object of type " + type_name(v) + " is not JSON serializable");
  }
}

}  // namespace

std::string json_dumps(const Value& value, const JsonDumpStyle& style) {
  std::string out;
  dump(out, value, style, 0);
  return out;
}

}  // namespace mosaic::tmpl
