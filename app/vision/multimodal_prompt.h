// Feeds a rendered prompt whose text holds one media marker per picture
// into a session: text and pictures in order, all or nothing.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "app/vision/image_encoder.h"
#include "mosaic/engine.h"

namespace mosaic::vision_prompt {

using EncodedImages = std::vector<std::shared_ptr<const EncodedImage>>;

// The engine's chunks for `prompt` (borrowing it and the images). Throws
// std::invalid_argument when markers and images differ in number.
std::vector<mosaic_chunk> prompt_chunks(std::string_view prompt, const EncodedImages& images);

// mosaic_session_feed_chunks over prompt_chunks; returns its status (or
// MOSAIC_ERR_INVALID_ARGUMENT for a marker/image mismatch, with the reason
// in *message when message is not null).
mosaic_status feed_prompt(mosaic_session* session, std::string_view prompt,
                          const EncodedImages& images, mosaic_progress_fn progress,
                          void* progress_user, std::string* message = nullptr);

}  // namespace mosaic::vision_prompt
