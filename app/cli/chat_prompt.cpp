#include "app/cli/chat_prompt.h"

#include "app/cli/engine_handles.h"

namespace mosaic::cli {

bool has_chat_template_tokens(const mosaic_model* model) {
  for (const char* marker : {"<|im_start|>", "<|im_end|>"}) {
    if (tokenize(model, marker, MOSAIC_TOKENIZE_PARSE_SPECIAL).size() != 1) return false;
  }
  return true;
}

}  // namespace mosaic::cli
