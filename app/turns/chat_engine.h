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
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/core/engine_handles.h"
#include "app/turns/context_policy.h"
#include "app/turns/model_chat_template.h"
#include "app/turns/prompt_layout.h"
#include "app/turns/prompt_pictures.h"
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
  // Encoding picture `index` (0-based) of `count` to encode for this prompt,
  // progress in [0, 1]; return false to cancel. Pictures already in the KV
  // cache are not encoded again.
  std::function<bool(int index, int count, float fraction)> on_picture_progress;
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
  int64_t prompt_pictures = 0;   // pictures in the prompt
  int64_t encoded_pictures = 0;  // of those, encoded for this turn (the rest were cached)
  double encode_ms = 0;
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

  // Lets the model see pictures (a vision model with its mmproj). Without a
  // source, a prompt with pictures is refused with a TurnError.
  void set_picture_source(std::shared_ptr<PictureSource> source) { pictures_ = std::move(source); }
  PictureSource* picture_source() const { return pictures_.get(); }
  int32_t context_length() const;

  // Answers the last message of `branch` (a user message). Throws
  // app::EngineError for engine failures and TurnError when the newest
  // message cannot fit the context or a picture cannot be encoded.
  TurnResult respond(const std::vector<PromptMessage>& branch, const GenerationSettings& settings,
                     const TurnCallbacks& callbacks,
                     const std::optional<PartialReply>& continue_from = std::nullopt);

 private:
  PromptLayout lay_out(const std::string& prompt_text,
                       const std::vector<PromptMessage>& messages) const;
  // Encodes the pictures to feed; false when the user cancelled.
  bool encode_pictures(const std::vector<const LaidOutPicture*>& todo,
                       std::vector<std::shared_ptr<const mosaic_image_embedding>>& out,
                       const TurnCallbacks& callbacks, TurnResult& result);
  void feed_prompt(const PromptLayout& prompt, const TurnCallbacks& callbacks, TurnResult& result);

  const mosaic_model* model_;
  app::SessionPtr session_;
  ModelChatTemplate template_;
  std::shared_ptr<PictureSource> pictures_;
  std::vector<int64_t> cached_slots_;  // what the session's KV cache holds (prompt_reuse.h)
};

}  // namespace mosaic::turns
