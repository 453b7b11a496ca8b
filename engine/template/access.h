// Attribute and item lookup with jinja2's fallbacks: `obj.name` tries the
// Python attribute (methods such as str.split, dict.items) and then the item
// obj['name']; `obj[key]` tries the item and then the attribute. Missing
// entries give Undefined carrying jinja2's message, which only fails when the
// value is used.
#pragma once

#include <optional>
#include <string>

#include "engine/template/value.h"

namespace mosaic::tmpl {

Value get_attr(const Value& obj, const std::string& name);
Value get_item(const Value& obj, const Value& key);
// obj[start:stop:step]; absent bounds are nullopt, like Python's None.
Value slice(const Value& obj, std::optional<int64_t> start, std::optional<int64_t> stop,
            std::optional<int64_t> step);
// Bound Python methods (str.strip, list.append, dict.get, ...); nullopt when
// `obj` has no method of that name.
std::optional<Value> bound_method(const Value& obj, const std::string& name);

// "a.b.0" style paths used by filters (map(attribute=...), sort(attribute=...)).
Value get_attr_path(const Value& obj, const std::string& path);

}  // namespace mosaic::tmpl
