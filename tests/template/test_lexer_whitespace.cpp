// Whitespace handling must match jinja2 with trim_blocks=True and
// lstrip_blocks=True exactly: chat templates are indented for readability and
// rely on these rules to produce the model's byte-exact prompt format.
#include <gtest/gtest.h>

#include "tests/template/render_helpers.h"

namespace mosaic::tmpl {
namespace {

using testing::render;

TEST(Whitespace, TrimBlocksRemovesOneNewlineAfterBlockTag) {
  EXPECT_EQ(render("{% if true %}\nyes\n{% endif %}\nafter"), "yes\nafter");
  // Only one newline goes.
  EXPECT_EQ(render("{% if true %}\n\nyes{% endif %}"), "\nyes");
}

TEST(Whitespace, TrimBlocksDoesNotApplyToVariableTags) {
  EXPECT_EQ(render("{{ 'a' }}\n{{ 'b' }}"), "a\nb");
}

TEST(Whitespace, LstripBlocksRemovesIndentationBeforeBlockTags) {
  EXPECT_EQ(render("  {% if true %}x{% endif %}"), "x");
  EXPECT_EQ(render("line\n    {% if true %}x\n    {% endif %}\nend"), "line\nx\nend");
}

TEST(Whitespace, LstripBlocksKeepsTextBeforeTagOnSameLine) {
  EXPECT_EQ(render("a  {% if true %}x{% endif %}"), "a  x");
}

TEST(Whitespace, LstripBlocksDoesNotApplyToVariableTags) {
  EXPECT_EQ(render("a\n  {{ 'b' }}"), "a\n  b");
}

TEST(Whitespace, IndentedLoopBodyKeepsItsOwnIndentation) {
  EXPECT_EQ(render("{% for x in [1, 2] %}\n    {{ x }}\n{% endfor %}\n"), "    1\n    2\n");
}

TEST(Whitespace, MinusStripsAllWhitespaceIncludingNewlines) {
  EXPECT_EQ(render("a \n\t {{- 'b' }}"), "ab");
  EXPECT_EQ(render("{{ 'a' -}} \n\n b"), "ab");
  EXPECT_EQ(render("x\n  {%- if true -%}  \n y {%- endif %}"), "xy");
}

TEST(Whitespace, PlusDisablesLstripAndTrim) {
  EXPECT_EQ(render("  {%+ if true %}x{% endif %}"), "  x");
  EXPECT_EQ(render("{% if true +%}\nx{% endif %}"), "\nx");
}

TEST(Whitespace, CommentsFollowBlockRules) {
  EXPECT_EQ(render("a\n  {# note #}\nb"), "a\nb");
  EXPECT_EQ(render("a  {#- note -#}  b"), "ab");
  EXPECT_EQ(render("a{# {{ not rendered }} #}b"), "ab");
}

TEST(Whitespace, RawBlockIsNotInterpreted) {
  EXPECT_EQ(render("{% raw %}{{ x }}{% if %}{% endraw %}"), "{{ x }}{% if %}");
  EXPECT_EQ(render("{%- raw -%}  {{ y }}  {%- endraw %}!"), "{{ y }}!");
}

TEST(Whitespace, SingleTrailingNewlineOfTemplateIsDropped) {
  EXPECT_EQ(render("abc\n"), "abc");
  EXPECT_EQ(render("abc\n\n"), "abc\n");
}

TEST(Whitespace, CarriageReturnsBecomeNewlines) {
  EXPECT_EQ(render("a\r\nb\rc"), "a\nb\nc");
  EXPECT_EQ(render("{% if true %}\r\nx{% endif %}"), "x");
}

TEST(Whitespace, BracesInsideExpressionsAreNotTagEnds) {
  EXPECT_EQ(render("{{ {'a': {'b': 1}}['a']['b'] }}"), "1");
  EXPECT_EQ(render("{% set d = {'k': {'v': 2}} %}{{ d.k.v }}"), "2");
}

}  // namespace
}  // namespace mosaic::tmpl
