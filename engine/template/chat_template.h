// Chat templates: the Jinja programs (GGUF `tokenizer.chat_template`) that
// turn a list of messages into the prompt text a model was trained on.
// Rendering follows Hugging Face's apply_chat_template: jinja2 with
// trim_blocks, lstrip_blocks, loop controls, raise_exception, strftime_now,
// and a tojson equal to Python's json.dumps(ensure_ascii=False).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/template/template_error.h"

namespace mosaic::tmpl {

struct TemplateAst;

// Messages and tools are ordered JSON so tool schemas keep their key order
// when the template prints them with tojson (Python dicts are ordered).
// A plain nlohmann::json converts implicitly (its keys come sorted).
using Json = nlohmann::ordered_json;

enum class ThinkingMode {
  ModelDefault,  // enable_thinking / thinking stay undefined
  Enabled,       // enable_thinking = thinking = true
  Disabled,      // enable_thinking = thinking = false
};

struct ChatRenderOptions {
  // Mirrors HF's add_generation_prompt kwarg: end with the assistant header.
  bool add_generation_prompt = true;
  ThinkingMode thinking = ThinkingMode::ModelDefault;
  std::string bos_token, eos_token;
  Json tools;          // array of tool schemas; null renders as `tools = none` like HF
  Json extra_context;  // object whose keys become template variables (override the above)
  // The date strftime_now() formats, "26 Jul 2024" or "2024-07-26"; empty
  // means today in local time.
  std::string date_today;
};

class ChatTemplate {
 public:
  // Throws TemplateError (kind Syntax) with line:column.
  static ChatTemplate parse(std::string_view source);

  // messages: JSON array of {role, content, ...} as HF takes them.
  // Throws TemplateError (Render, or Raised with the template's own message).
  std::string render(const Json& messages, const ChatRenderOptions& options) const;

  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::shared_ptr<const TemplateAst> ast_;
};

// The ChatML fallback for models without a template:
// "<|im_start|>{role}\n{content}<|im_end|>\n" per message, then
// "<|im_start|>assistant\n" when a generation prompt is wanted.
ChatTemplate chatml_template();

}  // namespace mosaic::tmpl
