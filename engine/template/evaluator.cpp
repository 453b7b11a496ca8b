#include "engine/template/evaluator.h"

#include <new>
#include <stdexcept>

#include "engine/template/access.h"
#include "engine/template/builtin_filters.h"
#include "engine/template/builtin_tests.h"
#include "engine/template/operators.h"
#include "engine/template/template_error.h"

namespace mosaic::tmpl {
namespace {

enum class Flow { Normal, Break, Continue };

class Renderer {
 public:
  Renderer(const Variables& globals, const RenderLimits& limits) : limits_(limits) {
    frames_.push_back(globals);
    frames_.emplace_back();  // template-level variables
    scopes_ = {0, 1};
  }

  std::string run(const TemplateAst& ast) {
    std::string out;
    exec_body(ast.body, out);
    return out;
  }

 private:
  // ---- scopes ----

  // Frames live in a deque-like vector of maps; scopes_ lists the indices
  // visible now (outermost first). Macro calls swap in {globals, template, own}.
  Value lookup(const std::string& name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      const auto& frame = frames_[*it];
      auto found = frame.find(name);
      if (found != frame.end()) return found->second;
    }
    return Value::undefined("'" + name + "' is undefined");
  }

  void assign(const std::string& name, Value v) { frames_[scopes_.back()][name] = std::move(v); }

  struct ScopeGuard {
    Renderer& r;
    explicit ScopeGuard(Renderer& renderer) : r(renderer) {
      r.frames_.emplace_back();
      r.scopes_.push_back(r.frames_.size() - 1);
    }
    ~ScopeGuard() {
      r.scopes_.pop_back();
      r.frames_.pop_back();
    }
  };

  [[noreturn]] void fail(SourcePos pos, const std::string& message) const {
    throw TemplateError(TemplateErrorKind::Render, pos, message);
  }

  void check_output(const std::string& out, SourcePos pos) const {
    if (out.size() > limits_.max_output_bytes) {
      fail(pos, "rendered output exceeds " + std::to_string(limits_.max_output_bytes) + " bytes");
    }
  }

  // ---- statements ----

  Flow exec_body(const Body& body, std::string& out) {
    for (const auto& stmt : body) {
      const Flow flow = exec(*stmt, out);
      if (flow != Flow::Normal) return flow;
    }
    return Flow::Normal;
  }

  Flow exec(const Stmt& s, std::string& out) {
    switch (s.kind) {
      case StmtKind::Text:
        out += s.text;
        check_output(out, s.pos);
        return Flow::Normal;
      case StmtKind::Emit: {
        const Value v = eval(*s.exprs[0]);
        out += guarded(s.pos, [&] { return to_str(v); });
        check_output(out, s.pos);
        return Flow::Normal;
      }
      case StmtKind::If:
        for (size_t i = 0; i < s.exprs.size(); ++i) {
          if (truthy(eval(*s.exprs[i]))) return exec_body(s.bodies[i], out);
        }
        if (s.has_else) return exec_body(s.bodies.back(), out);
        return Flow::Normal;
      case StmtKind::For:
        return exec_for(s, out);
      case StmtKind::Set:
        bind(*s.exprs[0], eval(*s.exprs[1]), s.pos);
        return Flow::Normal;
      case StmtKind::SetBlock: {
        std::string captured;
        {
          ScopeGuard guard(*this);
          exec_body(s.bodies[0], captured);
        }
        assign(s.text, apply_filter_chain(s.exprs, Value::string(std::move(captured))));
        return Flow::Normal;
      }
      case StmtKind::FilterBlock: {
        std::string captured;
        {
          ScopeGuard guard(*this);
          exec_body(s.bodies[0], captured);
        }
        const Value filtered = apply_filter_chain(s.exprs, Value::string(std::move(captured)));
        out += guarded(s.pos, [&] { return to_str(filtered); });
        check_output(out, s.pos);
        return Flow::Normal;
      }
      case StmtKind::Macro:
        assign(s.text, make_macro(s, s.text));
        return Flow::Normal;
      case StmtKind::CallBlock:
        exec_call_block(s, out);
        return Flow::Normal;
      case StmtKind::With: {
        std::vector<Value> values;
        for (const auto& d : s.defaults) values.push_back(eval(*d));
        ScopeGuard guard(*this);
        for (size_t i = 0; i < s.params.size(); ++i) assign(s.params[i], values[i]);
        return exec_body(s.bodies[0], out);
      }
      case StmtKind::Generation:
        return exec_body(s.bodies[0], out);
      case StmtKind::Break:
        return Flow::Break;
      case StmtKind::Continue:
        return Flow::Continue;
    }
    return Flow::Normal;
  }

  Value apply_filter_chain(const std::vector<ExprPtr>& filters, Value v) {
    for (const auto& f : filters) {
      CallArgs args = eval_args(*f, 1);
      v = guarded(f->pos, [&] { return apply_filter(f->name, v, args); });
    }
    return v;
  }

  // Binds a for/set target: a name, ns.attr, or a tuple to unpack.
  void bind(const Expr& target, const Value& value, SourcePos pos) {
    switch (target.kind) {
      case ExprKind::Name:
        assign(target.name, value);
        return;
      case ExprKind::GetAttr: {
        const Value obj = lookup(target.args[0]->name);
        if (!obj.is_namespace()) {
          fail(target.pos, "cannot assign attribute '" + target.name + "' on '" +
                               target.args[0]->name + "': it is not a namespace()");
        }
        guarded(target.pos, [&] {
          obj.entries().set(target.name, value);
          return 0;
        });
        return;
      }
      case ExprKind::TupleLit: {
        const std::vector<Value> parts = guarded(pos, [&] { return iterate(value); });
        if (parts.size() != target.args.size()) {
          fail(pos, (parts.size() > target.args.size() ? "too many" : "not enough") +
                        std::string(" values to unpack (expected ") +
                        std::to_string(target.args.size()) + ", got " +
                        std::to_string(parts.size()) + ")");
        }
        for (size_t i = 0; i < parts.size(); ++i) bind(*target.args[i], parts[i], pos);
        return;
      }
      default:
        fail(target.pos, "cannot assign to this expression");
    }
  }

  Flow exec_for(const Stmt& s, std::string& out) {
    const Value iterable = eval(*s.exprs[1]);
    std::vector<Value> items = guarded(s.exprs[1]->pos, [&] { return iterate(iterable); });
    if (s.has_filter) {
      // jinja2 filters before iterating, so loop.length counts kept items.
      std::vector<Value> kept;
      for (auto& item : items) {
        ScopeGuard guard(*this);
        bind(*s.exprs[0], item, s.pos);
        if (truthy(eval(*s.exprs[2]))) kept.push_back(std::move(item));
      }
      items = std::move(kept);
    }
    if (items.empty()) {
      if (s.has_else) return exec_body(s.bodies[1], out);
      return Flow::Normal;
    }
    // One loop object per loop, updated in place each iteration, as jinja2's
    // LoopContext is.
    const auto index = std::make_shared<int64_t>(0);
    Value loop = make_loop(index);
    const int64_t n = static_cast<int64_t>(items.size());
    for (int64_t i = 0; i < n; ++i) {
      if (++iterations_ > limits_.max_loop_iterations) fail(s.pos, "too many loop iterations");
      *index = i;
      update_loop(loop.entries(), items, i);
      ScopeGuard guard(*this);
      bind(*s.exprs[0], items[static_cast<size_t>(i)], s.pos);
      assign("loop", loop);
      const Flow flow = exec_body(s.bodies[0], out);
      if (flow == Flow::Break) break;
    }
    return Flow::Normal;
  }

  enum LoopField {
    kIndex,
    kIndex0,
    kRevindex,
    kRevindex0,
    kFirst,
    kLast,
    kLength,
    kPrevitem,
    kNextitem,
    kFieldCount
  };

  static Value make_loop(const std::shared_ptr<int64_t>& index) {
    Value loop = Value::name_space();
    Dict& d = loop.entries();
    for (const char* name : {"index", "index0", "revindex", "revindex0", "first", "last", "length",
                             "previtem", "nextitem"}) {
      d.entries.emplace_back(Value::string(name), Value());
    }
    d.set("depth", Value::integer(1));
    d.set("depth0", Value::integer(0));
    d.set("cycle", Value::callable("loop.cycle", [index](CallArgs& a) {
            if (a.positional.empty()) throw EvalFailure("no items for cycling given");
            return a.positional[static_cast<size_t>(*index) % a.positional.size()];
          }));
    return loop;
  }

  static void update_loop(Dict& d, const std::vector<Value>& items, int64_t i) {
    const int64_t n = static_cast<int64_t>(items.size());
    d.entries[kIndex].second = Value::integer(i + 1);
    d.entries[kIndex0].second = Value::integer(i);
    d.entries[kRevindex].second = Value::integer(n - i);
    d.entries[kRevindex0].second = Value::integer(n - i - 1);
    d.entries[kFirst].second = Value::boolean(i == 0);
    d.entries[kLast].second = Value::boolean(i == n - 1);
    d.entries[kLength].second = Value::integer(n);
    d.entries[kPrevitem].second =
        i > 0 ? items[static_cast<size_t>(i - 1)] : Value::undefined("there is no previous item");
    d.entries[kNextitem].second =
        i + 1 < n ? items[static_cast<size_t>(i + 1)] : Value::undefined("there is no next item");
  }

  // A macro is a callable that renders its body in a fresh scope above the
  // template-level variables.
  Value make_macro(const Stmt& s, const std::string& name) {
    return Value::callable(
        name, [this, &s, name](CallArgs& args) { return call_macro(s, name, args, Value()); });
  }

  Value call_macro(const Stmt& s, const std::string& name, CallArgs& args, const Value& caller) {
    if (++call_depth_ > limits_.max_call_depth) {
      --call_depth_;
      throw EvalFailure("macro '" + name + "' nested deeper than " +
                        std::to_string(limits_.max_call_depth) + " calls");
    }
    struct DepthRestore {
      Renderer& r;
      std::vector<size_t> saved;
      ~DepthRestore() {
        r.scopes_ = std::move(saved);
        --r.call_depth_;
      }
    } restore{*this, scopes_};
    frames_.emplace_back();
    const size_t own = frames_.size() - 1;
    scopes_ = {0, 1, own};
    struct FramePop {
      Renderer& r;
      ~FramePop() { r.frames_.pop_back(); }
    } pop{*this};

    if (args.positional.size() > s.params.size() && !s.uses_varargs) {
      throw EvalFailure("macro '" + name + "' takes not more than " +
                        std::to_string(s.params.size()) + " argument(s)");
    }
    std::vector<Value> varargs;
    for (size_t i = 0; i < args.positional.size(); ++i) {
      if (i < s.params.size()) {
        assign(s.params[i], args.positional[i]);
      } else {
        varargs.push_back(args.positional[i]);
      }
    }
    Value kwargs = Value::dict();
    for (const auto& [k, v] : args.keyword) {
      bool is_param = false;
      for (const auto& p : s.params) is_param = is_param || p == k;
      if (k == "caller") {
        assign("caller", v);
      } else if (is_param) {
        assign(k, v);
      } else if (s.uses_kwargs) {
        kwargs.entries().set(k, v);
      } else {
        throw EvalFailure("macro '" + name + "' takes no keyword argument '" + k + "'");
      }
    }
    for (size_t i = 0; i < s.params.size(); ++i) {
      if (frames_[own].count(s.params[i])) continue;
      if (s.defaults[i]) {
        assign(s.params[i], eval(*s.defaults[i]));
      } else {
        assign(s.params[i], Value::undefined("parameter '" + s.params[i] + "' was not provided"));
      }
    }
    if (!caller.is_undefined()) assign("caller", caller);
    assign("varargs", Value::tuple(std::move(varargs)));
    assign("kwargs", kwargs);
    std::string out;
    exec_body(s.bodies[0], out);
    return Value::string(std::move(out));
  }

  void exec_call_block(const Stmt& s, std::string& out) {
    const Expr& call = *s.exprs[0];
    const Value callee = eval(*call.args[0]);
    CallArgs args = eval_args(call, 1);
    args.keyword.emplace_back("caller", Value::callable("caller", [this, &s](CallArgs& a) {
                                return call_macro(s, "caller", a, Value());
                              }));
    out += guarded(call.pos, [&] { return to_str(callee.call(args)); });
    check_output(out, s.pos);
  }

  // ---- expressions ----

  template <typename F>
  auto guarded(SourcePos pos, F&& fn) -> decltype(fn()) {
    try {
      return fn();
    } catch (const EvalFailure& e) {
      throw TemplateError(TemplateErrorKind::Render, pos, e.what());
    } catch (const RaisedByTemplate& e) {
      throw TemplateError(TemplateErrorKind::Raised, pos, e.what());
    } catch (const std::length_error& e) {
      throw TemplateError(TemplateErrorKind::Render, pos, e.what());
    } catch (const std::bad_alloc&) {
      throw TemplateError(TemplateErrorKind::Render, pos, "out of memory while rendering");
    }
  }

  Value eval(const Expr& e) {
    return guarded(e.pos, [&] { return eval_inner(e); });
  }

  CallArgs eval_args(const Expr& e, size_t first) {
    CallArgs args;
    for (size_t i = first; i < e.args.size(); ++i) args.positional.push_back(eval(*e.args[i]));
    for (const auto& [k, v] : e.kwargs) args.keyword.emplace_back(k, eval(*v));
    return args;
  }

  std::optional<int64_t> slice_bound(const Expr* e) {
    if (!e) return std::nullopt;
    const Value v = eval(*e);
    if (v.is_none()) return std::nullopt;
    if (!v.is_int() && !v.is_bool()) {
      throw EvalFailure("slice indices must be integers or None, not " + type_name(v));
    }
    return v.as_int();
  }

  Value eval_inner(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Literal:
        return e.literal;
      case ExprKind::Name:
        return lookup(e.name);
      case ExprKind::GetAttr:
        return get_attr(eval(*e.args[0]), e.name);
      case ExprKind::GetItem:
        return get_item(eval(*e.args[0]), eval(*e.args[1]));
      case ExprKind::Slice: {
        const Value obj = eval(*e.args[0]);
        return slice(obj, slice_bound(e.args[1].get()), slice_bound(e.args[2].get()),
                     slice_bound(e.args[3].get()));
      }
      case ExprKind::Call: {
        const Value callee = eval(*e.args[0]);
        CallArgs args = eval_args(e, 1);
        return callee.call(args);
      }
      case ExprKind::Filter: {
        const Value input = eval(*e.args[0]);
        CallArgs args = eval_args(e, 1);
        return apply_filter(e.name, input, args);
      }
      case ExprKind::Test: {
        const Value input = eval(*e.args[0]);
        CallArgs args = eval_args(e, 1);
        return Value::boolean(apply_test(e.name, input, args) != e.negated);
      }
      case ExprKind::Negate:
        return negate(eval(*e.args[0]));
      case ExprKind::Plus: {
        Value v = eval(*e.args[0]);
        if (v.is_undefined()) fail_undefined(v);
        if (!v.is_number())
          throw EvalFailure("bad operand type for unary +: '" + type_name(v) + "'");
        return v.is_bool() ? Value::integer(v.as_int()) : v;
      }
      case ExprKind::Not:
        return Value::boolean(!truthy(eval(*e.args[0])));
      case ExprKind::Binary:
        return binary_op(e.name, eval(*e.args[0]), eval(*e.args[1]));
      case ExprKind::Compare: {
        Value left = eval(*e.args[0]);
        for (size_t i = 0; i < e.ops.size(); ++i) {
          Value right = eval(*e.args[i + 1]);
          if (!compare_op(e.ops[i], left, right)) return Value::boolean(false);
          left = std::move(right);
        }
        return Value::boolean(true);
      }
      case ExprKind::And: {
        Value left = eval(*e.args[0]);
        return truthy(left) ? eval(*e.args[1]) : left;
      }
      case ExprKind::Or: {
        Value left = eval(*e.args[0]);
        return truthy(left) ? left : eval(*e.args[1]);
      }
      case ExprKind::CondExpr:
        if (truthy(eval(*e.args[1]))) return eval(*e.args[0]);
        if (e.args[2]) return eval(*e.args[2]);
        return Value::undefined("the inline if expression had no else branch");
      case ExprKind::ListLit:
      case ExprKind::TupleLit: {
        std::vector<Value> items;
        for (const auto& a : e.args) items.push_back(eval(*a));
        return e.kind == ExprKind::ListLit ? Value::list(std::move(items))
                                           : Value::tuple(std::move(items));
      }
      case ExprKind::DictLit: {
        Value d = Value::dict();
        for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
          d.entries().set(eval(*e.args[i]), eval(*e.args[i + 1]));
        }
        return d;
      }
    }
    throw EvalFailure("unknown expression");
  }

  const RenderLimits& limits_;
  std::vector<Variables> frames_;
  std::vector<size_t> scopes_;
  int call_depth_ = 0;
  int64_t iterations_ = 0;
};

}  // namespace

std::string render_ast(const TemplateAst& ast, const Variables& globals,
                       const RenderLimits& limits) {
  return Renderer(globals, limits).run(ast);
}

}  // namespace mosaic::tmpl
