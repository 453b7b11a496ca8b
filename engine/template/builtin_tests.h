// jinja2 tests (`x is defined`, `x is divisibleby 3`, `selectattr('a', 'equalto', 1)`).
#pragma once

#include <string>

#include "engine/template/value.h"

namespace mosaic::tmpl {

bool is_known_test(const std::string& name);
// args holds the test's own arguments (not the tested value).
bool apply_test(const std::string& name, const Value& value, CallArgs& args);

}  // namespace mosaic::tmpl
