// Reuse of the KV cache across the turns of one conversation: the tokens the
// session already holds are compared with the new prompt, and only what
// differs after their common prefix is run through the model again.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace mosaic::turns {

struct ReusePlan {
  int64_t keep = 0;       // tokens of the session kept (truncate to this)
  int64_t feed_from = 0;  // index in the new prompt where feeding starts
};

// At least one token is always fed, so the session has fresh logits for the
// reply's first token even when the whole prompt is already cached.
ReusePlan plan_prompt_reuse(std::span<const int32_t> cached, std::span<const int32_t> prompt);

}  // namespace mosaic::turns
