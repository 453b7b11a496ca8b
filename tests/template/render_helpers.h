// Shared helpers for the template tests: render a template string with some
// variables, and load fixture templates from tests/template/fixtures.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "engine/template/chat_template.h"

namespace mosaic::tmpl::testing {

// Renders `source` with `vars` as template variables and no messages.
inline std::string render(std::string_view source, const Json& vars = Json::object()) {
  ChatRenderOptions options;
  options.extra_context = vars;
  options.date_today = "26 Jul 2024";
  return ChatTemplate::parse(source).render(Json::array(), options);
}

inline std::string load_fixture(const std::string& name) {
  const std::string path = std::string(MOSAIC_TEMPLATE_FIXTURES) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open fixture " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace mosaic::tmpl::testing
