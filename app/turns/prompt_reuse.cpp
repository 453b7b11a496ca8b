#include "app/turns/prompt_reuse.h"

#include <algorithm>

namespace mosaic::turns {

ReusePlan plan_prompt_reuse(std::span<const int32_t> cached, std::span<const int32_t> prompt) {
  const size_t limit = std::min(cached.size(), prompt.size());
  size_t common = 0;
  while (common < limit && cached[common] == prompt[common]) ++common;
  if (common == prompt.size() && common > 0) --common;  // re-feed the last token for logits
  return {static_cast<int64_t>(common), static_cast<int64_t>(common)};
}

}  // namespace mosaic::turns
