#include "engine/template/parser.h"

#include <algorithm>
#include <initializer_list>

#include "engine/template/builtin_filters.h"
#include "engine/template/builtin_tests.h"
#include "engine/template/lexer.h"

namespace mosaic::tmpl {
namespace {

// Deep nesting only comes from broken or hostile input; refuse it before the
// C++ stack runs out.
constexpr int kMaxNesting = 200;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  TemplateAst parse() {
    TemplateAst ast;
    ast.body = parse_body({});
    if (peek().kind != TokenKind::End) fail(peek(), "unexpected tag");
    return ast;
  }

 private:
  const Token& peek(size_t ahead = 0) const {
    const size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  [[noreturn]] void fail(const Token& at, const std::string& message) const {
    throw TemplateError(TemplateErrorKind::Syntax, at.pos, message);
  }
  static std::string describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::End:
        return "end of template";
      case TokenKind::Text:
        return "template text";
      case TokenKind::BlockEnd:
        return "'%}'";
      case TokenKind::VarEnd:
        return "'}}'";
      case TokenKind::String:
        return "string literal";
      default:
        return "'" + t.text + "'";
    }
  }
  bool is_op(const Token& t, std::string_view op) const {
    return t.kind == TokenKind::Operator && t.text == op;
  }
  bool is_name(const Token& t, std::string_view name) const {
    return t.kind == TokenKind::Name && t.text == name;
  }
  bool accept_op(std::string_view op) {
    if (!is_op(peek(), op)) return false;
    next();
    return true;
  }
  bool accept_name(std::string_view name) {
    if (!is_name(peek(), name)) return false;
    next();
    return true;
  }
  void expect_op(std::string_view op) {
    if (!accept_op(op)) {
      fail(peek(), "expected '" + std::string(op) + "', got " + describe(peek()));
    }
  }
  std::string expect_identifier() {
    if (peek().kind != TokenKind::Name) fail(peek(), "expected a name, got " + describe(peek()));
    return next().text;
  }
  void expect_block_end() {
    if (peek().kind != TokenKind::BlockEnd) {
      fail(peek(), "expected '%}', got " + describe(peek()));
    }
    next();
  }

  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser, const Token& at) : p(parser) {
      if (++p.depth_ > kMaxNesting) p.fail(at, "template nested too deeply");
    }
    ~DepthGuard() { --p.depth_; }
  };

  // ---- statements ----

  // Parses until a block tag whose name is in `end_names`; leaves the
  // BlockBegin and name in place for the caller.
  Body parse_body(std::initializer_list<std::string_view> end_names) {
    Body body;
    while (true) {
      const Token& t = peek();
      if (t.kind == TokenKind::End) {
        if (end_names.size() == 0) return body;
        std::string expected;
        for (auto n : end_names)
          expected += (expected.empty() ? "'" : " or '") + std::string(n) + "'";
        fail(t, "unexpected end of template, expected " + expected);
      }
      if (t.kind == TokenKind::Text) {
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::Text;
        s->pos = t.pos;
        s->text = t.text;
        body.push_back(std::move(s));
        next();
      } else if (t.kind == TokenKind::VarBegin) {
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::Emit;
        s->pos = t.pos;
        next();
        s->exprs.push_back(parse_tuple(TupleMode::WithCondExpr));
        if (peek().kind != TokenKind::VarEnd)
          fail(peek(), "expected '}}', got " + describe(peek()));
        next();
        body.push_back(std::move(s));
      } else if (t.kind == TokenKind::BlockBegin) {
        const Token& name = peek(1);
        if (name.kind == TokenKind::Name &&
            std::find(end_names.begin(), end_names.end(), name.text) != end_names.end()) {
          return body;
        }
        body.push_back(parse_statement());
      } else {
        fail(t, "unexpected " + describe(t));
      }
    }
  }

  // Consumes `{% name %}` for an end tag found by parse_body.
  void consume_end(std::string_view name) {
    next();  // BlockBegin
    const Token& t = next();
    if (t.text != name) fail(t, "expected '" + std::string(name) + "'");
    expect_block_end();
  }

  StmtPtr parse_statement() {
    const Token& begin = next();  // {%
    DepthGuard guard(*this, begin);
    const Token& tag = peek();
    if (tag.kind != TokenKind::Name) fail(tag, "expected a tag name, got " + describe(tag));
    const std::string name = next().text;
    auto s = std::make_unique<Stmt>();
    s->pos = tag.pos;
    if (name == "if") return parse_if(std::move(s));
    if (name == "for") return parse_for(std::move(s));
    if (name == "set") return parse_set(std::move(s));
    if (name == "macro") return parse_macro(std::move(s));
    if (name == "call") return parse_call_block(std::move(s));
    if (name == "filter") return parse_filter_block(std::move(s));
    if (name == "with") return parse_with(std::move(s));
    if (name == "generation") {
      s->kind = StmtKind::Generation;
      expect_block_end();
      s->bodies.push_back(parse_body({"endgeneration"}));
      consume_end("endgeneration");
      return s;
    }
    if (name == "break" || name == "continue") {
      if (loop_depth_ == 0) fail(tag, "'" + name + "' outside of a for loop");
      s->kind = name == "break" ? StmtKind::Break : StmtKind::Continue;
      expect_block_end();
      return s;
    }
    static const char* const kUnsupported[] = {"include",    "import", "from",  "extends",  "block",
                                               "autoescape", "do",     "trans", "pluralize"};
    for (const char* u : kUnsupported) {
      if (name == u) fail(tag, "the '" + name + "' tag is not supported in chat templates");
    }
    fail(tag, "unknown tag '" + name + "'");
  }

  StmtPtr parse_if(StmtPtr s) {
    s->kind = StmtKind::If;
    s->exprs.push_back(parse_tuple(TupleMode::WithCondExpr));
    expect_block_end();
    while (true) {
      s->bodies.push_back(parse_body({"elif", "else", "endif"}));
      next();  // {%
      const std::string tag = next().text;
      if (tag == "elif") {
        s->exprs.push_back(parse_tuple(TupleMode::WithCondExpr));
        expect_block_end();
        continue;
      }
      expect_block_end();
      if (tag == "else") {
        s->has_else = true;
        s->bodies.push_back(parse_body({"endif"}));
        consume_end("endif");
      }
      return s;
    }
  }

  StmtPtr parse_for(StmtPtr s) {
    s->kind = StmtKind::For;
    s->exprs.push_back(parse_assign_target(TargetMode::NamesOnly));
    if (!accept_name("in")) fail(peek(), "expected 'in', got " + describe(peek()));
    s->exprs.push_back(parse_tuple(TupleMode::NoCondExpr));
    if (accept_name("if")) {
      s->has_filter = true;
      s->exprs.push_back(parse_expression(CondMode::WithCondExpr));
    }
    if (is_name(peek(), "recursive")) fail(peek(), "recursive for loops are not supported");
    expect_block_end();
    ++loop_depth_;
    s->bodies.push_back(parse_body({"else", "endfor"}));
    --loop_depth_;
    next();
    const std::string tag = next().text;
    expect_block_end();
    if (tag == "else") {
      s->has_else = true;
      s->bodies.push_back(parse_body({"endfor"}));
      consume_end("endfor");
    }
    return s;
  }

  StmtPtr parse_set(StmtPtr s) {
    ExprPtr target = parse_assign_target(TargetMode::AllowAttribute);
    if (accept_op("=")) {
      s->kind = StmtKind::Set;
      s->exprs.push_back(std::move(target));
      s->exprs.push_back(parse_tuple(TupleMode::WithCondExpr));
      expect_block_end();
      return s;
    }
    if (target->kind != ExprKind::Name) fail(peek(), "expected '=' in set");
    s->kind = StmtKind::SetBlock;
    s->text = target->name;
    while (accept_op("|")) s->exprs.push_back(parse_filter_call(nullptr));
    expect_block_end();
    s->bodies.push_back(parse_body({"endset"}));
    consume_end("endset");
    return s;
  }

  void parse_params(Stmt& s) {
    expect_op("(");
    while (!accept_op(")")) {
      if (!s.params.empty()) expect_op(",");
      if (accept_op(")")) break;
      s.params.push_back(expect_identifier());
      s.defaults.push_back(accept_op("=") ? parse_expression(CondMode::WithCondExpr) : nullptr);
    }
  }

  StmtPtr parse_macro(StmtPtr s) {
    s->kind = StmtKind::Macro;
    s->text = expect_identifier();
    parse_params(*s);
    expect_block_end();
    s->bodies.push_back(parse_body({"endmacro"}));
    consume_end("endmacro");
    // jinja2 only accepts surplus arguments when the body reads varargs/kwargs.
    s->uses_varargs = body_reads(s->bodies[0], "varargs");
    s->uses_kwargs = body_reads(s->bodies[0], "kwargs");
    return s;
  }

  static bool expr_reads(const Expr* e, const std::string& name) {
    if (!e) return false;
    if (e->kind == ExprKind::Name && e->name == name) return true;
    for (const auto& a : e->args) {
      if (expr_reads(a.get(), name)) return true;
    }
    for (const auto& [k, v] : e->kwargs) {
      if (expr_reads(v.get(), name)) return true;
    }
    return false;
  }

  static bool body_reads(const Body& body, const std::string& name) {
    for (const auto& s : body) {
      for (const auto& e : s->exprs) {
        if (expr_reads(e.get(), name)) return true;
      }
      for (const auto& d : s->defaults) {
        if (expr_reads(d.get(), name)) return true;
      }
      for (const auto& b : s->bodies) {
        if (body_reads(b, name)) return true;
      }
    }
    return false;
  }

  StmtPtr parse_call_block(StmtPtr s) {
    s->kind = StmtKind::CallBlock;
    if (is_op(peek(), "(")) parse_params(*s);
    ExprPtr call = parse_expression(CondMode::WithCondExpr);
    if (call->kind != ExprKind::Call) fail(peek(), "expected a macro call after 'call'");
    s->exprs.push_back(std::move(call));
    expect_block_end();
    s->bodies.push_back(parse_body({"endcall"}));
    consume_end("endcall");
    return s;
  }

  StmtPtr parse_filter_block(StmtPtr s) {
    s->kind = StmtKind::FilterBlock;
    do {
      s->exprs.push_back(parse_filter_call(nullptr));
    } while (accept_op("|"));
    expect_block_end();
    s->bodies.push_back(parse_body({"endfilter"}));
    consume_end("endfilter");
    return s;
  }

  StmtPtr parse_with(StmtPtr s) {
    s->kind = StmtKind::With;
    while (peek().kind != TokenKind::BlockEnd) {
      if (!s->params.empty()) expect_op(",");
      s->params.push_back(expect_identifier());
      expect_op("=");
      s->defaults.push_back(parse_expression(CondMode::WithCondExpr));
    }
    expect_block_end();
    s->bodies.push_back(parse_body({"endwith"}));
    consume_end("endwith");
    return s;
  }

  enum class TargetMode { NamesOnly, AllowAttribute };

  ExprPtr parse_assign_target(TargetMode mode) {
    auto one = [&]() -> ExprPtr {
      const Token& t = peek();
      if (accept_op("(")) {
        ExprPtr inner = parse_assign_target(mode);
        expect_op(")");
        return inner;
      }
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::Name;
      e->pos = t.pos;
      e->name = expect_identifier();
      if (mode == TargetMode::AllowAttribute && is_op(peek(), ".")) {
        next();
        auto attr = std::make_unique<Expr>();
        attr->kind = ExprKind::GetAttr;
        attr->pos = t.pos;
        attr->name = expect_identifier();
        attr->args.push_back(std::move(e));
        return attr;
      }
      return e;
    };
    ExprPtr first = one();
    if (!is_op(peek(), ",")) return first;
    auto tuple = std::make_unique<Expr>();
    tuple->kind = ExprKind::TupleLit;
    tuple->pos = first->pos;
    tuple->args.push_back(std::move(first));
    while (accept_op(",")) {
      if (is_name(peek(), "in") || is_op(peek(), "=")) break;
      tuple->args.push_back(one());
    }
    return tuple;
  }

  // ---- expressions ----

  enum class CondMode { WithCondExpr, NoCondExpr };
  enum class TupleMode { WithCondExpr, NoCondExpr };

  ExprPtr make(ExprKind kind, SourcePos pos) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->pos = pos;
    return e;
  }

  // Comma-separated expressions without brackets form a tuple (`{% set a, b = 1, 2 %}`).
  ExprPtr parse_tuple(TupleMode mode) {
    const SourcePos pos = peek().pos;
    const CondMode cond =
        mode == TupleMode::WithCondExpr ? CondMode::WithCondExpr : CondMode::NoCondExpr;
    ExprPtr first = parse_expression(cond);
    if (!is_op(peek(), ",")) return first;
    auto tuple = make(ExprKind::TupleLit, pos);
    tuple->args.push_back(std::move(first));
    while (accept_op(",")) {
      if (ends_tuple(peek())) break;
      tuple->args.push_back(parse_expression(cond));
    }
    return tuple;
  }

  bool ends_tuple(const Token& t) const {
    return t.kind == TokenKind::BlockEnd || t.kind == TokenKind::VarEnd ||
           t.kind == TokenKind::End || is_op(t, ")") || is_op(t, "=") || is_name(t, "if");
  }

  ExprPtr parse_expression(CondMode mode) {
    DepthGuard guard(*this, peek());
    return mode == CondMode::WithCondExpr ? parse_condexpr() : parse_or();
  }

  ExprPtr parse_condexpr() {
    ExprPtr expr = parse_or();
    while (is_name(peek(), "if")) {
      const SourcePos pos = next().pos;
      auto cond = make(ExprKind::CondExpr, pos);
      ExprPtr test = parse_or();
      ExprPtr otherwise = accept_name("else") ? parse_condexpr() : nullptr;
      cond->args.push_back(std::move(expr));
      cond->args.push_back(std::move(test));
      cond->args.push_back(std::move(otherwise));
      expr = std::move(cond);
    }
    return expr;
  }

  ExprPtr parse_or() {
    ExprPtr left = parse_and();
    while (is_name(peek(), "or")) {
      auto e = make(ExprKind::Or, next().pos);
      e->args.push_back(std::move(left));
      e->args.push_back(parse_and());
      left = std::move(e);
    }
    return left;
  }

  ExprPtr parse_and() {
    ExprPtr left = parse_not();
    while (is_name(peek(), "and")) {
      auto e = make(ExprKind::And, next().pos);
      e->args.push_back(std::move(left));
      e->args.push_back(parse_not());
      left = std::move(e);
    }
    return left;
  }

  ExprPtr parse_not() {
    if (is_name(peek(), "not")) {
      DepthGuard guard(*this, peek());
      auto e = make(ExprKind::Not, next().pos);
      e->args.push_back(parse_not());
      return e;
    }
    return parse_compare();
  }

  ExprPtr parse_compare() {
    const SourcePos pos = peek().pos;
    ExprPtr first = parse_math1();
    ExprPtr cmp;
    while (true) {
      std::string op;
      const Token& t = peek();
      if (t.kind == TokenKind::Operator && (t.text == "==" || t.text == "!=" || t.text == "<" ||
                                            t.text == "<=" || t.text == ">" || t.text == ">=")) {
        op = t.text;
        next();
      } else if (is_name(t, "in")) {
        op = "in";
        next();
      } else if (is_name(t, "not") && is_name(peek(1), "in")) {
        op = "not in";
        next();
        next();
      } else {
        break;
      }
      if (!cmp) {
        cmp = make(ExprKind::Compare, pos);
        cmp->args.push_back(std::move(first));
      }
      cmp->ops.push_back(op);
      cmp->args.push_back(parse_math1());
    }
    return cmp ? std::move(cmp) : std::move(first);
  }

  ExprPtr binary(std::string op, ExprPtr left, ExprPtr right, SourcePos pos) {
    auto e = make(ExprKind::Binary, pos);
    e->name = std::move(op);
    e->args.push_back(std::move(left));
    e->args.push_back(std::move(right));
    return e;
  }

  ExprPtr parse_math1() {
    ExprPtr left = parse_concat();
    while (is_op(peek(), "+") || is_op(peek(), "-")) {
      const Token& op = next();
      left = binary(op.text, std::move(left), parse_concat(), op.pos);
    }
    return left;
  }

  ExprPtr parse_concat() {
    ExprPtr left = parse_math2();
    while (is_op(peek(), "~")) {
      const Token& op = next();
      left = binary("~", std::move(left), parse_math2(), op.pos);
    }
    return left;
  }

  ExprPtr parse_math2() {
    ExprPtr left = parse_pow();
    while (is_op(peek(), "*") || is_op(peek(), "/") || is_op(peek(), "//") || is_op(peek(), "%")) {
      const Token& op = next();
      left = binary(op.text, std::move(left), parse_pow(), op.pos);
    }
    return left;
  }

  ExprPtr parse_pow() {
    ExprPtr left = parse_unary(FilterMode::WithFilters);
    while (is_op(peek(), "**")) {
      const Token& op = next();
      left = binary("**", std::move(left), parse_unary(FilterMode::WithFilters), op.pos);
    }
    return left;
  }

  enum class FilterMode { WithFilters, NoFilters };

  ExprPtr parse_unary(FilterMode filters) {
    DepthGuard guard(*this, peek());
    ExprPtr node;
    if (is_op(peek(), "-") || is_op(peek(), "+")) {
      const Token& op = next();
      node = make(op.text == "-" ? ExprKind::Negate : ExprKind::Plus, op.pos);
      node->args.push_back(parse_unary(FilterMode::NoFilters));
    } else {
      node = parse_primary();
    }
    node = parse_postfix(std::move(node));
    if (filters == FilterMode::WithFilters) node = parse_filter_expr(std::move(node));
    return node;
  }

  ExprPtr parse_primary() {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::Name: {
        next();
        if (t.text == "true" || t.text == "True") return literal(Value::boolean(true), t.pos);
        if (t.text == "false" || t.text == "False") return literal(Value::boolean(false), t.pos);
        if (t.text == "none" || t.text == "None") return literal(Value::none(), t.pos);
        auto e = make(ExprKind::Name, t.pos);
        e->name = t.text;
        return e;
      }
      case TokenKind::String: {
        std::string text = next().text;
        // Adjacent string literals concatenate, as in Python.
        while (peek().kind == TokenKind::String) text += next().text;
        return literal(Value::string(std::move(text)), t.pos);
      }
      case TokenKind::Integer:
        next();
        return literal(Value::integer(t.int_value), t.pos);
      case TokenKind::Float:
        next();
        return literal(Value::number(t.float_value), t.pos);
      case TokenKind::Operator:
        if (t.text == "(") {
          next();
          if (accept_op(")")) return make(ExprKind::TupleLit, t.pos);
          ExprPtr inner = parse_tuple(TupleMode::WithCondExpr);
          if (inner->kind == ExprKind::TupleLit || !is_op(peek(), ")")) {
            // `(a, b)` or `(a,)`: parse_tuple already built the tuple.
          }
          expect_op(")");
          return inner;
        }
        if (t.text == "[") {
          next();
          auto list = make(ExprKind::ListLit, t.pos);
          while (!accept_op("]")) {
            if (!list->args.empty()) {
              expect_op(",");
              if (accept_op("]")) break;
            }
            list->args.push_back(parse_expression(CondMode::WithCondExpr));
          }
          return list;
        }
        if (t.text == "{") {
          next();
          auto dict = make(ExprKind::DictLit, t.pos);
          while (!accept_op("}")) {
            if (!dict->args.empty()) {
              expect_op(",");
              if (accept_op("}")) break;
            }
            dict->args.push_back(parse_expression(CondMode::WithCondExpr));
            expect_op(":");
            dict->args.push_back(parse_expression(CondMode::WithCondExpr));
          }
          return dict;
        }
        break;
      default:
        break;
    }
    fail(t, "unexpected " + describe(t) + " in expression");
  }

  ExprPtr literal(Value v, SourcePos pos) {
    auto e = make(ExprKind::Literal, pos);
    e->literal = std::move(v);
    return e;
  }

  ExprPtr parse_postfix(ExprPtr node) {
    while (true) {
      const Token& t = peek();
      if (is_op(t, ".")) {
        next();
        const Token& attr = next();
        if (attr.kind == TokenKind::Name) {
          auto e = make(ExprKind::GetAttr, attr.pos);
          e->name = attr.text;
          e->args.push_back(std::move(node));
          node = std::move(e);
        } else if (attr.kind == TokenKind::Integer) {
          auto e = make(ExprKind::GetItem, attr.pos);
          e->args.push_back(std::move(node));
          e->args.push_back(literal(Value::integer(attr.int_value), attr.pos));
          node = std::move(e);
        } else {
          fail(attr, "expected an attribute name after '.', got " + describe(attr));
        }
      } else if (is_op(t, "[")) {
        next();
        node = parse_subscript(std::move(node), t.pos);
      } else if (is_op(t, "(")) {
        node = parse_call(std::move(node));
      } else {
        return node;
      }
    }
  }

  ExprPtr parse_subscript(ExprPtr node, SourcePos pos) {
    ExprPtr parts[3];
    bool is_slice = false;
    int part = 0;
    while (!accept_op("]")) {
      if (accept_op(":")) {
        is_slice = true;
        if (++part > 2) fail(peek(), "too many ':' in slice");
        continue;
      }
      if (parts[part]) fail(peek(), "expected ']' or ':', got " + describe(peek()));
      parts[part] = parse_expression(CondMode::WithCondExpr);
    }
    if (!is_slice) {
      if (!parts[0]) fail(peek(), "empty subscript");
      auto e = make(ExprKind::GetItem, pos);
      e->args.push_back(std::move(node));
      e->args.push_back(std::move(parts[0]));
      return e;
    }
    auto e = make(ExprKind::Slice, pos);
    e->args.push_back(std::move(node));
    for (auto& p : parts) e->args.push_back(std::move(p));
    return e;
  }

  void parse_call_args(Expr& call) {
    expect_op("(");
    bool first = true;
    while (!accept_op(")")) {
      if (!first) {
        expect_op(",");
        if (accept_op(")")) break;
      }
      first = false;
      if (is_op(peek(), "*") || is_op(peek(), "**")) {
        fail(peek(), "*args and **kwargs in calls are not supported");
      }
      if (peek().kind == TokenKind::Name && is_op(peek(1), "=")) {
        std::string key = next().text;
        next();
        call.kwargs.emplace_back(std::move(key), parse_expression(CondMode::WithCondExpr));
      } else {
        if (!call.kwargs.empty()) fail(peek(), "positional argument follows keyword argument");
        call.args.push_back(parse_expression(CondMode::WithCondExpr));
      }
    }
  }

  ExprPtr parse_call(ExprPtr callee) {
    auto e = make(ExprKind::Call, peek().pos);
    e->args.push_back(std::move(callee));
    parse_call_args(*e);
    return e;
  }

  // `name` or `name(args)` after '|'; input may be null for filter blocks.
  ExprPtr parse_filter_call(ExprPtr input) {
    const Token& t = peek();
    std::string name = expect_identifier();
    while (accept_op(".")) {
      name += '.';
      name += expect_identifier();
    }
    if (!is_known_filter(name)) fail(t, "no filter named '" + name + "'");
    auto e = make(ExprKind::Filter, t.pos);
    e->name = name;
    e->args.push_back(std::move(input));
    if (is_op(peek(), "(")) parse_call_args(*e);
    return e;
  }

  ExprPtr parse_filter_expr(ExprPtr node) {
    while (true) {
      if (accept_op("|")) {
        node = parse_filter_call(std::move(node));
      } else if (is_name(peek(), "is")) {
        node = parse_test(std::move(node));
      } else if (is_op(peek(), "(")) {
        node = parse_call(std::move(node));
      } else {
        return node;
      }
    }
  }

  ExprPtr parse_test(ExprPtr node) {
    next();  // is
    const bool negated = accept_name("not");
    const Token& t = peek();
    std::string name = expect_identifier();
    while (accept_op(".")) {
      name += '.';
      name += expect_identifier();
    }
    if (!is_known_test(name)) fail(t, "no test named '" + name + "'");
    auto e = make(ExprKind::Test, t.pos);
    e->name = name;
    e->negated = negated;
    e->args.push_back(std::move(node));
    const Token& a = peek();
    if (is_op(a, "(")) {
      parse_call_args(*e);
    } else if ((a.kind == TokenKind::Name || a.kind == TokenKind::String ||
                a.kind == TokenKind::Integer || a.kind == TokenKind::Float || is_op(a, "[") ||
                is_op(a, "{")) &&
               !is_name(a, "else") && !is_name(a, "or") && !is_name(a, "and") &&
               !is_name(a, "if") && !is_name(a, "in") && !is_name(a, "not") && !is_name(a, "is")) {
      // `x is divisibleby 3`, `x is sameas false`: one bare argument.
      e->args.push_back(parse_postfix(parse_primary()));
    }
    return e;
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  int loop_depth_ = 0;
};

}  // namespace

TemplateAst parse_template(std::string_view source) { return Parser(tokenize(source)).parse(); }

}  // namespace mosaic::tmpl
