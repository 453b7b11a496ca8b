// --thinking default|on|off, shared by `chat` and `template`: it sets the
// chat template's enable_thinking for models that can reason or not.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "engine/template/chat_template.h"

namespace mosaic::cli {

inline void add_thinking_option(CLI::App& app, std::string& value) {
  app.add_option("--thinking", value,
                 "Reasoning (the template's enable_thinking) for models that support it")
      ->check(CLI::IsMember({"default", "on", "off"}))
      ->capture_default_str();
}

inline tmpl::ThinkingMode thinking_mode(const std::string& value) {
  if (value == "on") return tmpl::ThinkingMode::Enabled;
  if (value == "off") return tmpl::ThinkingMode::Disabled;
  return tmpl::ThinkingMode::ModelDefault;
}

}  // namespace mosaic::cli
