// Expression semantics follow Python as jinja2 exposes it: operators,
// truthiness, str() of values, slicing by code point, attribute/item lookup.
#include <gtest/gtest.h>

#include "tests/template/render_helpers.h"

namespace mosaic::tmpl {
namespace {

using testing::render;

TEST(Expressions, IntegerArithmeticUsesPythonFloorSemantics) {
  EXPECT_EQ(render("{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }}"),
            "3 -4 1 2 -2");
  EXPECT_EQ(render("{{ 2 ** 10 }} {{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 2 ** -1 }}"),
            "1024 7 9 0.5");
}

TEST(Expressions, TrueDivisionAlwaysGivesFloat) {
  EXPECT_EQ(render("{{ 7 / 2 }} {{ 4 / 2 }}"), "3.5 2.0");
}

TEST(Expressions, FloatsPrintLikePythonRepr) {
  EXPECT_EQ(render("{{ 0.1 + 0.2 }}"), "0.30000000000000004");
  EXPECT_EQ(render("{{ 3.0 }} {{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }} {{ 1.5e-7 }}"),
            "3.0 1e+16 1000000000000000.0 0.0001 1e-05 1.5e-07");
  EXPECT_EQ(render("{{ -2.5 }} {{ 123.456 }}"), "-2.5 123.456");
}

TEST(Expressions, ConcatenationWithTildeStringifies) {
  EXPECT_EQ(render("{{ 'ab' ~ 1 ~ none ~ true ~ 1.5 }}"), "ab1NoneTrue1.5");
}

TEST(Expressions, ValuesRenderAsPythonStr) {
  EXPECT_EQ(render("{{ [1, 'a', none, true, 1.5] }}"), "[1, 'a', None, True, 1.5]");
  EXPECT_EQ(render("{{ {'a': 1, 'b': [2]} }}"), "{'a': 1, 'b': [2]}");
  EXPECT_EQ(render("{{ (1,) }} {{ (1, 2) }}"), "(1,) (1, 2)");
  EXPECT_EQ(render("{{ [\"it's\", 'say \"x\"'] }}"), "[\"it's\", 'say \"x\"']");
  EXPECT_EQ(render("{{ none }}|{{ false }}"), "None|False");
}

TEST(Expressions, Truthiness) {
  EXPECT_EQ(render("{% for v in [[], {}, '', 0, 0.0, none, [0], 'x', 1] %}"
                   "{{ 'T' if v else 'F' }}{% endfor %}"),
            "FFFFFFTTT");
}

TEST(Expressions, InlineIfWithoutElseIsUndefined) {
  EXPECT_EQ(render("[{{ 'x' if false }}]"), "[]");
}

TEST(Expressions, ComparisonsChainLikePython) {
  EXPECT_EQ(render("{{ 1 == 1.0 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 1 < 2 < 3 }} "
                   "{{ 3 > 2 > 2 }} {{ true == 1 }}"),
            "True True True True False True");
}

TEST(Expressions, MembershipTests) {
  EXPECT_EQ(render("{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }} "
                   "{{ 'z' in 'abc' }}"),
            "True True True True False");
}

TEST(Expressions, BooleanOperatorsReturnOperands) {
  EXPECT_EQ(render("{{ 0 or 'x' }} {{ 'a' and 'b' }} {{ '' and 'b' }}| {{ not 0 }}"), "x b | True");
}

TEST(Expressions, NotBindsLooserThanIsTest) {
  // `not x is defined` is `not (x is defined)`.
  EXPECT_EQ(render("{{ not missing is defined }} {{ not 1 == 2 }}"), "True True");
}

TEST(Expressions, UnaryMinusAppliesBeforeFilter) {
  // jinja2 parses `-3 | abs` as abs(-3).
  EXPECT_EQ(render("{{ -3 | abs }}"), "3");
}

TEST(Expressions, SlicingListsAndStrings) {
  EXPECT_EQ(render("{{ [1, 2, 3][::-1] }} {{ [1, 2, 3, 4, 5][1:4:2] }} {{ [1, 2, 3][-2:] }}"),
            "[3, 2, 1] [2, 4] [2, 3]");
  EXPECT_EQ(render("{{ 'abcdef'[1:3] }} {{ 'abc'[::-1] }} {{ 'abc'[-1] }} {{ 'abc'[:10] }}"),
            "bc cba c abc");
}

TEST(Expressions, StringIndexingCountsCodePoints) {
  EXPECT_EQ(
      render("{{ 'héllo'[1] }}{{ 'héllo'[1:3] }} {{ '日本語'[::-1] }} {{ 'héllo' | length }}"),
      "éél 語本日 5");
}

TEST(Expressions, AttributeAndItemLookupFallBackToEachOther) {
  const Json vars = {{"message", {{"role", "user"}, {"content", "hi"}}}};
  EXPECT_EQ(render("{{ message.content }} {{ message['content'] }} {{ message.role }}", vars),
            "hi hi user");
  EXPECT_EQ(render("{{ message.missing is defined }} {{ message['missing'] is defined }}", vars),
            "False False");
  // `items` is the dict method through either syntax when no such key exists.
  EXPECT_EQ(render("{% for k, v in message.items() %}{{ k }}={{ v }};{% endfor %}", vars),
            "role=user;content=hi;");
}

TEST(Expressions, ListIndexingAndDotIndex) {
  const Json vars = {{"xs", {10, 20, 30}}};
  EXPECT_EQ(render("{{ xs[0] }} {{ xs[-1] }} {{ xs.1 }} {{ xs[5] is defined }}", vars),
            "10 30 20 False");
}

TEST(Expressions, UndefinedRendersEmptyAndIsFalsy) {
  EXPECT_EQ(render("[{{ missing }}]{{ 'y' if missing else 'n' }}{{ missing | length }}"), "[]n0");
  EXPECT_EQ(render("{% for x in missing %}never{% endfor %}ok"), "ok");
  EXPECT_EQ(render("{{ missing ~ 'x' }}"), "x");
  EXPECT_EQ(render("{{ missing is undefined }} {{ missing is none }}"), "True False");
}

TEST(Expressions, UsingUndefinedIsAnErrorWhereJinjaRaises) {
  EXPECT_THROW(render("{{ missing.attr }}"), TemplateError);
  EXPECT_THROW(render("{{ missing + 1 }}"), TemplateError);
  EXPECT_THROW(render("{{ missing() }}"), TemplateError);
  EXPECT_THROW(render("{{ missing[0] }}"), TemplateError);
  EXPECT_THROW(render("{{ missing | int }}"), TemplateError);
  EXPECT_THROW(render("{{ -missing }}"), TemplateError);
  const Json vars = {{"d", Json::object()}};
  EXPECT_THROW(render("{{ d.a.b }}", vars), TemplateError);
  try {
    render("{{ d.a.b }}", vars);
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.reason(), "'dict object' has no attribute 'a'");
  }
}

TEST(Expressions, NoneAttributeIsUndefinedNotAnError) {
  EXPECT_EQ(render("{{ none.x is defined }}"), "False");
}

TEST(Expressions, DictLiteralKeepsInsertionOrder) {
  EXPECT_EQ(render("{% for k in {'b': 1, 'a': 2, 'c': 3} %}{{ k }}{% endfor %}"), "bac");
}

TEST(Expressions, StringMethods) {
  EXPECT_EQ(render("{{ '  x  '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ '\\n\\nhi'.lstrip('\\n') }}|"
                   "{{ 'hi  '.rstrip() }}"),
            "x|hi|hi|hi");
  EXPECT_EQ(render("{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a,b,c'.split(',', 1) }} "
                   "{{ 'a,b,c'.rsplit(',', 1) }}"),
            "['a', 'b', '', 'c'] ['a', 'b'] ['a', 'b,c'] ['a,b', 'c']");
  EXPECT_EQ(render("{{ 'abc'.startswith('ab') }} {{ 'abc'.endswith(('x', 'bc')) }} "
                   "{{ 'abc'.upper() }} {{ 'ABC'.lower() }} {{ 'hello world'.title() }} "
                   "{{ 'aXb'.replace('X', '-') }} {{ 'abcb'.find('b') }} {{ 'abcb'.count('b') }} "
                   "{{ '-'.join(['a', 'b']) }} {{ 'hELLO'.capitalize() }}"),
            "True True ABC abc Hello World a-b 1 2 a-b Hello");
}

TEST(Expressions, DictAndListMethods) {
  const Json vars = {{"d", {{"a", 1}}}};
  EXPECT_EQ(render("{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 5) }} {{ d.keys() | list }} "
                   "{{ d.values() | list }}",
                   vars),
            "1 None 5 ['a'] [1]");
  EXPECT_EQ(
      render("{% set xs = [3, 1, 3] %}{{ xs.index(1) }} {{ xs.count(3) }} {{ xs.pop() }} {{ xs }}"),
      "1 2 3 [3, 1]");
}

TEST(Expressions, AppendMutatesTheSharedList) {
  EXPECT_EQ(render("{% set xs = [] %}{% for i in range(3) %}{% set _ = xs.append(i * 2) %}"
                   "{% endfor %}{{ xs }}"),
            "[0, 2, 4]");
  EXPECT_EQ(render("{% set ns = namespace(items=[]) %}{% for i in [1, 2] %}"
                   "{{ ns.items.append(i) or '' }}{% endfor %}{{ ns.items | length }}"),
            "2");
}

TEST(Expressions, TypeErrorsAreTemplateErrors) {
  try {
    render("{{ 'a' + 1 }}");
    FAIL() << "expected a TemplateError";
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.reason(), "can only concatenate str (not \"int\") to str");
  }
  EXPECT_THROW(render("{{ 1 / 0 }}"), TemplateError);
  EXPECT_THROW(render("{{ 9223372036854775807 + 1 }}"), TemplateError);
}

}  // namespace
}  // namespace mosaic::tmpl
