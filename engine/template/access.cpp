#include "engine/template/access.h"

#include <cstdlib>

#include "engine/template/py_text.h"

namespace mosaic::tmpl {
namespace {

std::string object_label(const Value& obj) {
  std::string label(1, '\'');
  label += type_name(obj);
  label += " object'";
  return label;
}

// Python index normalisation; nullopt when out of range.
std::optional<size_t> normalize_index(int64_t index, size_t size) {
  const int64_t n = static_cast<int64_t>(size);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return std::nullopt;
  return static_cast<size_t>(index);
}

}  // namespace

Value get_attr(const Value& obj, const std::string& name) {
  if (obj.is_undefined()) fail_undefined(obj);
  if (auto method = bound_method(obj, name)) return *method;
  if (obj.is_dict() || obj.is_namespace()) {
    if (const Value* v = obj.entries().find(name)) return *v;
  }
  return Value::undefined(object_label(obj) + " has no attribute '" + name + "'");
}

Value get_item(const Value& obj, const Value& key) {
  if (obj.is_undefined()) fail_undefined(obj);
  switch (obj.kind()) {
    case ValueKind::Dict:
      if (const Value* v = obj.entries().find(key)) return *v;
      break;
    case ValueKind::List:
    case ValueKind::Tuple:
      if (key.is_int() || key.is_bool()) {
        if (auto i = normalize_index(key.as_int(), obj.items().size())) return obj.items()[*i];
        return Value::undefined(object_label(obj) + " has no element " + to_str(key));
      }
      break;
    case ValueKind::String:
      if (key.is_int() || key.is_bool()) {
        const auto starts = py::code_point_starts(obj.str());
        if (auto i = normalize_index(key.as_int(), starts.size() - 1)) {
          return Value::string(obj.str().substr(starts[*i], starts[*i + 1] - starts[*i]));
        }
        return Value::undefined(object_label(obj) + " has no element " + to_str(key));
      }
      break;
    default:
      break;
  }
  if (key.is_string()) return get_attr(obj, key.str());
  return Value::undefined(object_label(obj) + " has no element " + repr(key));
}

Value slice(const Value& obj, std::optional<int64_t> start, std::optional<int64_t> stop,
            std::optional<int64_t> step_opt) {
  if (obj.is_undefined()) fail_undefined(obj);
  const int64_t step = step_opt.value_or(1);
  if (step == 0) throw EvalFailure("slice step cannot be zero");
  std::vector<size_t> starts;
  int64_t n = 0;
  if (obj.is_string()) {
    starts = py::code_point_starts(obj.str());
    n = static_cast<int64_t>(starts.size()) - 1;
  } else if (obj.is_sequence()) {
    n = static_cast<int64_t>(obj.items().size());
  } else {
    throw EvalFailure("'" + type_name(obj) + "' object is not subscriptable");
  }
  // CPython's PySlice_AdjustIndices.
  auto adjust = [&](std::optional<int64_t> v, int64_t def) {
    if (!v) return def;
    int64_t x = *v;
    if (x < 0) {
      x += n;
      if (x < 0) x = step < 0 ? -1 : 0;
    } else if (x >= n) {
      x = step < 0 ? n - 1 : n;
    }
    return x;
  };
  const int64_t lo = adjust(start, step < 0 ? n - 1 : 0);
  const int64_t hi = adjust(stop, step < 0 ? -1 : n);
  std::vector<int64_t> picked;
  for (int64_t i = lo; step > 0 ? i < hi : i > hi; i += step) picked.push_back(i);
  if (obj.is_string()) {
    std::string out;
    for (int64_t i : picked) {
      out += obj.str().substr(starts[i], starts[i + 1] - starts[i]);
    }
    return Value::string(std::move(out));
  }
  std::vector<Value> items;
  for (int64_t i : picked) items.push_back(obj.items()[static_cast<size_t>(i)]);
  return obj.is_tuple() ? Value::tuple(std::move(items)) : Value::list(std::move(items));
}

Value get_attr_path(const Value& obj, const std::string& path) {
  Value current = obj;
  size_t pos = 0;
  while (true) {
    const size_t dot = path.find('.', pos);
    const std::string part =
        path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    char* end = nullptr;
    const long long index = std::strtoll(part.c_str(), &end, 10);
    if (!part.empty() && end && *end == '\0') {
      current = get_item(current, Value::integer(index));
    } else {
      current = get_item(current, Value::string(part));
    }
    if (dot == std::string::npos) return current;
    if (current.is_undefined()) return current;
    pos = dot + 1;
  }
}

}  // namespace mosaic::tmpl
