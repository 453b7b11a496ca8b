// Tree-walking evaluator: renders a parsed template with jinja2's scoping
// (for-loop bodies and macros get their own scope; `set` inside a loop does
// not leak out, which is why templates use namespace()).
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>

#include "engine/template/ast.h"
#include "engine/template/value.h"

namespace mosaic::tmpl {

using Variables = std::unordered_map<std::string, Value>;

struct RenderLimits {
  size_t max_output_bytes = 64u * 1024 * 1024;
  int max_call_depth = 64;                  // macro recursion
  int64_t max_loop_iterations = 1'000'000;  // over the whole render
};

// Renders `ast` with `globals` (functions and the caller's variables) as the
// outermost scope. Throws TemplateError.
std::string render_ast(const TemplateAst& ast, const Variables& globals,
                       const RenderLimits& limits);

}  // namespace mosaic::tmpl
