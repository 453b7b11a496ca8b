// Filters and tests, with expected values worked out from jinja2's and
// Python's documented behaviour.
#include <gtest/gtest.h>

#include "tests/template/render_helpers.h"

namespace mosaic::tmpl {
namespace {

using testing::render;

const Json kPeople = {{"people",
                       {{{"name", "bo"}, {"age", 30}, {"admin", true}},
                        {{"name", "al"}, {"age", 25}},
                        {{"name", "cy"}, {"age", 35}, {"admin", false}}}}};

TEST(Filters, TrimAndCase) {
  EXPECT_EQ(render("[{{ '  x \\n' | trim }}] {{ 'xxhixx' | trim('x') }}"), "[x] hi");
  // Python's strip() also removes Unicode spaces such as NBSP and U+3000.
  EXPECT_EQ(
      render("[{{ '\\u00a0 hi\\u3000' | trim }}] [{{ '\\u00e9x\\u00e9' | trim('\\u00e9') }}]"),
      "[hi] [x]");
  EXPECT_EQ(render("{{ 'hello WORLD' | capitalize }} {{ 'hello world-wide' | title }} "
                   "{{ 'Ab' | upper }} {{ 'Ab' | lower }}"),
            "Hello world Hello World-Wide AB ab");
  // The filter follows jinja2's do_title; the str method follows Python.
  EXPECT_EQ(render("{{ \"they're abc1def (x)\" | title }}|{{ \"they're abc1def\".title() }}"),
            "They're Abc1def (X)|They'Re Abc1Def");
}

TEST(Filters, LengthCountsCodePointsAndItems) {
  EXPECT_EQ(render("{{ 'héllo' | length }} {{ [1, 2] | count }} {{ {'a': 1} | length }}"), "5 2 1");
}

TEST(Filters, JoinWithSeparatorAndAttribute) {
  EXPECT_EQ(
      render("{{ [1, 2, 3] | join(', ') }} {{ people | join('/', attribute='name') }}", kPeople),
      "1, 2, 3 bo/al/cy");
}

TEST(Filters, SelectAttrAndRejectAttr) {
  EXPECT_EQ(
      render("{{ people | selectattr('admin') | map(attribute='name') | join(',') }}", kPeople),
      "bo");
  EXPECT_EQ(
      render("{{ people | selectattr('admin', 'defined') | map(attribute='name') | join(',') }}",
             kPeople),
      "bo,cy");
  EXPECT_EQ(render("{{ people | rejectattr('admin', 'defined') | map(attribute='name') | list }}",
                   kPeople),
            "['al']");
  EXPECT_EQ(
      render("{{ people | selectattr('age', 'equalto', 25) | map(attribute='name') | first }}",
             kPeople),
      "al");
  EXPECT_EQ(render("{{ people | selectattr('age', 'gt', 26) | list | length }}", kPeople), "2");
}

TEST(Filters, SelectAndRejectWithTests) {
  EXPECT_EQ(
      render("{{ range(7) | select('odd') | list }} {{ [1, 'a', none] | reject('none') | list }}"),
      "[1, 3, 5] [1, 'a']");
  EXPECT_EQ(render("{{ ['a', 'code_interpreter', 'b'] | reject('equalto', 'code_interpreter') | "
                   "join(', ') }}"),
            "a, b");
}

TEST(Filters, MapByFilterNameAndAttribute) {
  EXPECT_EQ(render("{{ ['a', 'b'] | map('upper') | join('-') }}"), "A-B");
  EXPECT_EQ(render("{{ people | map(attribute='admin', default='?') | list }}", kPeople),
            "[True, '?', False]");
}

TEST(Filters, DefaultOnlyReplacesUndefinedUnlessBoolean) {
  EXPECT_EQ(
      render("{{ missing | default('d') }}|{{ '' | default('d') }}|{{ '' | default('d', true) }}|"
             "{{ none | d('x') }}|{{ missing | d }}|"),
      "d||d|None||");
}

TEST(Filters, FirstLastListString) {
  EXPECT_EQ(render("{{ [1, 2, 3] | first }}{{ [1, 2, 3] | last }}{{ 'abc' | first }}"), "13a");
  EXPECT_EQ(render("{{ 'ab' | list }} {{ [1] | string }} {{ [] | first is defined }}"),
            "['a', 'b'] [1] False");
}

TEST(Filters, IntAndFloatConversions) {
  EXPECT_EQ(render("{{ '42' | int + 1 }} {{ '3.7' | int }} {{ 'x' | int }} {{ 'x' | int(7) }} "
                   "{{ 2.9 | int }} {{ '2.5' | float }} {{ 3 | float }} {{ 'ff' | int(base=16) }}"),
            "43 3 0 7 2 2.5 3.0 255");
}

TEST(Filters, ReplaceEscapeSafe) {
  EXPECT_EQ(render("{{ 'aaa' | replace('a', 'b', 2) }} {{ '<a href=\"x\">&\\'' | e }} "
                   "{{ '<b>' | safe }}"),
            "bba &lt;a href=&#34;x&#34;&gt;&amp;&#39; <b>");
}

TEST(Filters, UniqueReverseSort) {
  EXPECT_EQ(render("{{ ['a', 'A', 'b', 'a'] | unique | list }}"), "['a', 'b']");
  EXPECT_EQ(render("{{ 'abc' | reverse }} {{ [1, 2] | reverse | list }}"), "cba [2, 1]");
  EXPECT_EQ(render("{{ [3, 1, 2] | sort }} {{ [3, 1, 2] | sort(reverse=true) }}"),
            "[1, 2, 3] [3, 2, 1]");
  EXPECT_EQ(
      render("{{ ['a', 'B', 'c'] | sort }} {{ ['a', 'B', 'c'] | sort(case_sensitive=true) }}"),
      "['a', 'B', 'c'] ['B', 'a', 'c']");
  EXPECT_EQ(
      render("{{ people | sort(attribute='age') | map(attribute='name') | join(',') }}", kPeople),
      "al,bo,cy");
}

TEST(Filters, ItemsAndDictsort) {
  EXPECT_EQ(render("{{ {'b': 1, 'a': 2} | items | list }}"), "[('b', 1), ('a', 2)]");
  EXPECT_EQ(
      render("{{ {'b': 1, 'a': 2} | dictsort }} {{ {'b': 1, 'a': 2} | dictsort(by='value') }}"),
      "[('a', 2), ('b', 1)] [('b', 1), ('a', 2)]");
}

TEST(Filters, Numbers) {
  EXPECT_EQ(
      render("{{ -3 | abs }} {{ -2.5 | abs }} {{ 2.5 | round }} {{ 3.5 | round }} "
             "{{ 3.14159 | round(2) }} {{ 2.675 | round(2) }} {{ 2.1 | round(method='ceil') }} "
             "{{ 2.9 | round(method='floor') }}"),
      "3 2.5 2.0 4.0 3.14 2.67 3.0 2.0");
  EXPECT_EQ(render("{{ [1, 2, 3] | sum }} {{ [4, 1, 9] | max }} {{ [4, 1, 9] | min }}"), "6 9 1");
}

TEST(Filters, WordcountAndIndent) {
  EXPECT_EQ(render("{{ 'hello big  world' | wordcount }}"), "3");
  EXPECT_EQ(render("{{ 'a\\nb\\n\\nc' | indent(2) }}"), "a\n  b\n\n  c");
  EXPECT_EQ(render("{{ 'a\\nb' | indent(2, first=true) }}"), "  a\n  b");
  EXPECT_EQ(render("{{ 'a\\n\\nb' | indent(2, blank=true) }}"), "a\n  \n  b");
}

TEST(Filters, UnknownFilterIsASyntaxError) {
  try {
    render("{{ x | nosuchfilter }}");
    FAIL() << "expected a TemplateError";
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.kind(), TemplateErrorKind::Syntax);
    EXPECT_EQ(e.reason(), "no filter named 'nosuchfilter'");
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.column(), 8);
  }
}

TEST(Tests, TypeTests) {
  EXPECT_EQ(render("{{ 'a' is string }}{{ 1 is number }}{{ 1.5 is number }}{{ 1 is integer }}"
                   "{{ 1.5 is integer }}{{ 1.5 is float }}{{ {} is mapping }}{{ [] is mapping }}"),
            "TrueTrueTrueTrueFalseTrueTrueFalse");
  EXPECT_EQ(
      render("{{ [] is iterable }}{{ 'x' is iterable }}{{ 1 is iterable }}{{ [] is sequence }}"
             "{{ true is boolean }}{{ 1 is boolean }}{{ true is true }}{{ 1 is true }}"
             "{{ false is false }}{{ none is none }}{{ range is callable }}{{ 1 is callable }}"),
      "TrueTrueFalseTrueTrueFalseTrueFalseTrueTrueTrueFalse");
}

TEST(Tests, ComparisonTests) {
  EXPECT_EQ(
      render("{{ 1 is equalto 1 }}{{ 1 is eq 2 }}{{ 1 is ne 2 }}{{ 1 is lt 2 }}{{ 1 is gt 2 }}"
             "{{ 2 is le 2 }}{{ 2 is ge 3 }}{{ 2 is in [1, 2] }}{{ 1 is eq(1) }}"),
      "TrueFalseTrueTrueFalseTrueFalseTrueTrue");
}

TEST(Tests, NumberAndCaseTests) {
  EXPECT_EQ(render("{{ 3 is odd }}{{ 3 is even }}{{ 9 is divisibleby 3 }}{{ 9 is divisibleby(2) }}"
                   "{{ 'abc' is lower }}{{ 'aBc' is lower }}{{ 'ABC' is upper }}"),
            "TrueFalseTrueFalseTrueFalseTrue");
}

TEST(Tests, NegatedAndSameas) {
  EXPECT_EQ(render("{{ x is not none }}{{ none is sameas none }}{{ false is sameas false }}"
                   "{{ 0 is sameas false }}",
                   {{"x", 1}}),
            "TrueTrueTrueFalse");
}

TEST(Tests, UnknownTestIsASyntaxError) {
  EXPECT_THROW(render("{{ 1 is frobnicated }}"), TemplateError);
}

}  // namespace
}  // namespace mosaic::tmpl
