// Errors name the line:column and the reason; templates that call
// raise_exception surface their own message verbatim.
#include <gtest/gtest.h>

#include "tests/template/render_helpers.h"

namespace mosaic::tmpl {
namespace {

using testing::render;

TemplateError catch_error(const std::string& source, const Json& vars = Json::object()) {
  try {
    render(source, vars);
  } catch (const TemplateError& e) {
    return e;
  }
  ADD_FAILURE() << "no TemplateError for: " << source;
  return TemplateError(TemplateErrorKind::Render, {}, "none");
}

TEST(Errors, SyntaxErrorPointsAtTheOffendingToken) {
  const TemplateError e = catch_error("{{ 1 + }}");
  EXPECT_EQ(e.kind(), TemplateErrorKind::Syntax);
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.column(), 8);
  EXPECT_NE(std::string(e.what()).find("1:8"), std::string::npos);
}

TEST(Errors, StrayEndTagReportsItsLine) {
  const TemplateError e = catch_error("line1\n{% if x %}\n{% endfor %}");
  EXPECT_EQ(e.kind(), TemplateErrorKind::Syntax);
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.column(), 4);
  EXPECT_EQ(e.reason(), "unknown tag 'endfor'");
}

TEST(Errors, UnclosedBlockNamesTheExpectedTags) {
  const TemplateError e = catch_error("{% if true %}abc");
  EXPECT_EQ(e.reason(), "unexpected end of template, expected 'elif' or 'else' or 'endif'");
}

TEST(Errors, UnclosedTagsAndStrings) {
  EXPECT_EQ(catch_error("ab {{ x ").reason(), "tag is not closed with '}}'");
  EXPECT_EQ(catch_error("{{ 'abc }}").reason(), "string literal is not closed");
  EXPECT_EQ(catch_error("{# never closed").reason(), "comment is not closed with '#}'");
  EXPECT_EQ(catch_error("{{ (1 }}").kind(), TemplateErrorKind::Syntax);
}

TEST(Errors, UnsupportedConstructsAreClearSyntaxErrors) {
  const TemplateError inc = catch_error("{% include 'other.jinja' %}");
  EXPECT_EQ(inc.kind(), TemplateErrorKind::Syntax);
  EXPECT_EQ(inc.reason(), "the 'include' tag is not supported in chat templates");
  EXPECT_EQ(catch_error("{% for x in y recursive %}{% endfor %}").reason(),
            "recursive for loops are not supported");
  EXPECT_EQ(catch_error("{{ '%s' % 1 }}").reason(),
            "printf-style string formatting with % is not supported");
  EXPECT_EQ(catch_error("{% frobnicate %}").reason(), "unknown tag 'frobnicate'");
  EXPECT_EQ(catch_error("{% break %}").reason(), "'break' outside of a for loop");
}

TEST(Errors, RenderErrorPointsAtTheExpression) {
  const TemplateError e = catch_error("a\n  {{ foo.bar }}");
  EXPECT_EQ(e.kind(), TemplateErrorKind::Render);
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), 10);
  EXPECT_EQ(e.reason(), "'foo' is undefined");
}

TEST(Errors, ErrorInsideMacroPointsIntoTheMacro) {
  const TemplateError e = catch_error("{% macro m() %}\n{{ 1 // 0 }}\n{% endmacro %}{{ m() }}");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.reason(), "integer division or modulo by zero");
}

TEST(Errors, RaiseExceptionCarriesTheTemplateMessage) {
  const TemplateError e =
      catch_error("{% if x %}\n  {{ raise_exception('Roles must alternate: ' ~ x) }}{% endif %}",
                  {{"x", "user"}});
  EXPECT_EQ(e.kind(), TemplateErrorKind::Raised);
  EXPECT_EQ(e.reason(), "Roles must alternate: user");
  EXPECT_EQ(e.line(), 2);
}

TEST(Errors, TemplateErrorIsAMosaicError) {
  try {
    render("{{ raise_exception('boom') }}");
    FAIL();
  } catch (const mosaic::Error& e) {
    EXPECT_EQ(e.code(), mosaic::ErrorCode::InvalidArgument);
  }
}

TEST(Errors, BadMessagesArgument) {
  EXPECT_THROW(ChatTemplate::parse("x").render(Json::object(), {}), TemplateError);
  ChatRenderOptions options;
  options.extra_context = Json::array();
  EXPECT_THROW(ChatTemplate::parse("x").render(Json::array(), options), TemplateError);
}

TEST(Errors, DefaultConstructedTemplateFailsCleanly) {
  EXPECT_THROW(ChatTemplate().render(Json::array(), {}), TemplateError);
}

}  // namespace
}  // namespace mosaic::tmpl
