#include "engine/template/chat_template.h"

#include <ctime>
#include <new>

#include "engine/template/ast.h"
#include "engine/template/evaluator.h"
#include "engine/template/globals.h"
#include "engine/template/json_value.h"
#include "engine/template/parser.h"

namespace mosaic::tmpl {
namespace {

std::tm date_for_strftime(const std::string& date_today) {
  std::tm t{};
  if (date_today.empty()) {
    const std::time_t now = std::time(nullptr);
    localtime_r(&now, &t);
    return t;
  }
  for (const char* fmt : {"%d %b %Y", "%d %B %Y", "%Y-%m-%d"}) {
    std::tm parsed{};
    const char* end = strptime(date_today.c_str(), fmt, &parsed);
    if (end && *end == '\0') {
      parsed.tm_hour = 12;  // noon keeps timegm's normalisation on the same day
      std::time_t seconds = timegm(&parsed);
      gmtime_r(&seconds, &t);
      t.tm_hour = 0;
      return t;
    }
  }
  throw TemplateError(
      TemplateErrorKind::Render, {},
      "date_today '" + date_today + "' is not a date like '26 Jul 2024' or '2024-07-26'");
}

Value json_argument(const Json& json, const char* what) {
  try {
    return value_from_json(json);
  } catch (const EvalFailure& e) {
    throw TemplateError(TemplateErrorKind::Render, {}, std::string(what) + ": " + e.what());
  }
}

}  // namespace

ChatTemplate ChatTemplate::parse(std::string_view source) {
  ChatTemplate t;
  t.source_ = std::string(source);
  t.ast_ = std::make_shared<const TemplateAst>(parse_template(source));
  return t;
}

std::string ChatTemplate::render(const Json& messages, const ChatRenderOptions& options) const {
  if (!ast_) {
    throw TemplateError(TemplateErrorKind::Render, {},
                        "no template: create ChatTemplate with ChatTemplate::parse()");
  }
  if (!messages.is_array()) {
    throw TemplateError(TemplateErrorKind::Render, {}, "messages must be a JSON array");
  }
  if (!options.extra_context.is_null() && !options.extra_context.is_object()) {
    throw TemplateError(TemplateErrorKind::Render, {}, "extra_context must be a JSON object");
  }
  Variables globals;
  add_builtin_globals(globals, date_for_strftime(options.date_today));
  globals["messages"] = json_argument(messages, "messages");
  // HF passes tools=None and documents=None when absent: defined, but none.
  globals["tools"] = json_argument(options.tools, "tools");
  globals["documents"] = Value::none();
  globals["add_generation_prompt"] = Value::boolean(options.add_generation_prompt);
  globals["bos_token"] = Value::string(options.bos_token);
  globals["eos_token"] = Value::string(options.eos_token);
  if (options.thinking != ThinkingMode::ModelDefault) {
    // Qwen3 reads enable_thinking, DeepSeek V3.1 reads thinking.
    const Value on = Value::boolean(options.thinking == ThinkingMode::Enabled);
    globals["enable_thinking"] = on;
    globals["thinking"] = on;
  }
  if (options.extra_context.is_object()) {
    for (auto it = options.extra_context.begin(); it != options.extra_context.end(); ++it) {
      globals[it.key()] = json_argument(it.value(), "extra_context");
    }
  }
  try {
    return render_ast(*ast_, globals, RenderLimits{});
  } catch (const EvalFailure& e) {
    // Safety net: the evaluator attaches positions to these; anything that
    // slips through still reaches the caller as a TemplateError.
    throw TemplateError(TemplateErrorKind::Render, {}, e.what());
  } catch (const RaisedByTemplate& e) {
    throw TemplateError(TemplateErrorKind::Raised, {}, e.what());
  } catch (const std::bad_alloc&) {
    throw TemplateError(TemplateErrorKind::Render, {}, "out of memory while rendering");
  }
}

ChatTemplate chatml_template() {
  // Hugging Face's historical default ChatML template.
  return ChatTemplate::parse(
      "{% for message in messages %}"
      "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
      "{% endfor %}"
      "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}");
}

}  // namespace mosaic::tmpl
