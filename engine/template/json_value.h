// Conversions between nlohmann JSON and template values, and the text of
// Python's json.dumps(), which Hugging Face's `tojson` filter calls.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/template/value.h"

namespace mosaic::tmpl {

// Ordered so that objects keep the key order the caller wrote, as Python
// dicts do; tool schemas rendered with tojson depend on it.
using Json = nlohmann::ordered_json;

Value value_from_json(const Json& json);

enum class AsciiMode { KeepUnicode, EscapeNonAscii };
enum class KeyOrder { AsInserted, Sorted };

struct JsonDumpStyle {
  std::optional<std::string> indent;  // nullopt: one line; "" or "    ": newline + indent
  std::string item_separator = ", ";
  std::string key_separator = ": ";
  AsciiMode ascii = AsciiMode::KeepUnicode;
  KeyOrder key_order = KeyOrder::AsInserted;
};

// json.dumps(value, ...) with the given style; fails for Undefined, callables
// and namespaces like Python does for non-serializable objects.
std::string json_dumps(const Value& value, const JsonDumpStyle& style);

}  // namespace mosaic::tmpl
