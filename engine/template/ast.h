// Syntax tree of a parsed template. One node struct per family (expressions,
// statements) keeps the parser and evaluator small; which fields a node uses
// depends on its kind and is documented next to the kind.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/template/template_error.h"
#include "engine/template/value.h"

namespace mosaic::tmpl {

enum class ExprKind {
  Literal,   // literal
  Name,      // name
  GetAttr,   // args[0].name
  GetItem,   // args[0][args[1]]
  Slice,     // args[0][args[1]:args[2]:args[3]], absent bounds are null
  Call,      // args[0](args[1..], kwargs)
  Filter,    // args[0] | name(args[1..], kwargs)
  Test,      // args[0] is [not] name(args[1..], kwargs); negated
  Negate,    // -args[0]
  Plus,      // +args[0]
  Not,       // not args[0]
  Binary,    // args[0] name args[1]; name in + - * / // % ** ~
  Compare,   // args[0] ops[0] args[1] ops[1] args[2] ...
  And,       // args[0] and args[1]
  Or,        // args[0] or args[1]
  CondExpr,  // args[0] if args[1] else args[2] (args[2] may be null)
  ListLit,   // [args...]
  TupleLit,  // (args...)
  DictLit,   // {args[0]: args[1], args[2]: args[3], ...}
};

struct Expr {
  ExprKind kind = ExprKind::Literal;
  SourcePos pos;
  std::string name;
  Value literal;
  std::vector<std::unique_ptr<Expr>> args;
  std::vector<std::pair<std::string, std::unique_ptr<Expr>>> kwargs;
  std::vector<std::string> ops;
  bool negated = false;
};
using ExprPtr = std::unique_ptr<Expr>;

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

enum class StmtKind {
  Text,         // text
  Emit,         // {{ exprs[0] }}
  If,           // exprs[i] guards bodies[i]; one extra body is the else branch
  For,          // for exprs[0] in exprs[1] [if exprs[2]]: bodies[0], else bodies[1]
  Set,          // set exprs[0] = exprs[1]; target is Name, GetAttr (ns.x) or TupleLit
  SetBlock,     // set name [| filters exprs...] ... endset: bodies[0]
  Macro,        // macro name(params = defaults): bodies[0]
  CallBlock,    // call(params) exprs[0]: bodies[0] becomes `caller`
  FilterBlock,  // filter exprs[0] (a Filter chain on a placeholder): bodies[0]
  With,         // with params = defaults: bodies[0]
  Generation,   // generation ... endgeneration: bodies[0], rendered as is
  Break,
  Continue,
};

struct Stmt {
  StmtKind kind = StmtKind::Text;
  SourcePos pos;
  std::string text;  // Text contents; Macro/SetBlock name
  std::vector<ExprPtr> exprs;
  std::vector<Body> bodies;
  std::vector<std::string> params;  // Macro/CallBlock/With parameter names
  std::vector<ExprPtr> defaults;    // per param, null when required
  bool has_else = false;            // If/For: the last body is the else branch
  bool has_filter = false;          // For: exprs[2] is the loop filter
  bool uses_varargs = false;        // Macro: body reads `varargs` (extra positionals allowed)
  bool uses_kwargs = false;         // Macro: body reads `kwargs` (extra keywords allowed)
};

struct TemplateAst {
  Body body;
};

}  // namespace mosaic::tmpl
