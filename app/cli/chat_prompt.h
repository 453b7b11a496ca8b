// The chat format of the supported models (Qwen3: ChatML).
#pragma once

#include <string>
#include <string_view>

#include "mosaic/engine.h"

namespace mosaic::cli {

// "<|im_start|>user\n{text}<|im_end|>\n<|im_start|>assistant\n": a single
// user turn, ready for the assistant's answer.
std::string chat_user_turn(std::string_view text);

// True when <|im_start|> and <|im_end|> are single control tokens of the model.
bool has_chat_template_tokens(const mosaic_model* model);

}  // namespace mosaic::cli
