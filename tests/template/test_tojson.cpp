// tojson must produce what Python's json.dumps(x, ensure_ascii=False) prints
// (Hugging Face's override): ", " and ": " separators, "," with indent, no
// HTML escaping, floats as repr(). Expected strings are json.dumps output.
#include <gtest/gtest.h>

#include "tests/template/render_helpers.h"

namespace mosaic::tmpl {
namespace {

using testing::render;

TEST(ToJson, DefaultSeparators) {
  const Json vars = {
      {"v", {{"a", {1, 2.5, "x", true, nullptr}}, {"b", Json::object()}, {"c", Json::array()}}}};
  EXPECT_EQ(render("{{ v | tojson }}", vars),
            R"({"a": [1, 2.5, "x", true, null], "b": {}, "c": []})");
}

TEST(ToJson, KeepsKeyOrder) {
  const Json vars = Json::parse(R"({"v": {"zeta": 1, "alpha": 2, "mid": 3}})");
  EXPECT_EQ(render("{{ v | tojson }}", vars), R"({"zeta": 1, "alpha": 2, "mid": 3})");
}

TEST(ToJson, SortKeys) {
  const Json vars = Json::parse(R"({"v": {"b": 1, "a": {"d": 1, "c": 2}}})");
  EXPECT_EQ(render("{{ v | tojson(sort_keys=true) }}", vars), R"({"a": {"c": 2, "d": 1}, "b": 1})");
}

TEST(ToJson, IndentUsesCommaWithoutSpace) {
  const Json vars = Json::parse(R"({"v": {"a": [1, 2.5], "b": {}, "c": {"d": null}}})");
  EXPECT_EQ(
      render("{{ v | tojson(indent=2) }}", vars),
      "{\n  \"a\": [\n    1,\n    2.5\n  ],\n  \"b\": {},\n  \"c\": {\n    \"d\": null\n  }\n}");
}

TEST(ToJson, CustomSeparators) {
  const Json vars = Json::parse(R"({"v": {"a": 1, "b": [1, 2]}})");
  EXPECT_EQ(render("{{ v | tojson(separators=(',', ':')) }}", vars), R"({"a":1,"b":[1,2]})");
}

TEST(ToJson, UnicodeIsKeptUnlessEnsureAscii) {
  const Json vars = {{"v", "café 😀"}};
  EXPECT_EQ(render("{{ v | tojson }}", vars), "\"café 😀\"");
  EXPECT_EQ(render("{{ v | tojson(ensure_ascii=true) }}", vars), R"("caf\u00e9 \ud83d\ude00")");
}

TEST(ToJson, EscapesLikePython) {
  const Json vars = {{"v", std::string("a\"b\\c\nd\te\x01\x7f<>&'/")}};
  EXPECT_EQ(render("{{ v | tojson }}", vars), "\"a\\\"b\\\\c\\nd\\te\\u0001\x7f<>&'/\"");
}

TEST(ToJson, NumbersUsePythonRepr) {
  EXPECT_EQ(render("{{ [1.0, 1e100, 0.1, -0.0, 5, 1e-7, 123456789.125] | tojson }}"),
            "[1.0, 1e+100, 0.1, -0.0, 5, 1e-07, 123456789.125]");
}

TEST(ToJson, TuplesAreArraysAndNonStringKeysAreConverted) {
  EXPECT_EQ(render("{{ (1, 'a') | tojson }} {{ {1: 'x', true: 'y', none: 'z'} | tojson }}"),
            R"([1, "a"] {"1": "y", "null": "z"})");
}

TEST(ToJson, UndefinedIsNotSerializable) {
  EXPECT_THROW(render("{{ missing | tojson }}"), TemplateError);
}

}  // namespace
}  // namespace mosaic::tmpl
