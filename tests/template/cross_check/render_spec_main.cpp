// Developer tool for cross_check_jinja2.py: reads a JSON render spec on stdin
// ({source, messages, tools, extra_context, add_generation_prompt, thinking,
// bos_token, eos_token, date_today}), renders it with mosaic::tmpl and prints
// "OK:<text>" or "ERR:raised:<message>" / "ERR:other:<message>".
#include <iostream>
#include <sstream>

#include "engine/template/chat_template.h"

int main() {
  using namespace mosaic::tmpl;
  std::stringstream in;
  in << std::cin.rdbuf();
  try {
    const Json spec = Json::parse(in.str());
    ChatRenderOptions options;
    options.add_generation_prompt = spec.value("add_generation_prompt", true);
    options.bos_token = spec.value("bos_token", std::string());
    options.eos_token = spec.value("eos_token", std::string());
    options.date_today = spec.value("date_today", std::string("26 Jul 2024"));
    if (spec.contains("tools")) options.tools = spec["tools"];
    if (spec.contains("extra_context")) options.extra_context = spec["extra_context"];
    const std::string thinking = spec.value("thinking", std::string());
    if (thinking == "on") options.thinking = ThinkingMode::Enabled;
    if (thinking == "off") options.thinking = ThinkingMode::Disabled;
    const std::string out = ChatTemplate::parse(spec.at("source").get<std::string>())
                                .render(spec.value("messages", Json::array()), options);
    std::cout << "OK:" << out;
  } catch (const TemplateError& e) {
    std::cout << "ERR:" << (e.kind() == TemplateErrorKind::Raised ? "raised:" : "other:")
              << e.reason();
  } catch (const std::exception& e) {
    std::cout << "ERR:other:" << e.what();
    return 2;
  }
  return 0;
}
