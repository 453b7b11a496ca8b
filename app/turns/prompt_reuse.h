// Reuse of the KV cache across the turns of one conversation: the context
// slots the session already holds are compared with the new prompt's, and
// only what differs after their common prefix is run through the model again.
// A slot is a token id (>= 0) or, for a picture's slots, a negative key of
// that picture (prompt_layout.h), so a prefix ends at a picture's edge.
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
ReusePlan plan_prompt_reuse(std::span<const int64_t> cached, std::span<const int64_t> prompt);

}  // namespace mosaic::turns
