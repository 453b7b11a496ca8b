// How many tokens one picture may take by default, in the desktop app and
// the CLI alike: about one megapixel (Qwen3-VL: 32x32 pixels per token).
// Vision files allow 4x that, but a phone photo at 4096 tokens takes minutes
// to encode on a laptop (attention over its patches grows with their square)
// and fills much of a small context; the user can raise it.
#pragma once

#include <cstdint>

namespace mosaic::app {

inline constexpr int32_t kDefaultPictureTokens = 1024;

}  // namespace mosaic::app
