// An assistant turn end to end: the user's message (or an edit, a
// regeneration, a continuation) is stored, the branch it ends becomes the
// prompt, the reply streams from the engine and is saved as it grows, at a
// bounded rate, marked incomplete if stopped and complete at the end.
//
// Edits and regenerations never overwrite: they add sibling messages, so the
// old versions stay reachable as branches. Runs on one thread (the engine's);
// events are called on that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "app/turns/chat_engine.h"
#include "app/turns/store_access.h"

namespace mosaic::turns {

struct TurnEvents {
  // The stored ids, as soon as the reply's row exists.
  std::function<void(int64_t user_message_id, int64_t reply_message_id)> on_started;
  // A context-rule message (older turns left out); shown to the user.
  std::function<void(const std::string&)> on_notice;
  std::function<bool(float)> on_prompt_progress;  // false cancels
  // Encoding picture `index` of `count` (TurnCallbacks); false cancels.
  std::function<bool(int index, int count, float fraction)> on_picture_progress;
  std::function<void(const SplitText&)> on_text;
  std::function<bool()> should_stop;
};

struct TurnOutcome {
  int64_t user_message_id = 0;
  int64_t reply_message_id = 0;
  store::MessageStatus status = store::MessageStatus::Complete;
  TurnResult result;
  std::string error;  // set when status is Error
};

class TurnRunner {
 public:
  TurnRunner(StoreAccess& store, ChatEngine& engine, std::string model_name,
             int64_t write_interval_ms = 250);

  // A new user message under the conversation's active leaf, then the reply.
  TurnOutcome send(int64_t conversation_id, const std::string& text,
                   const GenerationSettings& settings, const TurnEvents& events);
  // Same, with stored attachments (store::ConversationStore::add_attachment*)
  // linked to the new message in order; their extracted text joins the
  // prompt, and the pictures they show when the engine has a picture source.
  TurnOutcome send(int64_t conversation_id, const std::string& text,
                   const std::vector<int64_t>& attachment_ids, const GenerationSettings& settings,
                   const TurnEvents& events);
  // The user message rewritten: a sibling of `user_message_id` with the same
  // attachments, then a reply.
  TurnOutcome edit(int64_t user_message_id, const std::string& new_text,
                   const GenerationSettings& settings, const TurnEvents& events);
  // Another reply beside `reply_message_id` to the same user message.
  TurnOutcome regenerate(int64_t reply_message_id, const GenerationSettings& settings,
                         const TurnEvents& events);
  // Resumes an incomplete reply in place.
  TurnOutcome continue_reply(int64_t reply_message_id, const GenerationSettings& settings,
                             const TurnEvents& events);

 private:
  TurnOutcome reply_to(int64_t user_message_id, std::optional<int64_t> sibling_of,
                       const GenerationSettings& settings, const TurnEvents& events);
  TurnOutcome stream_into(int64_t user_message_id, int64_t reply_id,
                          const std::optional<PartialReply>& partial,
                          const GenerationSettings& settings, const TurnEvents& events);
  std::vector<PromptMessage> prompt_branch(int64_t user_message_id);

  StoreAccess& store_;
  ChatEngine& engine_;
  std::string model_name_;
  int64_t write_interval_ms_;
};

// A conversation title from the first user message: its first line, at most
// `max_chars` characters (whole UTF-8 characters), "…" when cut.
std::string title_from_message(const std::string& text, size_t max_chars = 60);

}  // namespace mosaic::turns
