#include "app/vision/multimodal_prompt.h"

#include <fmt/format.h>

#include <stdexcept>

#include "app/core/media_marker.h"

namespace mosaic::vision_prompt {
using app::split_at_media_markers;

std::vector<mosaic_chunk> prompt_chunks(std::string_view prompt, const EncodedImages& images) {
  const std::vector<std::string_view> pieces = split_at_media_markers(prompt);
  if (pieces.size() - 1 != images.size()) {
    throw std::invalid_argument(fmt::format("the prompt has {} picture markers but {} pictures",
                                            pieces.size() - 1, images.size()));
  }
  std::vector<mosaic_chunk> chunks;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (!pieces[i].empty()) {
      chunks.push_back(
          {MOSAIC_CHUNK_TEXT, pieces[i].data(), pieces[i].size(), nullptr, nullptr, 0});
    }
    if (i < images.size()) {
      if (!images[i]) throw std::invalid_argument("a picture is missing its embedding");
      chunks.push_back({MOSAIC_CHUNK_IMAGE, nullptr, 0, &images[i]->embedding(), nullptr, 0});
    }
  }
  return chunks;
}

mosaic_status feed_prompt(mosaic_session* session, std::string_view prompt,
                          const EncodedImages& images, mosaic_progress_fn progress,
                          void* progress_user, std::string* message) {
  std::vector<mosaic_chunk> chunks;
  try {
    chunks = prompt_chunks(prompt, images);
  } catch (const std::invalid_argument& e) {
    if (message) *message = e.what();
    return MOSAIC_ERR_INVALID_ARGUMENT;
  }
  const mosaic_status status =
      mosaic_session_feed_chunks(session, chunks.data(), chunks.size(), progress, progress_user);
  if (status != MOSAIC_OK && message) *message = mosaic_last_error();
  return status;
}

}  // namespace mosaic::vision_prompt
