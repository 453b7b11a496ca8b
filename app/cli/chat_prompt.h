// The chat format of the supported models (Qwen3: ChatML).
#pragma once

#include <string>
#include <string_view>

#include "app/core/engine_handles.h"
#include "mosaic/engine.h"

namespace mosaic::cli {

using app::chatml_user_turn;

// True when <|im_start|> and <|im_end|> are single control tokens of the model.
bool has_chat_template_tokens(const mosaic_model* model);

}  // namespace mosaic::cli
