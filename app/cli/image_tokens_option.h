// --image-tokens N, shared by `generate`, `chat` and `watch`: the most tokens
// one picture (or video frame) may take; larger pictures are resized to fit.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

#include "app/core/picture_budget.h"

namespace mosaic::cli {

inline constexpr int32_t kDefaultImageTokens = app::kDefaultPictureTokens;

inline void add_image_tokens_option(CLI::App& app, int32_t& value) {
  app.add_option("--image-tokens", value,
                 "Tokens per picture at most; larger pictures are resized to fit (0: the vision "
                 "file's limit, often 4x slower to encode on a big photo)")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
}

}  // namespace mosaic::cli
