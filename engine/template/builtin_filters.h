// jinja2 filters used by chat templates (`x | tojson`, `items | selectattr(...)`).
// tojson follows Hugging Face's override: json.dumps(x, ensure_ascii=False,
// indent=None, separators=None, sort_keys=False), without HTML escaping.
#pragma once

#include <string>

#include "engine/template/value.h"

namespace mosaic::tmpl {

bool is_known_filter(const std::string& name);
// args holds the filter's own arguments (not the filtered value).
Value apply_filter(const std::string& name, const Value& value, CallArgs& args);

}  // namespace mosaic::tmpl
