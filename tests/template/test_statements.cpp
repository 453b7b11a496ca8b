// Statements: set/for/if/macro/call/filter/with and jinja2's scoping rules.
#include <gtest/gtest.h>

#include "tests/template/render_helpers.h"

namespace mosaic::tmpl {
namespace {

using testing::render;

TEST(Statements, LoopVariables) {
  EXPECT_EQ(render("{% for x in ['a', 'b', 'c'] %}{{ loop.index }}{{ loop.index0 }}"
                   "{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}"
                   "{{ loop.length }}|{% endfor %}"),
            "1032TrueFalse3|2121FalseFalse3|3210FalseTrue3|");
}

TEST(Statements, LoopPreviousNextAndCycle) {
  EXPECT_EQ(render("{% for x in [1, 2, 3] %}{{ loop.previtem }}-{{ loop.nextitem }},{% endfor %}"),
            "-2,1-3,2-,");
  EXPECT_EQ(render("{% for x in range(5) %}{{ loop.cycle('a', 'b') }}{% endfor %}"), "ababa");
}

TEST(Statements, BreakAndContinue) {
  EXPECT_EQ(render("{% for x in range(10) %}{% if x is odd %}{% continue %}{% endif %}"
                   "{% if x > 6 %}{% break %}{% endif %}{{ x }}{% endfor %}"),
            "0246");
}

TEST(Statements, ForElseRunsOnEmptyIterable) {
  EXPECT_EQ(render("{% for x in [] %}a{% else %}empty{% endfor %}"), "empty");
  EXPECT_EQ(render("{% for x in [1] %}a{% else %}empty{% endfor %}"), "a");
}

TEST(Statements, LoopFilterCountsOnlyKeptItems) {
  EXPECT_EQ(render("{% for x in range(6) if x is even %}{{ loop.index }}/{{ loop.length }}:{{ x }} "
                   "{% endfor %}"),
            "1/3:0 2/3:2 3/3:4 ");
}

TEST(Statements, ForUnpacksTuples) {
  EXPECT_EQ(render("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}"),
            "a=1;b=2;");
  EXPECT_EQ(render("{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }},{% endfor %}"), "3,7,");
  EXPECT_THROW(render("{% for a, b in [[1, 2, 3]] %}{% endfor %}"), TemplateError);
}

TEST(Statements, SetInsideLoopDoesNotLeak) {
  EXPECT_EQ(render("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}"),
            "21");
}

TEST(Statements, NamespaceCarriesStateOutOfLoops) {
  EXPECT_EQ(render("{% set ns = namespace(x=1, found=false) %}{% for i in [1, 2, 3] %}"
                   "{% set ns.x = ns.x + i %}{% if i == 2 %}{% set ns.found = true %}{% endif %}"
                   "{% endfor %}{{ ns.x }} {{ ns.found }}"),
            "7 True");
  EXPECT_EQ(render("{% set ns = namespace() %}{% set ns.a = 'v' %}{{ ns.a }}"), "v");
}

TEST(Statements, SetOnAttributeOfNonNamespaceFails) {
  EXPECT_THROW(render("{% set d = {} %}{% set d.x = 1 %}"), TemplateError);
}

TEST(Statements, SetIfAtTopLevelIsVisibleAfterwards) {
  EXPECT_EQ(render("{% if true %}{% set x = 'in-if' %}{% endif %}{{ x }}"), "in-if");
}

TEST(Statements, TupleAssignment) {
  EXPECT_EQ(render("{% set a, b = 1, 2 %}{{ b }}{{ a }}"), "21");
}

TEST(Statements, BlockSetCapturesOutput) {
  EXPECT_EQ(
      render("{% set greeting %}Hi {{ name }}{% endset %}[{{ greeting }}]", {{"name", "Bob"}}),
      "[Hi Bob]");
  EXPECT_EQ(render("{% set g | upper %}hi{% endset %}{{ g }}"), "HI");
}

TEST(Statements, IfElifElse) {
  const std::string t = "{% if n < 0 %}neg{% elif n == 0 %}zero{% else %}pos{% endif %}";
  EXPECT_EQ(render(t, {{"n", -1}}), "neg");
  EXPECT_EQ(render(t, {{"n", 0}}), "zero");
  EXPECT_EQ(render(t, {{"n", 5}}), "pos");
}

TEST(Statements, MacrosWithDefaultsAndKeywords) {
  EXPECT_EQ(render("{% macro greet(name, punct='!') %}Hello {{ name }}{{ punct }}{% endmacro %}"
                   "{{ greet('A') }} {{ greet('B', punct='?') }} {{ greet(name='C') }}"),
            "Hello A! Hello B? Hello C!");
}

TEST(Statements, MacroArgumentsAreCheckedLikeJinja) {
  EXPECT_THROW(render("{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}"), TemplateError);
  EXPECT_THROW(render("{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, b=2) }}"), TemplateError);
  EXPECT_EQ(
      render(
          "{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, k='v') }}"),
      "1(2, 3){'k': 'v'}");
  EXPECT_EQ(render("{% macro m(a, b) %}[{{ b }}]{% endmacro %}{{ m(1) }}"), "[]");
}

TEST(Statements, MacroSeesTemplateVariablesButNotCallerLoopVariables) {
  EXPECT_EQ(render("{% set top = 'T' %}{% macro m() %}{{ top }}{{ i is defined }}{% endmacro %}"
                   "{% for i in [1] %}{{ m() }}{% endfor %}"),
            "TFalse");
}

TEST(Statements, RecursiveMacroIsBounded) {
  EXPECT_EQ(render("{% macro f(n) %}{% if n > 0 %}{{ n }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
                   "{{ f(3) }}"),
            "321");
  EXPECT_THROW(render("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"), TemplateError);
}

TEST(Statements, CallBlockPassesCaller) {
  EXPECT_EQ(render("{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}"
                   "{% call wrap('b') %}inner{% endcall %}"),
            "<b>inner</b>");
}

TEST(Statements, FilterBlock) {
  EXPECT_EQ(render("{% filter upper %}abc{{ 'd' }}{% endfilter %}"), "ABCD");
}

TEST(Statements, WithOpensAScope) {
  EXPECT_EQ(render("{% with a = 5 %}{{ a }}{% endwith %}{{ a is defined }}"), "5False");
}

TEST(Statements, GenerationTagRendersItsBody) {
  EXPECT_EQ(render("<{% generation %}abc{% endgeneration %}>"), "<abc>");
}

TEST(Statements, GlobalsRangeDictNamespace) {
  EXPECT_EQ(
      render("{{ range(3) | list }} {{ range(1, 7, 2) | list }} {{ range(3, 0, -1) | list }}"),
      "[0, 1, 2] [1, 3, 5] [3, 2, 1]");
  EXPECT_EQ(render("{{ dict(a=1, b='x') }}"), "{'a': 1, 'b': 'x'}");
}

TEST(Statements, StrftimeNowUsesInjectedDate) {
  ChatRenderOptions options;
  options.date_today = "2024-07-26";
  EXPECT_EQ(
      ChatTemplate::parse("{{ strftime_now('%d %b %Y|%A|%B') }}").render(Json::array(), options),
      "26 Jul 2024|Friday|July");
  options.date_today = "3 Feb 2025";
  EXPECT_EQ(ChatTemplate::parse("{{ strftime_now('%Y-%m-%d') }}").render(Json::array(), options),
            "2025-02-03");
  options.date_today = "not a date";
  EXPECT_THROW(ChatTemplate::parse("x").render(Json::array(), options), TemplateError);
}

}  // namespace
}  // namespace mosaic::tmpl
