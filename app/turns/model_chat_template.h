// The chat template of a loaded model: the Jinja program from the GGUF file
// (tokenizer.chat_template) with the model's BOS/EOS texts and reasoning
// markers, or the ChatML fallback when the file has none, the user chose
// ChatML, or the model's template cannot be parsed.
#pragma once

#include <string>
#include <vector>

#include "app/turns/context_policy.h"
#include "app/turns/reasoning_splitter.h"
#include "engine/template/chat_template.h"
#include "mosaic/engine.h"

namespace mosaic::turns {

enum class TemplateSource { Model, ChatMLFallback };
// What the user asked for: the model's template, or ChatML (offered when the
// model's template cannot run).
enum class TemplatePreference { FromModel, ChatML };
enum class GenerationPrompt { Add, Omit };

class ModelChatTemplate {
 public:
  ModelChatTemplate(const mosaic_model* model, TemplatePreference preference);

  TemplateSource source() const { return source_; }
  // Why the fallback is in use; empty when the model's template is.
  const std::string& problem() const { return problem_; }
  const ReasoningMarkers& reasoning_markers() const { return markers_; }

  // Throws TurnError naming the template's failure (for example a template's
  // own raise_exception about message order).
  std::string render(const std::vector<PromptMessage>& messages, tmpl::ThinkingMode thinking,
                     GenerationPrompt generation_prompt) const;
  // Messages as JSON exactly as given (tools, tool_calls, any extra fields).
  std::string render_json(const tmpl::Json& messages, tmpl::ThinkingMode thinking,
                          GenerationPrompt generation_prompt) const;

 private:
  tmpl::ChatTemplate template_;
  TemplateSource source_ = TemplateSource::Model;
  std::string problem_;
  ReasoningMarkers markers_;
  std::string bos_text_, eos_text_;
};

class TurnError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

tmpl::Json to_template_messages(const std::vector<PromptMessage>& messages);

}  // namespace mosaic::turns
