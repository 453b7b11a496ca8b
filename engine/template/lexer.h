// Lexer for jinja2 templates configured the way Hugging Face renders chat
// templates: trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False.
// Whitespace control ({%- -%}, {{- -}}, {#- -#}, {%+ +%}) and {% raw %} are
// resolved here, so the parser only sees text and tag tokens.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/template/template_error.h"

namespace mosaic::tmpl {

enum class TokenKind {
  Text,        // literal template text, whitespace control already applied
  VarBegin,    // {{
  VarEnd,      // }}
  BlockBegin,  // {%
  BlockEnd,    // %}
  Name,
  String,
  Integer,
  Float,
  Operator,  // + - * / // % ** ~ ( ) [ ] { } , . : | = == != < <= > >=
  End,
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;  // name, decoded string, operator, or template text
  int64_t int_value = 0;
  double float_value = 0.0;
  SourcePos pos;
};

// Throws TemplateError (Syntax) with the line:column of the problem.
std::vector<Token> tokenize(std::string_view source);

}  // namespace mosaic::tmpl
