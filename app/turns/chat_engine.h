// The engine side of an assistant turn: renders the conversation with the
// model's own chat template, applies the context rule, reuses the KV cache of
// the previous turn, streams the reply split into reasoning and answer.
//
// A ChatEngine owns one engine session on a loaded model (borrowed; it must
// outlive the ChatEngine). Not thread-safe: one thread at a time, usually a
// worker thread; should_stop() may be flipped from any thread by the caller.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/core/engine_handles.h"
#include "app/turns/context_policy.h"
#include "app/turns/model_chat_template.h"
#include "app/turns/reasoning_splitter.h"

namespace mosaic::turns {

struct GenerationSettings {
  mosaic_sampler_params sampler = mosaic_sampler_default_params();
  int32_t max_reply_tokens = 2048;
  tmpl::ThinkingMode thinking = tmpl::ThinkingMode::ModelDefault;
  int64_t reply_reserve_tokens = 512;  // kept free for the reply by the context rule
};

struct TurnCallbacks {
  // Prompt processing progress in [0, 1]; return false to cancel.
  std::function<bool(float)> on_prompt_progress;
  // Each piece of the reply as it is sorted into reasoning and answer.
  std::function<void(const SplitText&)> on_text;
  // Polled between tokens; true stops the reply (kept as incomplete).
  std::function<bool()> should_stop;
};

enum class TurnFinish {
  Complete,     // the model ended its reply
  Stopped,      // the user stopped it (should_stop or cancelled prompt)
  MaxTokens,    // the reply reached max_reply_tokens
  ContextFull,  // no room left in the context
};

struct TurnResult {
  TurnFinish finish = TurnFinish::Complete;
  std::string reasoning;
  std::string answer;
  std::string notice;                // the context rule's message, if it dropped turns
  int64_t prompt_tokens = 0;         // tokens of the rendered prompt
  int64_t reused_prompt_tokens = 0;  // of those, already in the KV cache
  int64_t completion_tokens = 0;
  double time_to_first_token_ms = 0;
  double generation_ms = 0;
};

// A partial reply to continue instead of starting a new one.
struct PartialReply {
  std::string reasoning;
  std::string answer;
};

class ChatEngine {
 public:
  // Reads the model's chat template; a missing or unparsable one falls back
  // to ChatML (chat_template().source() and .problem() say so).
  ChatEngine(const mosaic_model* model, const mosaic_session_params& params,
             TemplatePreference preference = TemplatePreference::FromModel);

  const ModelChatTemplate& chat_template() const { return template_; }
  int32_t context_length() const;

  // Answers the last message of `branch` (a user message). Throws
  // app::EngineError for engine failures and TurnError when the newest
  // message cannot fit the context.
  TurnResult respond(const std::vector<PromptMessage>& branch, const GenerationSettings& settings,
                     const TurnCallbacks& callbacks,
                     const std::optional<PartialReply>& continue_from = std::nullopt);

 private:
  void feed_prompt(const std::vector<mosaic_token>& prompt, const TurnCallbacks& callbacks,
                   TurnResult& result);

  const mosaic_model* model_;
  app::SessionPtr session_;
  ModelChatTemplate template_;
  std::vector<mosaic_token> cached_tokens_;  // what the session's KV cache holds
};

}  // namespace mosaic::turns
