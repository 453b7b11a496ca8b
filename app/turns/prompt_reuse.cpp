#include "app/turns/prompt_reuse.h"

#include <algorithm>

namespace mosaic::turns {

ReusePlan plan_prompt_reuse(std::span<const int64_t> cached, std::span<const int64_t> prompt) {
  const size_t limit = std::min(cached.size(), prompt.size());
  size_t common = 0;
  while (common < limit && cached[common] == prompt[common]) ++common;
  // Re-feed the last slot for fresh logits; prompts end in text, so it is a token.
  if (common == prompt.size() && common > 0) --common;
  return {static_cast<int64_t>(common), static_cast<int64_t>(common)};
}

}  // namespace mosaic::turns
