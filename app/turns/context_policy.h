// What goes into the prompt when a conversation outgrows the model's context.
//
// The rule is explicit and shown to the user, never silent: the system prompt
// and the newest user message are always kept; the oldest exchanges (a user
// message with the replies that follow it) are dropped one at a time until
// the prompt plus the room reserved for the reply fits the context.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "app/store/store_types.h"
#include "app/turns/prompt_pictures.h"

namespace mosaic::turns {

// The roles of stored messages are the roles of prompt messages.
using Role = store::Role;

struct PromptMessage {
  Role role = Role::User;
  std::string content;
  std::string reasoning;  // earlier reasoning, for templates that show it
  // Pictures the model sees with this message; `content` holds one media
  // marker (app/core/media_marker.h) for each, in the same order.
  std::vector<PromptPicture> pictures;
};

struct ContextBudget {
  int64_t n_ctx = 0;          // the session's context length in tokens
  int64_t reply_reserve = 0;  // tokens kept free for the reply
};

struct ContextPlan {
  std::vector<PromptMessage> messages;  // what to render, in order
  int64_t prompt_tokens = 0;            // tokens of the rendered prompt
  int dropped_messages = 0;             // from the start of the conversation
  std::string notice;                   // for the user; empty when nothing was dropped
};

// Counts the tokens of the prompt the chat template renders for `messages`.
using PromptTokenCounter = std::function<int64_t(const std::vector<PromptMessage>&)>;

struct ContextPlanError {
  std::string message;
};

// Applies the rule above to the branch being answered (its last message is
// the user's new one). Returns an error when even the system prompt plus the
// newest message does not fit.
std::variant<ContextPlan, ContextPlanError> plan_context(const std::vector<PromptMessage>& branch,
                                                         const ContextBudget& budget,
                                                         const PromptTokenCounter& count_tokens);

}  // namespace mosaic::turns
