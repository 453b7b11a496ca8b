// Python arithmetic and comparison operators on template values.
#pragma once

#include <string>

#include "engine/template/value.h"

namespace mosaic::tmpl {

// op is one of + - * / // % ** ~
Value binary_op(const std::string& op, const Value& a, const Value& b);
Value negate(const Value& a);
// op is one of == != < <= > >= in, "not in"
bool compare_op(const std::string& op, const Value& a, const Value& b);

}  // namespace mosaic::tmpl
