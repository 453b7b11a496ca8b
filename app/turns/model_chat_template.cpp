#include "app/turns/model_chat_template.h"

#include <fmt/format.h>

#include "app/core/engine_handles.h"

namespace mosaic::turns {

tmpl::Json to_template_messages(const std::vector<PromptMessage>& messages) {
  tmpl::Json out = tmpl::Json::array();
  for (const PromptMessage& m : messages) {
    tmpl::Json item = {{"role", std::string(store::to_string(m.role))}, {"content", m.content}};
    if (!m.reasoning.empty()) item["reasoning_content"] = m.reasoning;
    out.push_back(std::move(item));
  }
  return out;
}

ModelChatTemplate::ModelChatTemplate(const mosaic_model* model, TemplatePreference preference)
    : template_(tmpl::chatml_template()) {
  std::string source;
  if (preference == TemplatePreference::ChatML) {
    source_ = TemplateSource::ChatMLFallback;
    problem_ = "ChatML chosen instead of the model's template";
  } else if (!app::meta_text(model, "tokenizer.chat_template", source) || source.empty()) {
    source_ = TemplateSource::ChatMLFallback;
    problem_ = "the model file has no chat template (tokenizer.chat_template); using ChatML";
  } else {
    try {
      template_ = tmpl::ChatTemplate::parse(source);
    } catch (const tmpl::TemplateError& e) {
      source_ = TemplateSource::ChatMLFallback;
      problem_ =
          fmt::format("the model's chat template cannot be used ({}); using ChatML", e.what());
    }
  }
  markers_ = reasoning_markers_for_template(template_.source());
  const mosaic_token bos = mosaic_token_bos(model);
  const mosaic_token eos = mosaic_token_eos(model);
  if (bos >= 0) bos_text_ = app::token_piece(model, bos);
  if (eos >= 0) eos_text_ = app::token_piece(model, eos);
}

std::string ModelChatTemplate::render(const std::vector<PromptMessage>& messages,
                                      tmpl::ThinkingMode thinking,
                                      GenerationPrompt generation_prompt) const {
  return render_json(to_template_messages(messages), thinking, generation_prompt);
}

std::string ModelChatTemplate::render_json(const tmpl::Json& messages, tmpl::ThinkingMode thinking,
                                           GenerationPrompt generation_prompt) const {
  tmpl::ChatRenderOptions options;
  options.add_generation_prompt = generation_prompt == GenerationPrompt::Add;
  options.thinking = thinking;
  options.bos_token = bos_text_;
  options.eos_token = eos_text_;
  try {
    return template_.render(messages, options);
  } catch (const tmpl::TemplateError& e) {
    throw TurnError(fmt::format(
        "the chat template failed: {}{}", e.what(),
        source_ == TemplateSource::Model ? " (the ChatML template can be chosen instead)" : ""));
  }
}

}  // namespace mosaic::turns
