// Parser from tokens to the syntax tree, following jinja2's grammar and
// operator precedence (parser.py: condexpr > or > and > not > compare >
// + - > ~ > * / // % > ** > unary > postfix/filters/tests).
#pragma once

#include <string_view>

#include "engine/template/ast.h"

namespace mosaic::tmpl {

// Throws TemplateError (Syntax) with line:column, also for tags and filters
// this engine does not implement.
TemplateAst parse_template(std::string_view source);

}  // namespace mosaic::tmpl
